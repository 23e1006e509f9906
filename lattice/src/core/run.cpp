#include "lattice/run.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "lattice/blowup.hpp"
#include "lattice/diagnostic_stride.hpp"
#include "lattice/diagnostics.hpp"
#include "lattice/fused_diagnostics.hpp"

namespace lfm {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// The stride a resumed run used before it stopped, when lfm chose it: the
// trace starts at step 0 and its second record is at the stride (or at the
// last step, when that came first). 0 while nothing after step 0 was recorded.
std::int64_t stride_in(const RunResult* resumed) {
  if (!resumed || resumed->trace.size() < 2 || resumed->trace[0].step != 0) return 0;
  return resumed->trace[1].step;
}

std::int64_t round_up(std::int64_t n, std::int64_t multiple) { return (n + multiple - 1) / multiple * multiple; }

// The chosen stride keeps at most this many records after step 0.
constexpr std::int64_t max_records = 100;

}  // namespace

RunResult run(Problem& problem, Backend& backend, const RunOptions& options) {
  const Params& p = problem.params;
  // 0 until lfm has chosen it, after the first chunk of steps is timed.
  std::int64_t stride = options.diagnostics_every > 0 ? options.diagnostics_every : stride_in(options.resumed);
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
  // Tuning happens here, before the loop asks for the step multiple (auto
  // knows it only once it has chosen), and is counted apart from stepping.
  prepare(backend, problem.state, p);
  result.tuning_s = seconds_since(start);
  const Grid& grid = std::visit([](const auto& s) -> const Grid& { return s.grid(); }, problem.state);

  auto diverge = [&](std::int64_t step, std::string what) {
    if (result.diverged_at >= 0) return;
    result.diverged_at = step;
    result.divergence = std::move(what);
  };
  auto bad_cell = [&](std::int64_t step, const BadCell& bad) {
    std::string text = describe(bad, grid);
    if (std::isfinite(bad.value)) {
      char more[96];
      std::snprintf(more, sizeof more, " exceeds the blow-up limit %.3g (%g x max|E| at step 0)", limit,
                    options.blowup_factor);
      text += more;
    }
    diverge(step, text);
  };
  // True when E is healthy; else records where and what.
  auto check = [&](std::int64_t step) {
    backend.sync(problem.state);
    const auto bad = first_bad_cell(problem.state, limit);
    if (bad) bad_cell(step, *bad);
    return !bad;
  };
  double last_record_max_abs = 0;
  std::int64_t last_record_step = -1;
  // The backend's own diagnostics where it keeps the fields, else the fused pass.
  auto diagnose = [&] {
    std::optional<FusedDiagnostics> held = backend.diagnose(problem.state, p, limit);
    return held ? *held : fused_diagnostics(problem.state, p, limit);
  };
  auto record = [&](std::int64_t step) {
    const auto t0 = Clock::now();
    const FusedDiagnostics d = diagnose();
    result.trace.push_back({step, d.energy, d.invariant});
    result.diagnostics_s += seconds_since(t0);
    last_record_step = step;
    last_record_max_abs = d.health.max_abs;
    if (d.health.first_bad) {
      bad_cell(step, *d.health.first_bad);
      return false;
    }
    // E finite but a sum overflowed (a huge Δx, an extreme field): the
    // record is meaningless, and a run that reports it is not complete.
    if (!std::isfinite(d.energy) || !std::isfinite(d.invariant)) {
      char text[160];
      std::snprintf(text, sizeof text, "%s not finite (energy = %g, invariant H = %g) while E is finite",
                    !std::isfinite(d.energy) && !std::isfinite(d.invariant) ? "energy and invariant H are"
                    : !std::isfinite(d.energy)                            ? "energy is"
                                                                          : "invariant H is",
                    d.energy, d.invariant);
      diverge(step, text);
      return false;
    }
    return true;
  };
  auto checkpoint = [&] {
    backend.sync(problem.state);
    result.wall_s = earlier_wall_s + seconds_since(start);
    options.on_checkpoint(problem.state, result);
  };

  const std::int64_t observe = options.on_observe ? options.observe_every : 0;
  std::int64_t done = std::visit([](const auto& s) { return s.step; }, problem.state);
  if (observe > 0 && !options.resumed) options.on_observe(problem.state);
  bool healthy = options.resumed ? check(done) : record(done);
  if (healthy && options.on_checkpoint && !options.resumed) checkpoint();
  std::int64_t last_checkpoint = done;
  // The cost of one record, for choosing the stride. A process's first
  // record also pays for cold caches and page faults, so when lfm is to
  // choose the stride it times the same record once more and keeps the
  // faster of the two.
  double record_s = result.trace.empty() ? 0.0 : result.diagnostics_s / static_cast<double>(result.trace.size());
  if (stride == 0 && healthy && !result.trace.empty()) {
    const auto t0 = Clock::now();
    (void)diagnose();
    const double again = seconds_since(t0);
    result.diagnostics_s += again;
    record_s = std::min(record_s, again);
  }
  // With a stop to honour, chunks start at the backend's block and double
  // while a call takes under a tenth of a second. The block is asked again
  // before every chunk: a tuning backend knows it only after its first call.
  std::int64_t chunk_cap = options.stop_requested ? 1 : options.steps;
  auto last_report = Clock::now();
  while (healthy && done < options.steps) {
    if (options.stop_requested && options.stop_requested(done)) {
      result.interrupted = true;
      break;
    }
    const std::int64_t block = std::max<std::int64_t>(1, backend.preferred_step_multiple());
    chunk_cap = round_up(chunk_cap, block);
    // Before the stride is chosen, the first chunk ends where the smallest
    // stride lfm could choose would record.
    const std::int64_t floor_stride = (options.steps + max_records - 1) / max_records;
    std::int64_t next = stride > 0 ? (done / stride + 1) * stride : round_up(std::max(done + 1, floor_stride), block);
    next = std::min(options.steps, next);
    if (every > 0) next = std::min(next, (done / every + 1) * every);
    if (observe > 0) next = std::min(next, (done / observe + 1) * observe);
    const std::int64_t chunk = std::min(next - done, chunk_cap);
    const auto t0 = Clock::now();
    advance(backend, problem.state, p, chunk);
    const double took = seconds_since(t0);
    result.step_s += took;
    if (options.stop_requested && took < 0.1 && chunk == chunk_cap) chunk_cap *= 2;
    done += chunk;
    if (stride == 0) {
      // Diagnostics within 5 % of stepping, from this chunk's and the first
      // record's times, in the backend's blocks; never a step already passed.
      const std::int64_t multiple = std::max<std::int64_t>(1, backend.preferred_step_multiple());
      stride = std::max(done, run_diagnostics_stride(options.steps, took / static_cast<double>(chunk), record_s,
                                                     {0.05, max_records, multiple}));
      stride = round_up(stride, multiple);
    }
    if (observe > 0 && done % observe == 0) {
      backend.sync(problem.state);
      options.on_observe(problem.state);
    }
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
  backend.sync(problem.state);
  result.max_abs = last_record_step == done ? last_record_max_abs : max_abs(problem.state);
  result.wall_s = earlier_wall_s + seconds_since(start);
  return result;
}

}  // namespace lfm
