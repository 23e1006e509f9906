#pragma once
// Reading HDF5 files such as lfm's snapshots: what a file holds, and one
// dataset back as a field.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "lattice/npy.hpp"

namespace lfm {

struct Hdf5Attribute {
  std::string name;
  std::string value;  // as text: 0.25, "periodic", [64, 64, 64]
};

struct Hdf5Dataset {
  std::string path;                  // "/E/000000100"
  std::vector<std::size_t> shape;
  std::string dtype;                 // "float64", "float32", "int64", ... or the HDF5 class
  std::vector<std::size_t> chunk;    // empty when not chunked
  std::vector<std::string> filters;  // "shuffle", "deflate level 4", ...
  std::uint64_t raw_bytes = 0;       // elements × element size
  std::uint64_t stored_bytes = 0;    // bytes the data occupies in the file
  std::vector<Hdf5Attribute> attributes;

  double compression_ratio() const {
    return stored_bytes > 0 ? static_cast<double>(raw_bytes) / static_cast<double>(stored_bytes) : 0.0;
  }
};

struct Hdf5Contents {
  std::vector<Hdf5Attribute> attributes;  // of the root group
  std::vector<Hdf5Dataset> datasets;      // every dataset, in path order
};

// "\x89HDF\r\n\x1a\n" at the start: an HDF5 file (without user block).
bool is_hdf5_file(const std::filesystem::path& path);

// Throws InputError naming the file when it cannot be read as HDF5.
Hdf5Contents read_hdf5_contents(const std::filesystem::path& path);

// A float32 or float64 dataset of 1 to 3 dimensions, as stored. Throws
// InputError naming the file and dataset otherwise.
AnyField read_hdf5_field(const std::filesystem::path& path, const std::string& dataset);

}  // namespace lfm
