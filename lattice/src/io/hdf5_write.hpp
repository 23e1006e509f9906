#pragma once
// Writing HDF5: attributes of one value, and a field as a chunked dataset
// compressed with shuffle + deflate.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "io/hdf5_handle.hpp"

namespace lfm::detail {

template <class T>
hid_t native_type();  // H5T_NATIVE_DOUBLE, H5T_NATIVE_FLOAT

// Attributes on a file, group or dataset. Strings are variable-length UTF-8,
// which h5py reads back as str.
void write_string_attribute(hid_t object, const std::string& name, std::string_view value);
void write_double_attribute(hid_t object, const std::string& name, double value);
void write_integer_attribute(hid_t object, const std::string& name, std::int64_t value);
void write_integers_attribute(hid_t object, const std::string& name,
                              const std::vector<std::int64_t>& values);

// Chunks of about 1 MiB made of whole slices of the fastest axes: deflate
// gains little from larger blocks, and a viewer reading one slice decodes
// little more than it shows.
std::vector<hsize_t> chunk_shape(const std::vector<std::size_t>& shape, std::size_t element_bytes);

// Creates `name` under `parent` and writes `data` (C order, `shape`).
// Level 1–9: shuffle then deflate at that level; 0: stored as it is.
// Returns the open dataset so that the caller can add attributes.
template <class T>
H5Id write_dataset(hid_t parent, const std::string& name, const std::vector<std::size_t>& shape,
                   const T* data, int level);

}  // namespace lfm::detail
