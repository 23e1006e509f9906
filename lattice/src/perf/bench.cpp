#include "lattice/perf/bench.hpp"

#include <chrono>
#include <cmath>
#include <memory>

#include "lattice/backend.hpp"
#include "lattice/error.hpp"
#include "lattice/workloads.hpp"

namespace lfm::perf {
namespace {

struct Runner {
  std::unique_ptr<Backend> backend;
  Problem problem;

  Runner(const Contender& c, const BenchCase& b)
      : backend(make_backend(c.backend)),
        problem(make_workload(b.workload, b.dims, b.n, c.precision)) {}

  double seconds_for(std::int64_t steps) {
    const auto t0 = std::chrono::steady_clock::now();
    advance(*backend, problem.state, problem.params, steps);
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }
};

void check(const BenchCase& bench) {
  if (bench.repetitions < 1) {
    throw InputError("--reps = " + std::to_string(bench.repetitions) + "; expected >= 1");
  }
  if (bench.warmup < 0) {
    throw InputError("--warmup = " + std::to_string(bench.warmup) + "; expected >= 0");
  }
}

std::size_t cells_of(const BenchCase& bench) {
  return static_cast<std::size_t>(std::pow(static_cast<double>(bench.n), bench.dims));
}

// Steps per repetition: as asked, or enough for the slowest first step
// (untimed in the results) times the count to reach min_rep_seconds.
std::int64_t steps_per_rep(const BenchCase& bench, double slowest_step_s) {
  if (bench.steps > 0) return bench.steps;
  return std::max<std::int64_t>(
      1, static_cast<std::int64_t>(std::ceil(bench.min_rep_seconds / std::max(slowest_step_s, 1e-9))));
}

}  // namespace

std::string Contender::label() const { return backend + "/" + std::string(to_string(precision)); }

double compulsory_bytes_per_cell(Precision p, bool chi_field) {
  const double element = p == Precision::float64 ? 8 : 4;
  return element * (chi_field ? 4 : 3);
}

SingleTimings measure(const Contender& contender, const BenchCase& bench) {
  check(bench);
  Runner run(contender, bench);
  SingleTimings out;
  out.cells = cells_of(bench);
  out.steps_per_rep = steps_per_rep(bench, run.seconds_for(1));
  for (int w = 0; w < bench.warmup; ++w) run.seconds_for(out.steps_per_rep);
  for (int r = 0; r < bench.repetitions; ++r) {
    out.timings.seconds_per_step.push_back(run.seconds_for(out.steps_per_rep) /
                                           static_cast<double>(out.steps_per_rep));
  }
  return out;
}

PairTimings measure_interleaved(const Contender& reference, const Contender& candidate,
                                const BenchCase& bench) {
  check(bench);
  Runner ref(reference, bench);
  Runner cand(candidate, bench);

  PairTimings out;
  out.cells = cells_of(bench);
  out.steps_per_rep = steps_per_rep(bench, std::max(ref.seconds_for(1), cand.seconds_for(1)));
  for (int w = 0; w < bench.warmup; ++w) {
    ref.seconds_for(out.steps_per_rep);
    cand.seconds_for(out.steps_per_rep);
  }
  const auto per_step = [&](double s) { return s / static_cast<double>(out.steps_per_rep); };
  for (int r = 0; r < bench.repetitions; ++r) {
    if (r % 2 == 0) {
      out.reference.seconds_per_step.push_back(per_step(ref.seconds_for(out.steps_per_rep)));
      out.candidate.seconds_per_step.push_back(per_step(cand.seconds_for(out.steps_per_rep)));
    } else {
      out.candidate.seconds_per_step.push_back(per_step(cand.seconds_for(out.steps_per_rep)));
      out.reference.seconds_per_step.push_back(per_step(ref.seconds_for(out.steps_per_rep)));
    }
  }
  return out;
}

}  // namespace lfm::perf
