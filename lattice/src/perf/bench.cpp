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

// Steps per repetition: enough to reach min_rep_seconds at the side's
// measured pace, rounded up to a multiple it runs at full speed (a
// temporally blocked backend advances in blocks).
std::int64_t steps_per_rep(const BenchCase& bench, double step_s, std::int64_t multiple) {
  const auto steps = std::max<std::int64_t>(
      1, static_cast<std::int64_t>(std::ceil(bench.min_rep_seconds / std::max(step_s, 1e-9))));
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
  const std::int64_t steps = steps_per_rep(bench, pace(run), run.backend->preferred_step_multiple());
  out.timings.steps_per_rep = steps;
  for (int w = 0; w < bench.warmup; ++w) run.seconds_for(steps);
  out.timings.tuning = run.backend->tuning();
  out.timings.tuning_seconds = run.backend->tuning_seconds();
  for (int r = 0; r < bench.repetitions; ++r) {
    out.timings.seconds_per_step.push_back(run.seconds_for(steps) / static_cast<double>(steps));
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
  // Each side its own steps per repetition, at its own pace: the ratio is
  // of seconds per step, and a fast side timed on the slow side's step
  // count would be one short, cold step (tens of milliseconds of noise).
  std::int64_t& ref_steps = out.reference.steps_per_rep;
  std::int64_t& cand_steps = out.candidate.steps_per_rep;
  ref_steps = steps_per_rep(bench, pace(ref), ref.backend->preferred_step_multiple());
  cand_steps = steps_per_rep(bench, pace(cand), cand.backend->preferred_step_multiple());
  for (int w = 0; w < bench.warmup; ++w) {
    ref.seconds_for(ref_steps);
    cand.seconds_for(cand_steps);
  }
  out.reference.tuning = ref.backend->tuning();
  out.candidate.tuning = cand.backend->tuning();
  out.reference.tuning_seconds = ref.backend->tuning_seconds();
  out.candidate.tuning_seconds = cand.backend->tuning_seconds();
  const auto time_ref = [&] {
    out.reference.seconds_per_step.push_back(ref.seconds_for(ref_steps) / static_cast<double>(ref_steps));
  };
  const auto time_cand = [&] {
    out.candidate.seconds_per_step.push_back(cand.seconds_for(cand_steps) / static_cast<double>(cand_steps));
  };
  for (int r = 0; r < bench.repetitions; ++r) {
    if (r % 2 == 0) {
      time_ref();
      time_cand();
    } else {
      time_cand();
      time_ref();
    }
  }
  return out;
}

}  // namespace lfm::perf
