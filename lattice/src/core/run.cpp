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

  std::int64_t done = 0;
  bool finite = record(0);
  auto last_report = Clock::now();
  while (finite && done < options.steps) {
    const std::int64_t chunk = std::min(stride, options.steps - done);
    const auto t0 = Clock::now();
    advance(backend, problem.state, p, chunk);
    result.step_s += seconds_since(t0);
    done += chunk;
    finite = record(done);
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
