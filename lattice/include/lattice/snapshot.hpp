#pragma once
// Snapshots: fields of a run written every K steps, read through one HDF5
// file, with an XDMF sidecar so that ParaView and VisIt open the series.
//
// Layout as a reader sees it (snapshots.h5):
//   /                       attributes: every parameter, its JSON, shape, ...
//   /E/000000100            one chunked, shuffle+deflate dataset per field and
//   /energy_density/...     step, with attributes step, time and dtype notes
//   /chi                    the χ field, when χ is one (written once)
// Each step lives in a file of its own, snapshots/step_<N>.h5, which those
// names link to (HDF5 external links), so a stopped run keeps every step it
// wrote; /chi links to snapshots/chi.h5. Writes go through a background thread with a bounded queue: the
// time loop copies the fields into a queued buffer and goes on; it waits
// only when the queue is full.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lattice/workloads.hpp"

namespace lfm {

enum class SnapshotField {
  E,               // the field at the snapshot's step, in the run's precision
  energy_density,  // ½ (E_t² + c²|∇E|² + χ²E²) per cell (SPEC §4), float64
};

std::string_view to_string(SnapshotField f);
// "E,energy_density": names separated by commas, each once. Throws
// InputError naming the bad entry and the accepted names.
std::vector<SnapshotField> parse_snapshot_fields(std::string_view list);

// "/E/000000100": where a field's snapshot at `step` lives in the file.
// Zero-padded, so that name order is step order.
std::string snapshot_dataset_name(std::string_view field, std::int64_t step);

struct SnapshotOptions {
  std::int64_t every = 1;  // steps between snapshots, >= 1
  std::vector<SnapshotField> fields{SnapshotField::E};
  // Deflate level 0–9; 0 stores without filters. After shuffle, level 1
  // compresses a 256³ wave packet as well as level 4 (1.40x both) with 20%
  // less CPU time, and the writer's CPU is what can hold the run up.
  int compression = 1;
  bool float32 = false;    // down-cast float64 fields to float32 (recorded per dataset)
  // Captured steps held in memory before the time loop waits. Each costs one
  // copy of E (and of E_prev when energy_density is asked for).
  std::size_t queue_depth = 2;
};

// Throws InputError unless every >= 1, the field list is non-empty and
// without repeats, 0 <= compression <= 9 and queue_depth >= 1.
void validate(const SnapshotOptions& o);

struct SnapshotStats {
  std::int64_t snapshots = 0;   // steps captured
  std::int64_t datasets = 0;    // fields × steps written
  std::uint64_t raw_bytes = 0;  // datasets' bytes before compression (after any down-cast)
  std::uint64_t file_bytes = 0; // the same datasets' storage in the file
  double copy_s = 0;            // time loop: copying fields into queue buffers
  double wait_s = 0;            // time loop: blocked on a full queue
  std::int64_t waits = 0;       // captures that found the queue full
  double drain_s = 0;           // finish(): waiting for the queue to empty after the loop
  double compute_s = 0;         // writer: energy density and down-casts
  double write_s = 0;           // writer: HDF5 dataset create, compress, write, close
  double write_cpu_s = 0;       // the same, in the writer thread's CPU time: below
                                // write_s when the thread waited for a core
  std::size_t queue_depth = 0;

  double compression_ratio() const;
  // Uncompressed megabytes (1e6 bytes) per second of write_s.
  double write_mb_per_s() const;
  // The same per second of write_cpu_s: the rate with a core to itself.
  double write_mb_per_cpu_s() const;
};

// The .xdmf sidecar beside a snapshot file: same name, other extension.
std::filesystem::path xdmf_path_for(const std::filesystem::path& h5_path);

// On disk: `h5_path` (snapshots.h5) indexes the series, one file per step
// beside it (snapshots/step_<N>.h5, see io/snapshot_series.hpp), so that
// every step written survives any stop of the process, SIGKILL included.
class SnapshotWriter {
 public:
  // Writes the index (the run's parameters as attributes, no step yet) and
  // its XDMF sidecar, so that an unwritable directory fails before any
  // step. `problem` gives the grid, precision, parameters and χ; the writer
  // keeps its own copy of a χ field. A new series removes the step files of
  // an older one at `h5_path`; `resume_before` = S continues it instead,
  // keeping its steps before S (a resumed run captures S again).
  SnapshotWriter(std::filesystem::path h5_path, const Problem& problem, SnapshotOptions options,
                 std::optional<std::int64_t> resume_before = std::nullopt);
  // Without finish(): stops after the step being written and drops what is
  // queued; every step written so far stays in the index.
  ~SnapshotWriter();
  SnapshotWriter(const SnapshotWriter&) = delete;
  SnapshotWriter& operator=(const SnapshotWriter&) = delete;

  // Queues the fields of `s` at step s.step; called from one thread (the
  // time loop's), in step order. Returns once the fields are copied,
  // waiting first only while the queue is full. Rethrows a failed write as
  // WriteError naming the file.
  void capture(const AnyState& s);
  // Waits until every captured step is on disk (before a checkpoint, so
  // that a resumed run never lacks a step before the one it starts from).
  // Rethrows a failed write.
  void drain();
  // Once, at the end: drains the queue and stops the writer. Throws
  // WriteError naming the file when a write failed; the steps before it stay.
  SnapshotStats finish();

  const std::filesystem::path& path() const;
  // Steps in the series so far (read only when drained or finished).
  const std::vector<std::int64_t>& steps() const;

 private:
  struct Impl;  // the files, the queue and the writer thread
  std::unique_ptr<Impl> impl_;
};

}  // namespace lfm
