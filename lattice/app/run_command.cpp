#include "run_command.hpp"

#include <cmath>
#include <cstdio>
#include <iostream>

#include "lattice/backend.hpp"
#include "lattice/diagnostics.hpp"
#include "lattice/memory_check.hpp"
#include "distributed.hpp"
#include "progress.hpp"
#include "run_inputs.hpp"
#include "stop_signals.hpp"

namespace fs = std::filesystem;

namespace lfm::app {
namespace {

void print_summary(const Problem& problem, const RunResult& r, const std::string& backend,
                   const fs::path& out) {
  const Grid& g = std::visit([](const auto& s) -> const Grid& { return s.grid(); }, problem.state);
  const std::int64_t steps = r.trace.back().step;
  const auto& first = r.trace.front();
  const auto& last = r.trace.back();
  std::printf("lfm run: %s, %s, %s, backend %s\n", problem.name.c_str(),
              g.shape_string().c_str(), std::string(to_string(problem.params.precision)).c_str(),
              backend.c_str());
  std::printf("  steps            %lld\n", static_cast<long long>(steps));
  std::printf("  wall time        %.3f s (stepping %.3f s, diagnostics %.3f s, tuning %.3f s)\n", r.wall_s,
              r.step_s, r.diagnostics_s, r.tuning_s);
  if (steps > 0) {
    std::printf("  ms/step          %.3f\n", 1e3 * r.step_s / static_cast<double>(steps));
    std::printf("  cells/s          %.3e\n",
                static_cast<double>(g.cells()) * static_cast<double>(steps) / r.step_s);
  }
  std::printf("  energy           %.10e -> %.10e (relative drift %+.2e)\n", first.energy,
              last.energy, (last.energy - first.energy) / std::abs(first.energy));
  std::printf("  invariant H      %.10e -> %.10e (relative drift %+.2e)\n", first.invariant,
              last.invariant, (last.invariant - first.invariant) / std::abs(first.invariant));
  std::printf("  max |E|          %.6e\n", r.max_abs);
  if (r.diverged_at >= 0) {
    std::printf("  DIVERGED         at step %lld: %s; run stopped there\n",
                static_cast<long long>(r.diverged_at), r.divergence.c_str());
  }
  const bool chi_field = std::visit([](const auto& s) { return s.chi_field.has_value(); }, problem.state);
  std::printf("  output           %s (summary.json, energy.csv, E.npy, E_prev.npy%s)\n", out.string().c_str(),
              chi_field ? ", chi.npy" : "");
}

// Checked before the fields exist: the workload's size, or an upper bound
// from the input files' sizes.
double estimated_bytes(const RunArgs& a) {
  const Precision p = a.precision ? parse_precision(*a.precision) : Precision::float64;
  if (!a.workload.empty()) return estimate_run_bytes(workload_cells(a.n, a.dim), p);
  return estimate_run_bytes(npy_cells_upper_bound(a.init), p);
}

// "12 steps, 0 to 110": what a stopped run kept of its snapshots.
std::string step_range(const std::vector<std::int64_t>& steps) {
  if (steps.empty()) return "none";
  if (steps.size() == 1) return "step " + std::to_string(steps.front());
  return std::to_string(steps.size()) + " steps, " + std::to_string(steps.front()) + " to " +
         std::to_string(steps.back());
}

int report_interruption(const JobOutcome& o, const fs::path& out) {
  std::string kept;
  if (o.snapshots) {
    kept = "; snapshots kept (" + step_range(o.snapshot_steps) + ") in " + (out / "snapshots.h5").string();
  }
  const char* signal = signal_name(o.stop_reason);
  const auto step = static_cast<long long>(o.step);
  if (o.checkpointed) {
    std::fprintf(stderr,
                 "lfm: stopped by %s at step %lld; checkpoint %s written%s; "
                 "continue with: lfm resume %s\n",
                 signal, step, o.last_checkpoint.c_str(), kept.c_str(), out.c_str());
  } else if (o.snapshots) {
    std::fprintf(stderr,
                 "lfm: stopped by %s at step %lld%s; no checkpoint, so it cannot be resumed "
                 "(run with --checkpoint-every K for that)\n",
                 signal, step, kept.c_str());
  } else {
    std::fprintf(stderr,
                 "lfm: stopped by %s at step %lld; nothing written "
                 "(run with --checkpoint-every K to be able to resume)\n",
                 signal, step);
  }
  return exit_code_for_signal(o.stop_reason);
}

void report_divergence(const JobOutcome& o) {
  std::string kept;
  if (!o.last_checkpoint.empty()) kept = "; the last good checkpoint is " + o.last_checkpoint.string();
  std::fprintf(stderr, "lfm: diverged at step %lld: %s%s\n", static_cast<long long>(o.result.diverged_at),
               o.result.divergence.c_str(), kept.c_str());
}

}  // namespace

void print_notice(const std::string& text) { std::cerr << "lfm: " << text << "\n"; }

int run_in_directory(const Problem& problem, const RunDirectory& dir, bool quiet, const StopSignals& stop,
                     const DistributedArgs& distributed, const std::function<JobOutcome(const JobHooks&)>& job) {
  ProgressLine progress(!quiet);
  JobHooks hooks;
  hooks.on_progress = [&](const Progress& p) { progress(p); };
  hooks.stop_requested = [&](std::int64_t step) { return stop.received(step); };
  hooks.notice = print_notice;
  const Grid& g = std::visit([](const auto& s) -> const Grid& { return s.grid(); }, problem.state);
  hooks.make_backend = distributed_backends(distributed, g, problem.params, print_notice);
  const JobOutcome o = job(hooks);
  progress.finish();
  if (o.status == JobStatus::stopped) return report_interruption(o, dir.requested());
  print_summary(problem, o.result, o.backend, dir.requested());
  if (o.snapshots) print_snapshot_summary(*o.snapshots);
  if (o.status == JobStatus::diverged) report_divergence(o);
  return o.status == JobStatus::completed ? 0 : 3;
}

int run_command(const RunArgs& a) {
  JobOptions options;
  options.backend = a.backend.empty() ? default_backend_name() : a.backend;
  options.command_line = a.command_line;
  options.steps = a.steps;
  options.diagnostics_every = a.diagnostics_every;  // 0: the run loop chooses it by cost
  options.checkpoint_every = a.checkpoint_every;
  options.keep_checkpoints = a.keep_checkpoints;
  options.blowup_factor = a.blowup_factor;
  options.snapshot = snapshot_options(a.snapshot);
  validate(options);

  require_memory(estimated_bytes(a), a.memory_limit);
  Problem problem = a.workload.empty() ? user_problem(a) : workload_problem(a);
  const Grid& g = std::visit([](const auto& s) -> const Grid& { return s.grid(); }, problem.state);
  validate(problem.params, g, chi_max(problem.state, problem.params), a.allow_unstable);

  // The handlers go in before the directory is made, so that a signal
  // from here on ends in a clean stop.
  const StopSignals stop;
  RunDirectory dir(a.out, a.force ? RunDirectory::Open::replace : RunDirectory::Open::create, print_notice);
  return run_in_directory(problem, dir, a.quiet, stop, a.distributed,
                          [&](const JobHooks& hooks) { return run_job(problem, dir, options, hooks); });
}

}  // namespace lfm::app
