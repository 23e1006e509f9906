#include "lattice/run.hpp"

#include <algorithm>

#include "lattice/diagnostics.hpp"

namespace lfm {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

}  // namespace

std::int64_t default_diagnostics_stride(std::int64_t steps) {
  // At most about 100 records: enough to plot a drift, and cheap next to
  // the steps (one record costs about two steps of the baseline).
  return std::max<std::int64_t>(1, (steps + 99) / 100);
}

RunResult run(Problem& problem, Backend& backend, const RunOptions& options) {
  const Params& p = problem.params;
  const std::int64_t stride = options.diagnostics_every > 0
                                  ? options.diagnostics_every
                                  : default_diagnostics_stride(options.steps);
  RunResult result;
  const auto start = Clock::now();

  auto record = [&](std::int64_t step) {
    const auto t0 = Clock::now();
    const bool finite = all_finite(problem.state);
    result.trace.push_back({step, energy(problem.state, p), invariant(problem.state, p)});
    result.diagnostics_s += seconds_since(t0);
    if (!finite && result.diverged_at < 0) result.diverged_at = step;
    return finite;
  };

  const std::int64_t observe = options.on_observe ? options.observe_every : 0;
  auto next_multiple = [](std::int64_t from, std::int64_t every) { return (from / every + 1) * every; };

  std::int64_t done = 0;
  if (observe > 0) options.on_observe(problem.state);
  bool finite = record(0);
  auto last_report = Clock::now();
  while (finite && done < options.steps) {
    std::int64_t target = std::min(next_multiple(done, stride), options.steps);
    if (observe > 0) target = std::min(target, next_multiple(done, observe));
    const auto t0 = Clock::now();
    advance(backend, problem.state, p, target - done);
    result.step_s += seconds_since(t0);
    done = target;
    if (observe > 0 && done % observe == 0) options.on_observe(problem.state);
    if (done % stride == 0 || done == options.steps) finite = record(done);
    if (options.on_progress && seconds_since(last_report) >= 0.5) {
      options.on_progress({done, options.steps, seconds_since(start)});
      last_report = Clock::now();
    }
  }
  if (options.on_progress) options.on_progress({done, options.steps, seconds_since(start)});
  result.max_abs = max_abs(problem.state);
  result.wall_s = seconds_since(start);
  return result;
}

}  // namespace lfm
