#pragma once
// What a run is asked for besides its problem: backend, steps, strides,
// checkpoints and snapshots, as `lfm run`'s options and Python's lfm.run
// keywords give them (lattice/run_job.hpp runs them; a checkpointed run
// keeps them in its run record, lattice/checkpoint_writer.hpp).
#include <cstdint>
#include <optional>
#include <string>

#include "lattice/snapshot.hpp"

namespace lfm {

struct JobOptions {
  std::string backend = "auto";  // a registry name (lattice/backend.hpp)
  std::string command_line;      // recorded in summary.json and in the checkpoints
  std::int64_t steps = 0;        // the step the run ends at
  std::int64_t diagnostics_every = 0;  // 0: chosen by cost (RunOptions)
  std::int64_t checkpoint_every = 0;   // 0: no checkpoints
  int keep_checkpoints = 2;
  double blowup_factor = 1e6;          // 0: stop on NaN/Inf only
  std::optional<SnapshotOptions> snapshot;  // nullopt: no snapshots
};

// Throws InputError, naming the command-line option, for a negative step
// count or stride, keep_checkpoints < 1 or a bad blow-up factor.
void validate(const JobOptions& options);

}  // namespace lfm
