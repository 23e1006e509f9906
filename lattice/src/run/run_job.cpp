#include "lattice/run_job.hpp"

#include <cmath>
#include <system_error>

#include "lattice/backend.hpp"
#include "lattice/build_info.hpp"
#include "lattice/checkpoint_writer.hpp"
#include "lattice/error.hpp"
#include "lattice/memory_check.hpp"

namespace fs = std::filesystem;

namespace lfm {
namespace {

std::int64_t step_of(const AnyState& state) {
  return std::visit([](const auto& s) { return s.step; }, state);
}

// Steps `problem` into `dir`, new or resumed (`resumed` holds what the
// checkpoint carried); `checkpoints` is null without checkpoints.
JobOutcome step_job(Problem& problem, RunDirectory& dir, const JobOptions& o, const JobHooks& hooks,
                    CheckpointWriter* checkpoints, const RunResult* resumed) {
  const BackendInfo& info = find_backend(o.backend);
  std::optional<SnapshotWriter> snapshots;
  const std::int64_t start = step_of(problem.state);
  if (o.snapshot) {
    for (const char* name : {"snapshots.h5", "snapshots.xdmf", "snapshots/"}) dir.own(name);
    std::optional<std::int64_t> resume_before;
    if (resumed) resume_before = start;
    snapshots.emplace(dir.file("snapshots.h5"), problem, *o.snapshot, resume_before);
    // The loop observes only the steps it reaches; a resumed run takes the
    // one it starts from again, since the stopped run may not have written it.
    if (resumed && start % o.snapshot->every == 0) snapshots->capture(problem.state);
  }
  auto backend = hooks.make_backend ? hooks.make_backend(info) : info.create();
  int stop_reason = 0;
  RunOptions options;
  options.steps = o.steps;
  options.diagnostics_every = o.diagnostics_every;
  options.on_progress = hooks.on_progress;
  if (hooks.stop_requested) {
    options.stop_requested = [&](std::int64_t step) {
      stop_reason = hooks.stop_requested(step);
      return stop_reason != 0;
    };
  }
  options.blowup_factor = o.blowup_factor;
  options.resumed = resumed;
  if (snapshots) {
    options.observe_every = o.snapshot->every;
    options.on_observe = [&](const AnyState& s) { snapshots->capture(s); };
  }
  if (checkpoints) {
    options.checkpoint_every = o.checkpoint_every;
    options.on_checkpoint = [&](const AnyState& s, const RunResult& r) {
      // Every snapshot up to this step is on disk before the checkpoint
      // that a resumed run would start from.
      if (snapshots) snapshots->drain();
      checkpoints->write(s, r);
    };
  }

  JobOutcome out;
  out.backend = info.name;
  out.result = run(problem, *backend, options);
  out.step = step_of(problem.state);
  out.checkpointed = checkpoints != nullptr;
  if (snapshots) {
    out.snapshots = SnapshotReport{*o.snapshot, snapshots->finish()};
    out.snapshot_steps = snapshots->steps();
  }
  if (checkpoints) out.last_checkpoint = checkpoints->last();
  if (out.result.interrupted) {
    out.status = JobStatus::stopped;
    out.stop_reason = stop_reason;
    return out;
  }
  out.status = out.result.diverged_at < 0 ? JobStatus::completed : JobStatus::diverged;
  out.summary_json = write_run_outputs(dir, problem, out.result,
                                       {info.name, o.command_line, o.steps, backend->tuning(), out.snapshots});
  return out;
}

template <class T>
AnyState state_from(Field<T>&& E, Field<T>&& E_prev, const std::optional<AnyField>& chi,
                    std::int64_t step) {
  State<T> s{std::move(E), std::move(E_prev), std::nullopt, step};
  if (chi) s.chi_field = std::get<Field<T>>(*chi);
  return s;
}

// The decoder has checked that E, E_prev and χ share the shape and precision.
AnyState restore_state(CheckpointData& c, const StaticData& s) {
  if (c.meta.shape != s.shape || c.meta.precision != s.precision) {
    throw InputError("checkpoint and static data disagree on the shape or precision");
  }
  if (auto* E = std::get_if<Field<double>>(&c.E)) {
    return state_from(std::move(*E), std::get<Field<double>>(std::move(c.E_prev)), s.chi, c.meta.step);
  }
  return state_from(std::get<Field<float>>(std::move(c.E)), std::get<Field<float>>(std::move(c.E_prev)),
                    s.chi, c.meta.step);
}

}  // namespace

void validate(const JobOptions& o) {
  if (o.steps < 0) {
    throw InputError("--steps = " + std::to_string(o.steps) + " is negative; expected >= 0");
  }
  if (o.diagnostics_every < 0) {
    throw InputError("--diagnostics-every = " + std::to_string(o.diagnostics_every) +
                     " is negative; expected >= 1, or 0 for the default");
  }
  if (o.checkpoint_every < 0) {
    throw InputError("--checkpoint-every = " + std::to_string(o.checkpoint_every) +
                     " is negative; expected >= 1, or 0 for no checkpoints");
  }
  if (o.keep_checkpoints < 1) {
    throw InputError("--keep-checkpoints = " + std::to_string(o.keep_checkpoints) + "; expected >= 1");
  }
  if (!(o.blowup_factor >= 0) || !std::isfinite(o.blowup_factor)) {
    throw InputError("--blowup-factor = " + std::to_string(o.blowup_factor) +
                     "; expected a finite factor > 1, or 0 to stop on NaN/Inf only");
  }
  if (o.snapshot) validate(*o.snapshot);
  find_backend(o.backend);  // throws for an unknown name, with the nearest one
}

JobOutcome run_job(Problem& problem, RunDirectory& dir, const JobOptions& o, const JobHooks& hooks) {
  validate(o);
  std::optional<CheckpointWriter> checkpoints;
  if (o.checkpoint_every > 0) {
    dir.own("checkpoints/");
    checkpoints.emplace(dir.path(), problem, ResumeRecord{problem.name, o});
  }
  return step_job(problem, dir, o, hooks, checkpoints ? &*checkpoints : nullptr, nullptr);
}

ResumableRun::ResumableRun(const fs::path& dir) : dir_(dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    throw InputError(dir.string() + ": no such run directory");
  }
  const CheckpointStore store(dir);
  if (!fs::exists(store.static_path(), ec)) {
    throw InputError(dir.string() + ": not a checkpointed run (no " + store.static_path().string() +
                     "; start runs with --checkpoint-every K to be able to resume them)");
  }
  static_bytes_ = read_binary_file(store.static_path());
  data_ = decode_static(static_bytes_, store.static_path().string());
  if (data_.version != version()) {
    throw InputError(store.static_path().string() + ": written by lfm " + data_.version + ", this is lfm " +
                     version() + "; resume it with the version that started the run");
  }
  const ResumeRecord record = ResumeRecord::from_json(data_.run_json, store.static_path().string());
  workload_ = record.workload;
  options_ = record.options;
}

double ResumableRun::bytes_needed() const {
  double cells = 1;
  for (std::size_t e : data_.shape) cells *= static_cast<double>(e);
  // The checkpoint is read whole before it is unpacked: two more fields.
  return estimate_run_bytes(cells, data_.precision) +
         2 * cells * (data_.precision == Precision::float64 ? 8 : 4);
}

Problem ResumableRun::load(RunDirectory& dir, std::optional<std::int64_t> steps_total, const JobHooks& hooks) {
  options_.steps = steps_total.value_or(options_.steps);
  // Read under the lock `dir` holds: a run still going would change what is newest.
  const CheckpointStore store(dir.requested());
  auto loaded = store.newest_valid(stored_checksum(static_bytes_), [&](const std::string& warning) {
    if (hooks.notice) hooks.notice("warning: " + warning);
  });
  const std::int64_t step = loaded.data.meta.step;
  if (options_.steps < step) {
    throw InputError("--steps-total " + std::to_string(options_.steps) + " is before the checkpoint's step " +
                     std::to_string(step) + "; expected >= " + std::to_string(step));
  }
  if (hooks.notice) {
    hooks.notice("resuming " + dir_.string() + " from " + loaded.file.string() + " (step " +
                 std::to_string(step) + " of " + std::to_string(options_.steps) + ")");
  }
  so_far_ = result_so_far(loaded.data.meta);
  checkpoint_ = loaded.file;
  return Problem{workload_, params_from_json(data_.params_json, store.static_path().string()),
                 restore_state(loaded.data, data_)};
}

JobOutcome ResumableRun::resume(Problem& problem, RunDirectory& dir, const JobHooks& hooks) {
  if (checkpoint_.empty()) throw std::logic_error("ResumableRun::resume before load");
  CheckpointWriter checkpoints(dir.path(), data_, stored_checksum(static_bytes_), options_.keep_checkpoints);
  checkpoints.set_last(checkpoint_);
  return step_job(problem, dir, options_, hooks, &checkpoints, &so_far_);
}

}  // namespace lfm
