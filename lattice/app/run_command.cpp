#include "run_command.hpp"

#include <algorithm>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <optional>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "lattice/backend.hpp"
#include "lattice/diagnostics.hpp"
#include "lattice/error.hpp"
#include "lattice/npy.hpp"
#include "commands.hpp"
#include "progress.hpp"
#include "run_inputs.hpp"
#include "run_output.hpp"
#include "checkpointing.hpp"
#include "memory_check.hpp"
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

void check_reliability_args(const RunArgs& a) {
  if (a.checkpoint_every < 0) {
    throw InputError("--checkpoint-every = " + std::to_string(a.checkpoint_every) +
                     " is negative; expected >= 1, or 0 for no checkpoints");
  }
  if (a.keep_checkpoints < 1) {
    throw InputError("--keep-checkpoints = " + std::to_string(a.keep_checkpoints) + "; expected >= 1");
  }
  if (!(a.blowup_factor >= 0) || !std::isfinite(a.blowup_factor)) {
    throw InputError("--blowup-factor = " + std::to_string(a.blowup_factor) +
                     "; expected a finite factor > 1, or 0 to stop on NaN/Inf only");
  }
}

// Checked before the fields exist: the workload's size, or an upper bound
// from the input files' sizes.
double estimated_bytes(const RunArgs& a) {
  const Precision p = a.precision ? parse_precision(*a.precision) : Precision::float64;
  if (!a.workload.empty()) return estimate_run_bytes(workload_cells(a.n, a.dim), p);
  return estimate_run_bytes(npy_cells_upper_bound(a.init), p);
}

ResumeRecord resume_record(const Problem& problem, const RunPlan& plan, int keep) {
  ResumeRecord r;
  r.workload = problem.name;
  r.backend = plan.backend;
  r.command_line = plan.command_line;
  r.steps = plan.steps;
  r.diagnostics_every = plan.diagnostics_every;
  r.checkpoint_every = plan.checkpoint_every;
  r.keep_checkpoints = keep;
  r.blowup_factor = plan.blowup_factor;
  r.snapshot = plan.snapshot;
  return r;
}

// "12 steps, 0 to 110": what a stopped run kept of its snapshots.
std::string step_range(const std::vector<std::int64_t>& steps) {
  if (steps.empty()) return "none";
  if (steps.size() == 1) return "step " + std::to_string(steps.front());
  return std::to_string(steps.size()) + " steps, " + std::to_string(steps.front()) + " to " +
         std::to_string(steps.back());
}

int report_interruption(int signo, std::int64_t step, const RunPlan& plan,
                        const std::vector<std::int64_t>* snapshot_steps) {
  std::string kept;
  if (snapshot_steps) {
    kept = "; snapshots kept (" + step_range(*snapshot_steps) + ") in " +
           (plan.dir->requested() / "snapshots.h5").string();
  }
  if (plan.checkpoints) {
    std::fprintf(stderr,
                 "lfm: stopped by %s at step %lld; checkpoint %s written%s; "
                 "continue with: lfm resume %s\n",
                 signal_name(signo), static_cast<long long>(step), plan.checkpoints->last().c_str(),
                 kept.c_str(), plan.dir->requested().c_str());
  } else if (snapshot_steps) {
    std::fprintf(stderr,
                 "lfm: stopped by %s at step %lld%s; no checkpoint, so it cannot be resumed "
                 "(run with --checkpoint-every K for that)\n",
                 signal_name(signo), static_cast<long long>(step), kept.c_str());
  } else {
    std::fprintf(stderr,
                 "lfm: stopped by %s at step %lld; nothing written "
                 "(run with --checkpoint-every K to be able to resume)\n",
                 signal_name(signo), static_cast<long long>(step));
  }
  return exit_code_for_signal(signo);
}

void print_notice(const std::string& text) { std::cerr << "lfm: " << text << "\n"; }

void report_divergence(const RunResult& r, const RunPlan& plan) {
  std::string kept;
  if (plan.checkpoints && !plan.checkpoints->last().empty()) {
    kept = "; the last good checkpoint is " + plan.checkpoints->last().string();
  }
  std::fprintf(stderr, "lfm: diverged at step %lld: %s%s\n", static_cast<long long>(r.diverged_at),
               r.divergence.c_str(), kept.c_str());
}

}  // namespace

int run_problem(Problem& problem, const RunPlan& plan) {
  const BackendInfo& info = find_backend(plan.backend);
  RunDirectory& dir = *plan.dir;
  std::optional<SnapshotWriter> snapshots;
  const std::int64_t start = std::visit([](const auto& s) { return s.step; }, problem.state);
  if (plan.snapshot) {
    for (const char* name : {"snapshots.h5", "snapshots.xdmf", "snapshots/"}) dir.own(name);
    std::optional<std::int64_t> resume_before;
    if (plan.resumed) resume_before = start;
    snapshots.emplace(dir.file("snapshots.h5"), problem, *plan.snapshot, resume_before);
    // The loop observes only the steps it reaches; a resumed run takes the
    // one it starts from again, since the stopped run may not have written it.
    if (plan.resumed && start % plan.snapshot->every == 0) snapshots->capture(problem.state);
  }
  auto backend = info.create();
  ProgressLine progress(!plan.quiet);
  RunOptions options;
  options.steps = plan.steps;
  options.diagnostics_every = plan.diagnostics_every;
  options.on_progress = [&](const Progress& p) { progress(p); };
  options.stop_requested = [&](std::int64_t step) { return plan.stop->received(step) != 0; };
  options.blowup_factor = plan.blowup_factor;
  options.resumed = plan.resumed;
  if (snapshots) {
    options.observe_every = plan.snapshot->every;
    options.on_observe = [&](const AnyState& s) { snapshots->capture(s); };
  }
  if (plan.checkpoints) {
    options.checkpoint_every = plan.checkpoint_every;
    options.on_checkpoint = [&](const AnyState& s, const RunResult& r) {
      // Every snapshot up to this step is on disk before the checkpoint
      // that a resumed run would start from.
      if (snapshots) snapshots->drain();
      plan.checkpoints->write(s, r);
    };
  }
  const RunResult result = run(problem, *backend, options);
  progress.finish();
  std::optional<SnapshotReport> snapshot_report;
  if (snapshots) snapshot_report = SnapshotReport{*plan.snapshot, snapshots->finish()};
  if (result.interrupted) {
    const std::int64_t at = std::visit([](const auto& s) { return s.step; }, problem.state);
    return report_interruption(plan.stop->received(-1), at, plan, snapshots ? &snapshots->steps() : nullptr);
  }

  write_run_outputs(dir, problem, result,
                    {info.name, plan.command_line, plan.steps_requested, backend->tuning(), snapshot_report});
  print_summary(problem, result, info.name, dir.requested());
  if (snapshot_report) print_snapshot_summary(*snapshot_report);
  if (result.diverged_at >= 0) report_divergence(result, plan);
  return result.diverged_at < 0 ? 0 : 3;
}

int run_command(const RunArgs& a) {
  if (a.steps < 0) {
    throw InputError("--steps = " + std::to_string(a.steps) + " is negative; expected >= 0");
  }
  if (a.diagnostics_every < 0) {
    throw InputError("--diagnostics-every = " + std::to_string(a.diagnostics_every) +
                     " is negative; expected >= 1, or 0 for the default");
  }
  check_reliability_args(a);
  const std::string backend_name = a.backend.empty() ? default_backend_name() : a.backend;
  const BackendInfo& info = find_backend(backend_name);
  const std::optional<SnapshotOptions> snapshot = snapshot_options(a.snapshot);

  require_memory(estimated_bytes(a), a.memory_limit);
  Problem problem = a.workload.empty() ? user_problem(a) : workload_problem(a);
  const Grid& g = std::visit([](const auto& s) -> const Grid& { return s.grid(); }, problem.state);
  validate(problem.params, g, chi_max(problem.state, problem.params), a.allow_unstable);

  // The handlers go in before the directory is made, so that a signal
  // from here on ends in a clean stop.
  const StopSignals stop;
  RunDirectory dir(a.out, a.force ? RunDirectory::Open::replace : RunDirectory::Open::create, print_notice);
  RunPlan plan;
  plan.backend = info.name;
  plan.command_line = a.command_line;
  plan.dir = &dir;
  plan.stop = &stop;
  plan.quiet = a.quiet;
  plan.steps = plan.steps_requested = a.steps;
  plan.diagnostics_every = a.diagnostics_every;  // 0: the run loop chooses it by cost
  plan.checkpoint_every = a.checkpoint_every;
  plan.blowup_factor = a.blowup_factor;
  plan.snapshot = snapshot;
  std::optional<CheckpointWriter> checkpoints;
  if (a.checkpoint_every > 0) {
    dir.own("checkpoints/");
    checkpoints.emplace(dir.path(), problem, resume_record(problem, plan, a.keep_checkpoints));
    plan.checkpoints = &*checkpoints;
  }
  return run_problem(problem, plan);
}

}  // namespace lfm::app
