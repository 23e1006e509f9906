#pragma once
// The final files of a run: written under temporary names in the run
// directory and renamed into place when all are whole, summary.json last,
// so that its presence means the run finished.
#include <filesystem>
#include <optional>
#include <string>

#include "lattice/run.hpp"
#include "lattice/run_directory.hpp"
#include "lattice/workloads.hpp"
#include "snapshot_cli.hpp"

namespace lfm::app {

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
// A failed write throws WriteError naming the file in `dir`; nothing
// partial is left and the files already there stay as they were.
std::string write_run_outputs(RunDirectory& dir, const Problem& problem, const RunResult& result,
                              const RunRecord& record);

}  // namespace lfm::app
