#pragma once
// `lfm run`: a standard workload or a user's own arrays and config, stepped
// by one backend, with every output written atomically into one directory.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "snapshot_cli.hpp"
#include "lattice/run.hpp"
#include "lattice/run_directory.hpp"
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
  // Reliability (checkpointing.hpp, memory_check.hpp).
  std::int64_t checkpoint_every = 0;  // 0: no checkpoints
  int keep_checkpoints = 2;
  double blowup_factor = 1e6;         // 0: stop on NaN/Inf only
  std::optional<std::string> memory_limit;
};

class CheckpointWriter;
class StopSignals;

// How a prepared problem is stepped and where its outputs go; shared by
// `lfm run` and `lfm resume`.
struct RunPlan {
  std::string backend;
  std::string command_line;
  RunDirectory* dir = nullptr;         // locked and owned: where every output goes
  const StopSignals* stop = nullptr;   // installed before `dir` was opened
  bool quiet = false;
  std::int64_t steps = 0;              // the step the run ends at
  std::int64_t steps_requested = 0;    // as recorded in summary.json
  std::int64_t diagnostics_every = 0;
  std::int64_t checkpoint_every = 0;
  double blowup_factor = 0;
  CheckpointWriter* checkpoints = nullptr;  // null: no checkpoints
  const RunResult* resumed = nullptr;       // lfm resume: what the checkpoint holds
  // Snapshots: a resumed run continues the series it finds in `dir`.
  std::optional<SnapshotOptions> snapshot;
};

// Exit codes beyond 0 done, 2 bad input and 3 diverged.
inline constexpr int exit_write_failed = 5;  // an output could not be written

// Steps the problem and writes its outputs; returns the exit code: 0 done,
// 3 diverged, 128 + signal number when SIGINT/SIGTERM/SIGHUP stopped it.
int run_problem(Problem& problem, const RunPlan& plan);

// Returns the process exit code: 0 done, 3 the field diverged (outputs kept
// up to the step where it did), 128 + signal when stopped by SIGINT/SIGTERM.
// Bad input throws InputError before anything is written.
int run_command(const RunArgs& args);

}  // namespace lfm::app
