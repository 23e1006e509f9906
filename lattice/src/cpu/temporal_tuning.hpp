#pragma once
// How `cpu_temporal` chooses its blocking: by timing candidates once per
// machine and problem, the result kept in the tuning cache
// (tuning_file_path("cpu_temporal_tuning.txt")).
#include <filesystem>
#include <optional>
#include <string>

#include "cpu/wavefront.hpp"
#include "lattice/grid.hpp"
#include "lattice/params.hpp"
#include "lattice/state.hpp"

namespace lfm::cpu {

// The machine part of a cache entry: the CPU model, read once per process.
const std::string& machine_name();

// What a tuned choice depends on besides the CPU model:
// "2 threads 3d 256x256x256 float64 o2 periodic chi scalar".
std::string problem_key(const Grid& g, Precision precision, const Params& p, bool chi_field);

template <class T>
std::string problem_key(const State<T>& s, const Params& p) {
  return problem_key(s.grid(), sizeof(T) == 8 ? Precision::float64 : Precision::float32, p,
                     s.chi_field.has_value());
}

std::filesystem::path temporal_cache_path();
// "8 64" <-> {8, 64}; nullopt for anything else.
std::optional<Blocking> parse_blocking(std::string_view text);
std::string to_text(const Blocking& b);

struct TimedChoice {
  Blocking blocking;
  int trials = 0;  // candidates timed
};

// Times each candidate blocking on one copy of `s` (a warm-up block, then
// the median of three timed blocks) and returns the fastest per step.
template <class T>
TimedChoice time_candidates(const State<T>& s, const Params& p);

}  // namespace lfm::cpu
