#pragma once
// `lfm run`: a standard workload or a user's own arrays and config, stepped
// by one backend, with every output written atomically into one directory.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "distributed_args.hpp"
#include "snapshot_cli.hpp"
#include "lattice/run.hpp"
#include "lattice/run_directory.hpp"
#include "lattice/run_job.hpp"
#include "lattice/workloads.hpp"

namespace lfm::app {

struct RunArgs {
  std::string workload;  // empty when --config is used
  int dim = 3;
  std::size_t n = 64;
  std::int64_t steps = 100;
  std::string backend;          // empty: the default backend
  std::optional<std::string> precision;
  std::filesystem::path config, init, init_prev, chi;
  std::optional<std::string> variant;  // --variant: an LFM config's variant (test_id)
  std::vector<std::string> overrides;  // key=value, as in a JSON config
  std::int64_t diagnostics_every = 0;
  std::filesystem::path out;
  bool force = false;
  bool quiet = false;
  bool allow_unstable = false;
  SnapshotArgs snapshot;
  std::string command_line;
  // Reliability (lattice/run_job.hpp, lattice/memory_check.hpp).
  std::int64_t checkpoint_every = 0;  // 0: no checkpoints
  int keep_checkpoints = 2;
  double blowup_factor = 1e6;         // 0: stop on NaN/Inf only
  std::optional<std::string> memory_limit;
  DistributedArgs distributed;  // under mpiexec
};

class StopSignals;

// Exit codes beyond 0 done, 2 bad input and 3 diverged.
inline constexpr int exit_write_failed = 5;  // an output could not be written

// "lfm: TEXT" on stderr: a notice about the run directory or its checkpoints.
void print_notice(const std::string& text);

// Runs `job` (a new or a resumed run of `problem` into `dir`) with the
// command line's progress line and stop signals, then prints its summary
// or how it stopped. Returns the exit code: 0 done, 3 diverged,
// 128 + signal number when SIGINT/SIGTERM/SIGHUP stopped it.
// Under mpiexec the job is distributed as `distributed` says
// (app/distributed.hpp).
int run_in_directory(const Problem& problem, const RunDirectory& dir, bool quiet, const StopSignals& stop,
                     const DistributedArgs& distributed, const std::function<JobOutcome(const JobHooks&)>& job);

// Returns the process exit code: 0 done, 3 the field diverged (outputs kept
// up to the step where it did), 128 + signal when stopped by SIGINT/SIGTERM.
// Bad input throws InputError before anything is written.
int run_command(const RunArgs& args);

}  // namespace lfm::app
