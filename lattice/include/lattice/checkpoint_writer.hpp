#pragma once
// How a checkpointed run (`lfm run --checkpoint-every`, `lfm resume`) uses its run directory:
// DIR/checkpoints/static.bin holds the parameters, the χ field and the
// record below; each DIR/checkpoints/step_<N>.ckpt adds E, E_prev and the
// trace so far. The final outputs land in DIR beside them.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "lattice/checkpoint.hpp"
#include "lattice/job_options.hpp"
#include "lattice/run.hpp"
#include "lattice/snapshot.hpp"
#include "lattice/workloads.hpp"

namespace lfm {

// What `lfm resume` needs besides the fields, kept in static.bin as JSON.
struct ResumeRecord {
  std::string workload;  // workload name, or "config"
  // As the run was asked for; diagnostics_every is the stride actually used.
  JobOptions options;

  std::string to_json() const;
  // InputError naming `source` when a key is missing or of the wrong type.
  static ResumeRecord from_json(const std::string& text, const std::string& source);
};

// Writes the checkpoints of a run into DIR/checkpoints. The run directory
// (lattice/run_directory.hpp) holds the lock that keeps a second process out.
class CheckpointWriter {
 public:
  // A new run: writes static.bin for this problem and record.
  CheckpointWriter(const std::filesystem::path& run_dir, const Problem& problem,
                   const ResumeRecord& record);
  // A resumed run: static.bin is already there, with this content and checksum.
  CheckpointWriter(const std::filesystem::path& run_dir, const StaticData& data,
                   std::uint64_t static_hash, int keep);

  void write(const AnyState& state, const RunResult& so_far);
  // The newest checkpoint written or found; empty when there is none.
  const std::filesystem::path& last() const { return last_; }
  void set_last(std::filesystem::path file) { last_ = std::move(file); }
  CheckpointWriter(const CheckpointWriter&) = delete;
  CheckpointWriter& operator=(const CheckpointWriter&) = delete;

 private:
  CheckpointStore store_;
  std::uint64_t static_hash_ = 0;
  std::uint64_t params_hash_ = 0;
  int keep_ = 2;
  std::filesystem::path last_;
};

// The part of a RunResult a checkpoint carries (trace, timings, reference).
RunResult result_so_far(const CheckpointMeta& meta);

}  // namespace lfm
