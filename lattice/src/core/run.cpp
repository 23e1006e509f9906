#include "lattice/run.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "lattice/blowup.hpp"
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
  const std::int64_t every = options.checkpoint_every;
  RunResult result;
  if (options.resumed) {
    result.trace = options.resumed->trace;
    result.step_s = options.resumed->step_s;
    result.diagnostics_s = options.resumed->diagnostics_s;
    result.initial_max_abs = options.resumed->initial_max_abs;
  } else {
    result.initial_max_abs = max_abs(problem.state);
  }
  const double limit = options.blowup_factor > 0 && result.initial_max_abs > 0
                           ? options.blowup_factor * result.initial_max_abs
                           : std::numeric_limits<double>::infinity();
  const double earlier_wall_s = options.resumed ? options.resumed->wall_s : 0.0;
  const auto start = Clock::now();

  // True when E is healthy; else records where and what.
  auto check = [&](std::int64_t step) {
    const auto bad = first_bad_cell(problem.state, limit);
    if (!bad) return true;
    if (result.diverged_at < 0) {
      result.diverged_at = step;
      const Grid& g = std::visit([](const auto& s) -> const Grid& { return s.grid(); }, problem.state);
      result.divergence = describe(*bad, g);
      if (std::isfinite(bad->value)) {
        char text[96];
        std::snprintf(text, sizeof text, " exceeds the blow-up limit %.3g (%g x max|E| at step 0)", limit,
                      options.blowup_factor);
        result.divergence += text;
      }
    }
    return false;
  };
  auto record = [&](std::int64_t step) {
    const auto t0 = Clock::now();
    const bool healthy = check(step);
    result.trace.push_back({step, energy(problem.state, p), invariant(problem.state, p)});
    result.diagnostics_s += seconds_since(t0);
    return healthy;
  };
  auto checkpoint = [&] {
    result.wall_s = earlier_wall_s + seconds_since(start);
    options.on_checkpoint(problem.state, result);
  };

  const std::int64_t observe = options.on_observe ? options.observe_every : 0;
  std::int64_t done = std::visit([](const auto& s) { return s.step; }, problem.state);
  if (observe > 0 && !options.resumed) options.on_observe(problem.state);
  bool healthy = options.resumed ? check(done) : record(done);
  if (healthy && options.on_checkpoint && !options.resumed) checkpoint();
  std::int64_t last_checkpoint = done;
  // With a stop to honour, chunks start at the backend's block and double
  // while a call takes under a tenth of a second.
  const std::int64_t block = std::max<std::int64_t>(1, backend.preferred_step_multiple());
  std::int64_t chunk_cap = options.stop_requested ? block : options.steps;
  auto last_report = Clock::now();
  while (healthy && done < options.steps) {
    if (options.stop_requested && options.stop_requested(done)) {
      result.interrupted = true;
      break;
    }
    std::int64_t next = std::min(options.steps, (done / stride + 1) * stride);
    if (every > 0) next = std::min(next, (done / every + 1) * every);
    if (observe > 0) next = std::min(next, (done / observe + 1) * observe);
    const std::int64_t chunk = std::min(next - done, std::max<std::int64_t>(1, chunk_cap));
    const auto t0 = Clock::now();
    advance(backend, problem.state, p, chunk);
    const double took = seconds_since(t0);
    result.step_s += took;
    if (options.stop_requested && took < 0.1 && chunk == chunk_cap) chunk_cap *= 2;
    done += chunk;
    if (observe > 0 && done % observe == 0) options.on_observe(problem.state);
    const bool at_checkpoint = every > 0 && done % every == 0;
    if (done % stride == 0 || done == options.steps) {
      healthy = record(done);
    } else if (at_checkpoint) {
      healthy = check(done);
    }
    if (healthy && at_checkpoint && options.on_checkpoint) {
      checkpoint();
      last_checkpoint = done;
    }
    if (options.on_progress && seconds_since(last_report) >= 0.5) {
      options.on_progress({done, options.steps, seconds_since(start)});
      last_report = Clock::now();
    }
  }
  // A stopped run, and a finished one that a later resume may extend.
  const bool finished = done == options.steps;
  if (healthy && (result.interrupted || finished) && options.on_checkpoint && last_checkpoint != done) {
    checkpoint();
  }
  if (options.on_progress) options.on_progress({done, options.steps, seconds_since(start)});
  result.max_abs = max_abs(problem.state);
  result.wall_s = earlier_wall_s + seconds_since(start);
  return result;
}

}  // namespace lfm
