#pragma once
// The `cuda` backend's autotuning results, kept per GPU model and problem
// shape in a plain text file so that a block shape is timed once per
// machine, not once per run. Host C++ only: parsed and written without a GPU.
// The file is a core/tuning_cache.hpp table whose values read
//   <block_x> <block_y> <z_chunk>
// keyed by GPU model and shape key; any malformed line makes it corrupt.
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "core/tuning_cache.hpp"
#include "lattice/grid.hpp"
#include "lattice/params.hpp"

namespace lfm::cuda {

// Threads per block along x and y, and the z planes one block streams
// through (3D only; 1 for 1D and 2D).
struct TileShape {
  int block_x = 32;
  int block_y = 4;
  int z_chunk = 1;
  bool operator==(const TileShape&) const = default;
};

// A CUDA block holds 32 to 1024 threads; z_chunk is at least one plane.
bool is_valid(const TileShape& t);

// "3d 256x256x256 float64 o2": what a tuned shape depends on.
std::string shape_key(const Grid& g, Precision precision, int order);

class TuningCache {
 public:
  // nullopt when any non-comment line is malformed.
  static std::optional<TuningCache> parse(std::string_view text);
  std::string to_text() const;

  std::optional<TileShape> find(const std::string& gpu, const std::string& shape) const;
  void put(const std::string& gpu, const std::string& shape, const TileShape& t);
  std::size_t size() const { return table_.size(); }

 private:
  friend TuningCache load_tuning_cache(const std::filesystem::path& path);
  friend bool save_tuning_cache(const std::filesystem::path& path, const TuningCache& cache);
  TuningTable table_;
};

// tuning_file_path("cuda_tuning.txt"): under $XDG_CACHE_HOME/lfm/ or ~/.cache/lfm/.
std::filesystem::path tuning_cache_path();

// The cache at `path`; empty when the file is missing or corrupt.
TuningCache load_tuning_cache(const std::filesystem::path& path);

// Atomically, as save_tuning_table; false when the directory cannot be written.
bool save_tuning_cache(const std::filesystem::path& path, const TuningCache& cache);

}  // namespace lfm::cuda
