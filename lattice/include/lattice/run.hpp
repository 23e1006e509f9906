#pragma once
// The time loop shared by the command-line tool, tests and benchmarks:
// steps a problem with a backend, recording the energy trace at a stride.
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "lattice/backend.hpp"
#include "lattice/workloads.hpp"

namespace lfm {

struct EnergyRecord {
  std::int64_t step;
  double energy;     // SPEC §4
  double invariant;  // H of SPEC §4
};

struct Progress {
  std::int64_t step;
  std::int64_t total;
  double elapsed_s;
};

struct RunResult;

struct RunOptions {
  // The step the run ends at, counted from the initial pair: a state that
  // already holds steps (a resumed run) takes only the rest.
  std::int64_t steps = 0;
  // Steps between records, counted from step 0. 0: lfm chooses it after
  // timing the first record and the first chunk of steps, so that records
  // cost at most 5 % of the stepping and number at most about 100, in
  // multiples of the backend's preferred step multiple. A resumed run keeps
  // the stride its trace shows. The first and last steps are always recorded.
  std::int64_t diagnostics_every = 0;
  // Called between chunks of steps (at most a few times per second).
  std::function<void(const Progress&)> on_progress;
  // Called with the state at the start and after every `observe_every`
  // steps (snapshots); the loop stops at those steps whatever the
  // diagnostics stride. 0: never.
  std::int64_t observe_every = 0;
  std::function<void(const AnyState&)> on_observe;

  // Checkpoints: on_checkpoint is called with a healthy state at step 0 (unless
  // resumed), at every multiple of checkpoint_every (0: none), at the last step
  // and when the run is stopped; `so_far` holds the trace and timings up to that step.
  std::int64_t checkpoint_every = 0;
  std::function<void(const AnyState& state, const RunResult& so_far)> on_checkpoint;
  // Asked between chunks, with the step reached; true stops the run there.
  // When set, chunks stay short (a fraction of a second) so a stop is prompt.
  // Chunks are multiples of Backend::preferred_step_multiple() wherever the
  // strides asked for (diagnostics, checkpoints, observations) allow; where
  // one is shorter or not a multiple, the backend advances the shorter chunk.
  std::function<bool(std::int64_t step)> stop_requested;
  // The run diverges when E holds NaN/Inf or max|E| exceeds blowup_factor
  // times max|E| at step 0 (0: NaN/Inf only). Checked at every record and
  // before every checkpoint, so a checkpoint never holds a bad field.
  double blowup_factor = 0;
  // The trace and timings of the steps a resumed state already holds.
  const RunResult* resumed = nullptr;
};

struct RunResult {
  std::vector<EnergyRecord> trace;  // first and last step always included
  double wall_s = 0;                // whole loop
  double step_s = 0;                // inside Backend::advance only
  double diagnostics_s = 0;
  double tuning_s = 0;              // Backend::prepare (autotuning, auto's probe), this process only
  double max_abs = 0;               // max |E| at the end
  // First checked step at which E held NaN or Inf or grew past the blow-up
  // limit, or a record's energy or invariant was not finite; -1 when it stayed healthy. The loop stops there so the caller can keep what it has.
  std::int64_t diverged_at = -1;
  std::string divergence;        // what was found: "E(3, 4, 5) = nan", …
  bool interrupted = false;      // stop_requested returned true
  double initial_max_abs = 0;    // max|E| at step 0 (the blow-up reference)
};

RunResult run(Problem& problem, Backend& backend, const RunOptions& options);

}  // namespace lfm
