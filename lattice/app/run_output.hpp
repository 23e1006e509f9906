#pragma once
// The files of a run, written into a staging directory beside the target and
// renamed into place only when complete: an interrupted or failed run leaves
// no partial output.
#include <filesystem>
#include <optional>
#include <string>

#include "lattice/run.hpp"
#include "lattice/workloads.hpp"
#include "snapshot_cli.hpp"

namespace lfm::app {

class StagedOutput {
 public:
  // Refuses a non-empty `target` unless `force`, and creates the staging
  // directory now so that an unwritable location fails before any compute.
  StagedOutput(std::filesystem::path target, bool force);
  // For a run directory that already holds checkpoints: the files are staged
  // the same way, and commit() moves each into `target` (summary.json last,
  // so its presence means the run finished) instead of replacing it.
  StagedOutput(std::filesystem::path target, bool force, bool into_existing);
  ~StagedOutput();
  StagedOutput(const StagedOutput&) = delete;
  StagedOutput& operator=(const StagedOutput&) = delete;

  std::filesystem::path file(const std::string& name) const { return staging_ / name; }
  const std::filesystem::path& target() const { return target_; }
  // Replaces `target` with the staged files.
  void commit();

 private:
  std::filesystem::path target_;
  std::filesystem::path staging_;
  bool committed_ = false;
  bool into_existing_ = false;
};

struct RunRecord {
  std::string backend;
  std::string command_line;
  std::int64_t steps_requested = 0;
  std::string tuning;  // the backend's autotuned choice, if any
  std::optional<SnapshotReport> snapshots;
};

// The energy trace as CSV: step,energy,invariant with 17 significant digits.
std::string energy_csv(const RunResult& r);

// summary.json, energy.csv, E.npy and E_prev.npy. Returns the summary text.
std::string write_run_outputs(const StagedOutput& out, const Problem& problem,
                              const RunResult& result, const RunRecord& record);

}  // namespace lfm::app
