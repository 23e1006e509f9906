#include "io/hdf5_write.hpp"

#include <algorithm>

namespace lfm::detail {

template <>
hid_t native_type<double>() {
  return H5T_NATIVE_DOUBLE;
}
template <>
hid_t native_type<float>() {
  return H5T_NATIVE_FLOAT;
}

namespace {

// A scalar (empty dims) or one-dimensional attribute of `type`.
void write_attribute(hid_t object, const std::string& name, hid_t type,
                     const std::vector<hsize_t>& dims, const void* value) {
  const H5Id space(dims.empty() ? H5Screate(H5S_SCALAR)
                                : H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr),
                   "dataspace of attribute " + name);
  const H5Id attr(H5Acreate2(object, name.c_str(), type, space.get(), H5P_DEFAULT, H5P_DEFAULT),
                  "create attribute " + name);
  check_hdf5(H5Awrite(attr.get(), type, value), "write attribute " + name);
}

}  // namespace

void write_string_attribute(hid_t object, const std::string& name, std::string_view value) {
  const H5Id type(H5Tcopy(H5T_C_S1), "string type");
  check_hdf5(H5Tset_size(type.get(), H5T_VARIABLE), "string type");
  check_hdf5(H5Tset_cset(type.get(), H5T_CSET_UTF8), "string type");
  const std::string text(value);
  const char* pointer = text.c_str();
  write_attribute(object, name, type.get(), {}, &pointer);
}

void write_double_attribute(hid_t object, const std::string& name, double value) {
  write_attribute(object, name, H5T_NATIVE_DOUBLE, {}, &value);
}

void write_integer_attribute(hid_t object, const std::string& name, std::int64_t value) {
  write_attribute(object, name, H5T_NATIVE_INT64, {}, &value);
}

void write_integers_attribute(hid_t object, const std::string& name,
                              const std::vector<std::int64_t>& values) {
  write_attribute(object, name, H5T_NATIVE_INT64, {values.size()}, values.data());
}

std::vector<hsize_t> chunk_shape(const std::vector<std::size_t>& shape, std::size_t element_bytes) {
  constexpr hsize_t target_bytes = 1 << 20;
  std::vector<hsize_t> chunk(shape.begin(), shape.end());
  auto bytes = [&] {
    hsize_t b = element_bytes;
    for (const hsize_t c : chunk) b *= c;
    return b;
  };
  // Shrink the slowest axis first, so that a chunk stays whole rows/planes.
  for (std::size_t axis = 0; axis < chunk.size() && bytes() > target_bytes; ++axis) {
    const hsize_t slice_bytes = bytes() / chunk[axis];
    chunk[axis] = std::max<hsize_t>(1, target_bytes / slice_bytes);
  }
  return chunk;
}

template <class T>
H5Id write_dataset(hid_t parent, const std::string& name, const std::vector<std::size_t>& shape,
                   const T* data, int level) {
  const std::vector<hsize_t> dims(shape.begin(), shape.end());
  const H5Id space(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr),
                   "dataspace of " + name);
  const H5Id create(H5Pcreate(H5P_DATASET_CREATE), "creation properties of " + name);
  const std::vector<hsize_t> chunk = chunk_shape(shape, sizeof(T));
  check_hdf5(H5Pset_chunk(create.get(), static_cast<int>(chunk.size()), chunk.data()),
             "chunking of " + name);
  if (level > 0) {
    // Shuffle groups the bytes of equal significance, so that the slowly
    // varying exponents of a smooth field become long runs for deflate.
    check_hdf5(H5Pset_shuffle(create.get()), "shuffle filter of " + name);
    check_hdf5(H5Pset_deflate(create.get(), static_cast<unsigned>(level)),
               "deflate filter of " + name);
  }
  // No chunk cache: each chunk is written once, straight through, so the
  // dataset is complete on disk (and its storage size exact) after H5Dwrite.
  const H5Id access(H5Pcreate(H5P_DATASET_ACCESS), "access properties of " + name);
  check_hdf5(H5Pset_chunk_cache(access.get(), 0, 0, H5D_CHUNK_CACHE_W0_DEFAULT),
             "chunk cache of " + name);
  H5Id dataset(H5Dcreate2(parent, name.c_str(), native_type<T>(), space.get(), H5P_DEFAULT,
                          create.get(), access.get()),
               "create dataset " + name);
  check_hdf5(H5Dwrite(dataset.get(), native_type<T>(), H5S_ALL, H5S_ALL, H5P_DEFAULT, data),
             "write dataset " + name);
  return dataset;
}

template H5Id write_dataset(hid_t, const std::string&, const std::vector<std::size_t>&,
                            const double*, int);
template H5Id write_dataset(hid_t, const std::string&, const std::vector<std::size_t>&,
                            const float*, int);

}  // namespace lfm::detail
