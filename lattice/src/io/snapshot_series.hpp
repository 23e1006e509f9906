#pragma once
// How a snapshot series lies on disk so that every stop keeps what was
// captured: each step is a file of its own (snapshots/step_<N>.h5, written
// under a temporary name, synced and renamed when whole), and snapshots.h5
// is a small index of external links to them (/E/000000100 -> step file's
// /E), rewritten atomically after each step. A reader opening snapshots.h5
// at any moment, even after SIGKILL, sees whole steps only; HDF5 (and so
// h5py, ParaView, VisIt) follows the links relative to the index's folder.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "io/hdf5_handle.hpp"

namespace lfm::detail {

// snapshots.h5 -> snapshots/ beside it.
std::filesystem::path step_directory_for(const std::filesystem::path& index);
// snapshots/step_000000100.h5
std::filesystem::path step_file_for(const std::filesystem::path& index, std::int64_t step);
// "step_000000100.h5" relative to the index's folder, as the links hold it.
std::string step_link_target(const std::filesystem::path& index, std::int64_t step);

// "chi.h5" relative to the index's folder: the χ field of the run, written
// once, which the index links as /chi.
std::string chi_link_target(const std::filesystem::path& index);

// Steps whose files exist, in increasing order.
std::vector<std::int64_t> steps_on_disk(const std::filesystem::path& index);

// Rewrites the index atomically: `attributes` fills the root group, then
// one group per field with a link per step, and /chi when `chi` is set.
void write_index(const std::filesystem::path& index, const std::vector<std::string>& fields,
                 const std::vector<std::int64_t>& steps, bool chi,
                 const std::function<void(hid_t)>& attributes);

// Creates, fills (through `fill`, given the open file) and closes a file
// under a temporary name, syncs it and renames it to `path`. On failure the
// temporary file is removed and Hdf5Error/WriteError propagates.
void write_hdf5_atomically(const std::filesystem::path& path, const std::function<void(hid_t)>& fill);

}  // namespace lfm::detail
