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

struct RunOptions {
  std::int64_t steps = 0;
  std::int64_t diagnostics_every = 0;  // 0: at most about 100 records over the run
  // Called between chunks of steps (at most a few times per second).
  std::function<void(const Progress&)> on_progress;
  // Called with the state at the start and after every `observe_every`
  // steps (snapshots); the loop stops at those steps whatever the
  // diagnostics stride. 0: never.
  std::int64_t observe_every = 0;
  std::function<void(const AnyState&)> on_observe;
};

struct RunResult {
  std::vector<EnergyRecord> trace;  // first and last step always included
  double wall_s = 0;                // whole loop
  double step_s = 0;                // inside Backend::advance only
  double diagnostics_s = 0;
  double max_abs = 0;               // max |E| at the end
  // First diagnostics step at which E held NaN or Inf; -1 when it stayed
  // finite. The loop stops there so the caller can keep what it has.
  std::int64_t diverged_at = -1;
};

RunResult run(Problem& problem, Backend& backend, const RunOptions& options);

std::int64_t default_diagnostics_stride(std::int64_t steps);

}  // namespace lfm
