#pragma once
// The final files of a run: written under temporary names in the run
// directory and renamed into place when all are whole, summary.json last,
// so that its presence means the run finished.
#include <filesystem>
#include <optional>
#include <string>

#include "lattice/run.hpp"
#include "lattice/run_directory.hpp"
#include "lattice/snapshot.hpp"
#include "lattice/workloads.hpp"

namespace lfm {

// What a run's snapshot series was and what writing it cost.
struct SnapshotReport {
  SnapshotOptions options;
  SnapshotStats stats;
};

struct RunRecord {
  std::string backend;
  std::string command_line;
  std::int64_t steps_requested = 0;
  std::string tuning;  // the backend's autotuned choice, if any
  std::optional<SnapshotReport> snapshots;
};

// The energy trace as CSV: step,time,energy,invariant with 17 significant
// digits; time = step · dt.
std::string energy_csv(const RunResult& r, double dt);

// summary.json, energy.csv, E.npy, E_prev.npy and, when χ is a field,
// chi.npy. Returns the summary text. summary.json's "snapshots" object
// says what was written, the compression ratio, the writer's throughput
// and whether the time loop waited.
// A failed write throws WriteError naming the file in `dir`; nothing
// partial is left and the files already there stay as they were.
std::string write_run_outputs(RunDirectory& dir, const Problem& problem, const RunResult& result,
                              const RunRecord& record);

}  // namespace lfm
