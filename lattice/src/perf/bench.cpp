#include "lattice/perf/bench.hpp"

#include <chrono>
#include <cmath>
#include <memory>
#include <numeric>

#include "lattice/backend.hpp"
#include "lattice/error.hpp"
#include "lattice/workloads.hpp"

namespace lfm::perf {
namespace {

struct Runner {
  std::unique_ptr<Backend> backend;
  Problem problem;

  // The backend makes its tuning choice here, before any timed step.
  Runner(const Contender& c, const BenchCase& b)
      : backend(make_backend(c.backend)),
        problem(make_workload(b.workload, b.dims, b.n, c.precision)) {
    problem.params.stencil_order = b.stencil_order;
    prepare(*backend, problem.state, problem.params);
  }

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

// Steps per repetition: enough to reach min_rep_seconds at the
// slowest side's measured pace, rounded up to a multiple both sides run at
// full speed (a temporally blocked backend advances in blocks).
std::int64_t steps_per_rep(const BenchCase& bench, double slowest_step_s, std::int64_t multiple) {
  const auto steps = std::max<std::int64_t>(
      1, static_cast<std::int64_t>(std::ceil(bench.min_rep_seconds / std::max(slowest_step_s, 1e-9))));
  return (steps + multiple - 1) / multiple * multiple;
}

// The pace of one side: one untimed step first (first touch), then a few
// timed ones.
double pace(Runner& r) {
  r.seconds_for(1);
  const std::int64_t n = r.backend->preferred_step_multiple();
  return r.seconds_for(n) / static_cast<double>(n);
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
  out.steps_per_rep = steps_per_rep(bench, pace(run), run.backend->preferred_step_multiple());
  for (int w = 0; w < bench.warmup; ++w) run.seconds_for(out.steps_per_rep);
  out.timings.tuning = run.backend->tuning();
  out.timings.tuning_seconds = run.backend->tuning_seconds();
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
  const double slowest = std::max(pace(ref), pace(cand));
  out.steps_per_rep = steps_per_rep(bench, slowest, std::lcm(ref.backend->preferred_step_multiple(),
                                                              cand.backend->preferred_step_multiple()));
  for (int w = 0; w < bench.warmup; ++w) {
    ref.seconds_for(out.steps_per_rep);
    cand.seconds_for(out.steps_per_rep);
  }
  out.reference.tuning = ref.backend->tuning();
  out.candidate.tuning = cand.backend->tuning();
  out.reference.tuning_seconds = ref.backend->tuning_seconds();
  out.candidate.tuning_seconds = cand.backend->tuning_seconds();
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
