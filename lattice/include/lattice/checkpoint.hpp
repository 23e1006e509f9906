#pragma once
// Checkpoints: what a run needs to continue bit for bit after it stops.
//
// A run directory holds checkpoints/static.bin, written once (the χ field,
// the parameters and the run's own record), and checkpoints/step_<N>.ckpt,
// one per checkpoint, holding only what changes: E, E_prev, the step and
// the energy trace so far. Each checkpoint names the static file it belongs
// to by that file's checksum.
//
// Every file has the same frame, all integers little-endian:
//   magic (8 bytes) | format version (u32) | body length (u64) | body | FNV-1a 64 of all before
// so truncation, a flipped byte or a file from another run is detected
// before a single value is trusted.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "lattice/error.hpp"
#include "lattice/npy.hpp"
#include "lattice/run.hpp"
#include "lattice/state.hpp"

namespace lfm {

// A checkpoint file that cannot be used: truncated, corrupted, of another
// format. The message names the file and what is wrong with it.
class CheckpointError : public InputError {
 public:
  using InputError::InputError;
};

inline constexpr std::uint32_t checkpoint_format_version = 1;

// 64-bit FNV-1a, continued from `hash` (start with fnv1a64_offset).
inline constexpr std::uint64_t fnv1a64_offset = 0xcbf29ce484222325ULL;
std::uint64_t fnv1a64(const void* data, std::size_t bytes, std::uint64_t hash = fnv1a64_offset);
std::uint64_t fnv1a64(std::string_view text);

// Written once per run directory.
struct StaticData {
  std::string version;      // lfm version that wrote it
  std::string params_json;  // params_to_json of the run's parameters
  std::string run_json;     // the command's own record: workload, backend, steps, …
  std::vector<std::size_t> shape;
  Precision precision = Precision::float64;
  std::optional<AnyField> chi;  // the χ field, when χ varies
};

// One checkpoint, without its fields.
struct CheckpointMeta {
  std::string version;            // lfm version that wrote it
  std::uint64_t static_hash = 0;  // checksum of the static.bin it belongs to
  std::uint64_t params_hash = 0;  // fnv1a64 of StaticData::params_json
  std::vector<std::size_t> shape;
  Precision precision = Precision::float64;
  std::int64_t step = 0;
  double step_s = 0, diagnostics_s = 0, wall_s = 0;  // time spent so far
  double initial_max_abs = 0;                         // max|E| at step 0
  std::vector<EnergyRecord> trace;
};

struct CheckpointData {
  CheckpointMeta meta;
  AnyField E, E_prev;
};

// Receives the bytes of an encoded file in order.
using ByteSink = std::function<void(const void* data, std::size_t bytes)>;

// Encoders write a whole framed file, checksum included, and return the
// checksum. The state's fields must match meta's shape and precision.
std::uint64_t encode_static(const StaticData& s, const ByteSink& sink);
std::uint64_t encode_checkpoint(const CheckpointMeta& meta, const AnyState& state,
                                const ByteSink& sink);

// Decoders check the frame and the checksum first, then every length
// against the bytes there are, before allocating. `source` names the input
// in the CheckpointError they throw.
StaticData decode_static(std::string_view bytes, const std::string& source);
CheckpointData decode_checkpoint(std::string_view bytes, const std::string& source);
// True when `head` (a file's first 20 bytes or more) opens a checkpoint
// frame whose length matches the file's `size`: a cheap test, without
// reading the file, that tells a checkpoint from garbage or a torn file.
bool looks_like_checkpoint(std::string_view head, std::uintmax_t size);
// The checksum a valid file ends with (what checkpoints reference).
std::uint64_t stored_checksum(std::string_view bytes);

// Writes `path` atomically: a temporary file beside it, fsync, rename over
// `path`, fsync of the directory. On failure the temporary file is removed,
// `path` is untouched and WriteError names `path`.
void write_file_atomically(const std::filesystem::path& path,
                           const std::function<void(const ByteSink&)>& produce);

// The checkpoints/ directory of a run directory.
class CheckpointStore {
 public:
  explicit CheckpointStore(std::filesystem::path run_dir);

  const std::filesystem::path& dir() const { return dir_; }
  std::filesystem::path static_path() const { return dir_ / "static.bin"; }
  std::filesystem::path path_for_step(std::int64_t step) const;

  // Creates the directory (and removes temporary files a killed writer left).
  void create() const;
  // Writes static.bin; returns its checksum.
  std::uint64_t write_static(const StaticData& s) const;
  // Writes the checkpoint of meta.step, then removes all but the newest
  // `keep` of the files that look like checkpoints (looks_like_checkpoint):
  // a stray or torn file never pushes a good checkpoint out.
  void write(const CheckpointMeta& meta, const AnyState& state, int keep) const;

  StaticData read_static() const;
  // Checkpoint files, newest step first.
  std::vector<std::filesystem::path> list() const;

  struct Loaded {
    CheckpointData data;
    std::filesystem::path file;
  };
  // The newest checkpoint that decodes and belongs to `static_hash`. A file
  // that fails its checks is reported through `warn` (naming it and why) and
  // the previous one is tried; a valid checkpoint of another lfm version or
  // another static file is refused outright (InputError). Throws InputError
  // when no checkpoint is usable.
  Loaded newest_valid(std::uint64_t static_hash,
                      const std::function<void(const std::string&)>& warn) const;

 private:
  std::filesystem::path dir_;
};

// Reads a whole file; CheckpointError naming it when it cannot be read.
std::string read_binary_file(const std::filesystem::path& path);

}  // namespace lfm
