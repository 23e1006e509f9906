#pragma once
// A run written into a run directory, start to finish: the orchestration
// behind `lfm run` and `lfm resume`, and behind Python's lfm.run and
// lfm.resume. It wires the time loop (lattice/run.hpp) to the snapshot
// series, the checkpoints and the final outputs, in the order that keeps
// every promise of lattice/run_directory.hpp: snapshots on disk before the
// checkpoint that follows them, outputs staged and renamed, summary.json last.
//
// The caller owns the faces of a run: how progress is shown, what asks it
// to stop (signals, Ctrl-C in Python), and how the outcome is reported.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "lattice/checkpoint.hpp"
#include "lattice/job_options.hpp"
#include "lattice/run.hpp"
#include "lattice/run_directory.hpp"
#include "lattice/run_outputs.hpp"
#include "lattice/snapshot.hpp"
#include "lattice/workloads.hpp"

namespace lfm {

// How the caller follows a job and stops it.
struct JobHooks {
  std::function<void(const Progress&)> on_progress;
  // Asked between chunks with the step reached; a nonzero answer (the
  // caller's reason, such as a signal number) stops the run at that step.
  std::function<int(std::int64_t step)> stop_requested;
  // One line about the directory or the checkpoints (leftovers removed,
  // an unusable checkpoint skipped, where a resumed run starts).
  std::function<void(const std::string&)> notice;
  // Makes the backend the job steps with (default: the registry's): a
  // distributed run wraps the per-rank backend the options name.
  std::function<std::unique_ptr<Backend>(const BackendInfo&)> make_backend;
};

enum class JobStatus {
  completed,  // every output written
  diverged,   // outputs written up to the step where the field went bad
  stopped,    // asked to stop: a checkpoint (if enabled) and the snapshots so far, no outputs
};

struct JobOutcome {
  JobStatus status = JobStatus::completed;
  int stop_reason = 0;        // stop_requested's answer when stopped
  std::int64_t step = 0;      // the step the state reached
  std::string backend;        // the name the run was stepped by
  RunResult result;
  std::string summary_json;   // summary.json's text; empty when stopped
  std::optional<SnapshotReport> snapshots;
  std::vector<std::int64_t> snapshot_steps;  // the series' steps on disk
  std::filesystem::path last_checkpoint;     // empty: no checkpoint
  bool checkpointed = false;                 // the run wrote checkpoints
};

// Steps a new run of `problem` (already validated against its parameters)
// into `dir`, opened to create or replace. Bad options throw InputError
// before anything is written; a failed final write throws WriteError.
JobOutcome run_job(Problem& problem, RunDirectory& dir, const JobOptions& options, const JobHooks& hooks);

// A checkpointed run directory as `lfm resume` finds it, read before the
// directory is locked so that a run too large for the memory left is
// refused first. Throws InputError: not a run directory, not checkpointed,
// written by another lfm version, an unreadable record.
class ResumableRun {
 public:
  explicit ResumableRun(const std::filesystem::path& dir);

  // Memory the resumed run needs: its fields and one checkpoint read whole.
  double bytes_needed() const;
  // The run's options as it was started (its steps, strides, snapshots).
  const JobOptions& options() const { return options_; }

  // With `dir` (this directory) locked for resuming: the problem at the
  // newest valid checkpoint, to be stepped to `steps_total` (default: the
  // steps the run was started with). Unusable checkpoints and where the
  // run starts are told through hooks.notice. Throws InputError when no
  // checkpoint is usable or steps_total is before the checkpoint's step.
  Problem load(RunDirectory& dir, std::optional<std::int64_t> steps_total, const JobHooks& hooks);
  // Steps the loaded problem on with the run's own options.
  JobOutcome resume(Problem& problem, RunDirectory& dir, const JobHooks& hooks);

 private:
  std::filesystem::path dir_;
  std::string static_bytes_;
  StaticData data_;
  std::string workload_;
  JobOptions options_;
  RunResult so_far_;            // what the loaded checkpoint carries
  std::filesystem::path checkpoint_;  // the loaded checkpoint; empty before load
};

}  // namespace lfm
