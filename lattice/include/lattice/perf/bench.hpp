#pragma once
// Interleaved timing of two backends in one process: the only comparison a
// shared, noisy machine allows. Each repetition times both sides back to
// back, alternating which goes first, after a warm-up, so drift in machine
// load falls on both alike.
#include <cstdint>
#include <string>
#include <vector>

#include "lattice/params.hpp"

namespace lfm::perf {

struct Contender {
  std::string backend;
  Precision precision = Precision::float64;
  std::string label() const;  // "cpu/float32"
};

struct BenchCase {
  std::string workload = "wave_packet";
  int dims = 3;
  std::size_t n = 64;
  int warmup = 2;        // untimed repetitions (first touch, caches, frequency)
  int repetitions = 10;
  // Each repetition runs enough steps for its side to take about this.
  double min_rep_seconds = 0.2;
  int stencil_order = 2;  // 2 or 4 (SPEC §2), set on the workload's parameters
};

struct Timings {
  std::vector<double> seconds_per_step;  // one per repetition
  // Steps in each timed repetition: enough for this side to take about
  // min_rep_seconds, so that a fast side is never timed on one cold step.
  std::int64_t steps_per_rep = 0;
  std::string tuning;                    // what the backend chose, if it tunes
  double tuning_seconds = 0;             // spent choosing it (cache or trials), before any timed step
};

struct PairTimings {
  Timings reference, candidate;
  std::size_t cells = 0;
};

// Throws InputError for an unknown or unavailable backend, bad sizes or
// fewer than 1 repetition.
PairTimings measure_interleaved(const Contender& reference, const Contender& candidate,
                                const BenchCase& bench);

struct SingleTimings {
  Timings timings;
  std::size_t cells = 0;
};

// One backend alone, for recorded baselines (compared offline, later, by
// `lfm compare` with a rank test rather than in the same process).
SingleTimings measure(const Contender& contender, const BenchCase& bench);

// Bytes one step must move at the least: read E and E_prev, write E_next,
// plus reading χ when it is a field.
double compulsory_bytes_per_cell(Precision p, bool chi_field);

}  // namespace lfm::perf
