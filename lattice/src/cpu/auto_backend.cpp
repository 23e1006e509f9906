#include "cpu/auto_backend.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <numeric>
#include <vector>

#include "core/tuning_cache.hpp"
#include "cpu/cpu_temporal_backend.hpp"
#include "cpu/temporal_tuning.hpp"

namespace lfm {
namespace {

// Every CPU backend that claims `cpu`'s bits (tests/test_bit_identity.cpp).
constexpr std::array<std::string_view, 3> candidates = {"cpu", "cpu_temporal", "thrust_omp"};
// One warm-up round, then the median of three, interleaved so that drift in
// the machine's load falls on every candidate alike.
constexpr int timed_rounds = 3;
// A candidate replaces `cpu` only when its median is at least this much
// faster: the probe is short, and a pick that noise made must not cost a
// run more than `cpu` would.
constexpr double margin = 0.03;

constexpr std::string_view cache_header = "# lfm auto tuning cache v1: cpu\tproblem\tbackend";

bool is_candidate(std::string_view name) {
  return std::find(candidates.begin(), candidates.end(), name) != candidates.end();
}

bool available(std::string_view name) {
  for (const auto& b : registered_backends()) {
    if (b.name == name) return b.available();
  }
  return false;
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

template <class T>
void AutoBackend::probe(const State<T>& s, const Params& p, bool retune) {
  std::vector<std::string> names;
  std::vector<std::unique_ptr<Backend>> backends;
  std::int64_t steps = 1;
  for (const std::string_view name : candidates) {
    if (!available(name)) continue;
    names.emplace_back(name);
    backends.push_back(make_backend(name));
    backends.back()->prepare(s, p, retune);
    trials_ += 1 + backends.back()->tuning_trials();
    steps = std::lcm(steps, backends.back()->preferred_step_multiple());
  }
  State<T> trial = s;  // bit-identical candidates: one copy serves them all
  std::vector<std::vector<double>> seconds(backends.size());
  for (int round = 0; round <= timed_rounds; ++round) {
    for (std::size_t i = 0; i < backends.size(); ++i) {
      const auto t0 = std::chrono::steady_clock::now();
      backends[i]->advance(trial, p, steps);
      if (round > 0) seconds[i].push_back(seconds_since(t0));
    }
  }
  std::vector<double> medians;
  for (auto& t : seconds) {
    std::nth_element(t.begin(), t.begin() + timed_rounds / 2, t.end());
    medians.push_back(t[timed_rounds / 2]);
  }
  std::size_t best = 0;  // candidates[0] is cpu, always available
  for (std::size_t i = 1; i < backends.size(); ++i) {
    if (medians[i] < (1 - margin) * medians[0] && medians[i] < medians[best]) best = i;
  }
  name_ = names[best];
  backend_ = std::move(backends[best]);
  why_ = "probed";
}

template <class T>
void AutoBackend::choose(const State<T>& s, const Params& p, bool retune) {
  const std::string key = cpu::problem_key(s, p);
  if (!retune && key == chosen_for_) return;
  const auto t0 = std::chrono::steady_clock::now();
  chosen_for_ = key;
  if (!temporal_blocks(s.grid(), p) || s.grid().cells() < auto_probe_cells) {
    // Nothing to block, or fields the last-level cache holds: cpu_temporal
    // steps as cpu or trails it there, and thrust_omp trails it everywhere.
    name_ = "cpu";
    backend_ = make_backend(name_);
    why_ = std::to_string(s.grid().dims()) + "D, " + std::to_string(s.grid().cells()) + " cells: not probed";
    return;
  }
  retune = retune || retune_requested();
  const auto path = tuning_file_path("auto_tuning.txt");
  TuningTable cache = read_tuning_cache(path, is_candidate);
  const auto cached = retune ? std::nullopt : cache.find(cpu::machine_name(), key);
  if (cached && available(*cached)) {
    name_ = *cached;
    backend_ = make_backend(name_);
    backend_->prepare(s, p, false);
    trials_ += backend_->tuning_trials();
    why_ = "cached";
  } else {
    probe(s, p, retune);
    cache.put(cpu::machine_name(), key, name_);
    save_tuning_table(path, cache, cache_header);  // when it cannot be written, the next process probes again
  }
  seconds_ += seconds_since(t0);
}

void AutoBackend::advance(State<double>& s, const Params& p, std::int64_t steps) {
  choose(s, p, false);
  backend_->advance(s, p, steps);
}
void AutoBackend::advance(State<float>& s, const Params& p, std::int64_t steps) {
  choose(s, p, false);
  backend_->advance(s, p, steps);
}
void AutoBackend::prepare(const State<double>& s, const Params& p, bool retune) { choose(s, p, retune); }
void AutoBackend::prepare(const State<float>& s, const Params& p, bool retune) { choose(s, p, retune); }

std::int64_t AutoBackend::preferred_step_multiple() const {
  return backend_ ? backend_->preferred_step_multiple() : 1;
}

std::string AutoBackend::tuning() const {
  if (!backend_) return "";
  const std::string inner = backend_->tuning();
  return "auto: " + name_ + " (" + (inner.empty() ? "" : inner + "; ") + why_ + ")";
}


}  // namespace lfm
