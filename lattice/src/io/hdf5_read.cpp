// Reading HDF5: the listing `lfm inspect` prints, and datasets back as
// fields (tests, and anyone continuing from a snapshot).
#include <charconv>
#include <cstring>
#include <fstream>

#include "io/hdf5_handle.hpp"
#include "lattice/error.hpp"
#include "lattice/snapshot_file.hpp"

namespace fs = std::filesystem;

namespace lfm {
namespace {

using detail::check_hdf5;
using detail::H5Id;

std::string number_text(double v) {
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

std::string class_name(H5T_class_t c) {
  switch (c) {
    case H5T_INTEGER: return "integer";
    case H5T_FLOAT: return "float";
    case H5T_STRING: return "string";
    case H5T_COMPOUND: return "compound";
    case H5T_ENUM: return "enum";
    case H5T_ARRAY: return "array";
    case H5T_VLEN: return "variable-length";
    default: return "other";
  }
}

std::string dtype_name(hid_t type) {
  const H5T_class_t c = H5Tget_class(type);
  const std::size_t bits = 8 * H5Tget_size(type);
  if (c == H5T_FLOAT) return "float" + std::to_string(bits);
  if (c == H5T_INTEGER) {
    return (H5Tget_sign(type) == H5T_SGN_NONE ? "uint" : "int") + std::to_string(bits);
  }
  return class_name(c);
}

// Joins values as "v" (one) or "[v, w, ...]" (several).
std::string listed(const std::vector<std::string>& values) {
  if (values.size() == 1) return values[0];
  std::string s = "[";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i) s += ", ";
    s += values[i];
  }
  return s + "]";
}

std::string attribute_text(hid_t attr) {
  const H5Id type(H5Aget_type(attr), "attribute type");
  const H5Id space(H5Aget_space(attr), "attribute dataspace");
  const hssize_t count = H5Sget_simple_extent_npoints(space.get());
  if (count < 1) return "(empty)";
  const auto n = static_cast<std::size_t>(count);
  std::vector<std::string> values;
  switch (H5Tget_class(type.get())) {
    case H5T_INTEGER: {
      std::vector<long long> v(n);
      check_hdf5(H5Aread(attr, H5T_NATIVE_LLONG, v.data()), "read attribute");
      for (const long long x : v) values.push_back(std::to_string(x));
      break;
    }
    case H5T_FLOAT: {
      std::vector<double> v(n);
      check_hdf5(H5Aread(attr, H5T_NATIVE_DOUBLE, v.data()), "read attribute");
      for (const double x : v) values.push_back(number_text(x));
      break;
    }
    case H5T_STRING: {
      if (H5Tis_variable_str(type.get()) > 0) {
        std::vector<char*> v(n, nullptr);
        check_hdf5(H5Aread(attr, type.get(), v.data()), "read attribute");
        for (char* p : v) values.push_back(p ? p : "");
        H5Dvlen_reclaim(type.get(), space.get(), H5P_DEFAULT, v.data());
      } else {
        const std::size_t size = H5Tget_size(type.get());
        std::vector<char> v(size * n);
        check_hdf5(H5Aread(attr, type.get(), v.data()), "read attribute");
        for (std::size_t i = 0; i < n; ++i) {
          const char* p = v.data() + i * size;
          values.emplace_back(p, strnlen(p, size));
        }
      }
      for (auto& s : values) s = std::string(1, '"').append(s).append(1, '"');
      break;
    }
    default:
      return std::string("(").append(class_name(H5Tget_class(type.get()))).append(" value)");
  }
  return listed(values);
}

herr_t collect_attribute(hid_t location, const char* name, const H5A_info_t*, void* out) {
  auto& list = *static_cast<std::vector<Hdf5Attribute>*>(out);
  try {
    const H5Id attr(H5Aopen(location, name, H5P_DEFAULT), std::string("open attribute ") + name);
    list.push_back({name, attribute_text(attr.get())});
  } catch (const detail::Hdf5Error& e) {
    list.push_back({name, std::string("(unreadable: ") + e.what() + ")"});
  }
  return 0;
}

std::vector<Hdf5Attribute> attributes_of(hid_t object) {
  std::vector<Hdf5Attribute> list;
  hsize_t index = 0;
  check_hdf5(H5Aiterate2(object, H5_INDEX_NAME, H5_ITER_INC, &index, collect_attribute, &list),
             "list attributes");
  return list;
}

std::vector<std::string> filters_of(hid_t create_plist) {
  std::vector<std::string> out;
  const int n = H5Pget_nfilters(create_plist);
  for (int i = 0; i < n; ++i) {
    unsigned flags = 0, config = 0;
    std::size_t values_count = 8;
    unsigned values[8] = {};
    char name[64] = {};
    const H5Z_filter_t id = H5Pget_filter2(create_plist, static_cast<unsigned>(i), &flags,
                                           &values_count, values, sizeof name, name, &config);
    if (id == H5Z_FILTER_SHUFFLE) out.push_back("shuffle");
    else if (id == H5Z_FILTER_DEFLATE) out.push_back("deflate level " + std::to_string(values[0]));
    else if (id == H5Z_FILTER_FLETCHER32) out.push_back("fletcher32");
    else out.push_back(name[0] ? name : "filter " + std::to_string(id));
  }
  return out;
}

Hdf5Dataset describe_dataset(hid_t dataset, const std::string& path) {
  Hdf5Dataset d;
  d.path = path;
  const H5Id type(H5Dget_type(dataset), "type of " + path);
  const H5Id space(H5Dget_space(dataset), "dataspace of " + path);
  const int rank = H5Sget_simple_extent_ndims(space.get());
  std::vector<hsize_t> dims(static_cast<std::size_t>(std::max(rank, 0)));
  H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
  d.shape.assign(dims.begin(), dims.end());
  d.dtype = dtype_name(type.get());
  const H5Id create(H5Dget_create_plist(dataset), "creation properties of " + path);
  if (H5Pget_layout(create.get()) == H5D_CHUNKED) {
    std::vector<hsize_t> chunk(dims.size());
    H5Pget_chunk(create.get(), rank, chunk.data());
    d.chunk.assign(chunk.begin(), chunk.end());
    d.filters = filters_of(create.get());
  }
  d.raw_bytes = static_cast<std::uint64_t>(H5Sget_simple_extent_npoints(space.get())) *
                H5Tget_size(type.get());
  d.stored_bytes = H5Dget_storage_size(dataset);
  d.attributes = attributes_of(dataset);
  return d;
}

herr_t collect_link(hid_t, const char* name, const H5L_info_t*, void* out) {
  static_cast<std::vector<std::string>*>(out)->push_back(std::string("/") + name);
  return 0;
}

H5Id open_file(const fs::path& path) {
  detail::prepare_hdf5_thread();
  if (!fs::is_regular_file(path)) {
    throw InputError(path.string() + ": cannot read file (" +
                     (fs::exists(path) ? "not a regular file" : "no such file") + ")");
  }
  if (!is_hdf5_file(path)) throw InputError(path.string() + ": not an HDF5 file (no HDF5 signature)");
  try {
    return H5Id(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), "open");
  } catch (const detail::Hdf5Error& e) {
    throw InputError(path.string() + ": " + e.what());
  }
}

template <class T>
Field<T> read_values(hid_t dataset, const Grid& grid, hid_t memory_type, const std::string& name) {
  Field<T> f(grid);
  check_hdf5(H5Dread(dataset, memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, f.data()), "read " + name);
  return f;
}

}  // namespace

bool is_hdf5_file(const fs::path& path) {
  static constexpr char signature[8] = {'\x89', 'H', 'D', 'F', '\r', '\n', '\x1a', '\n'};
  std::ifstream f(path, std::ios::binary);
  char head[8] = {};
  return f.read(head, sizeof head) && std::memcmp(head, signature, sizeof head) == 0;
}

Hdf5Contents read_hdf5_contents(const fs::path& path) {
  const H5Id file = open_file(path);
  try {
    Hdf5Contents c;
    c.attributes = attributes_of(file.get());
    std::vector<std::string> links;
    check_hdf5(H5Lvisit(file.get(), H5_INDEX_NAME, H5_ITER_INC, collect_link, &links), "list objects");
    for (const std::string& link : links) {
      const H5Id object(H5Oopen(file.get(), link.c_str(), H5P_DEFAULT), "open " + link);
      if (H5Iget_type(object.get()) == H5I_DATASET) c.datasets.push_back(describe_dataset(object.get(), link));
    }
    return c;
  } catch (const detail::Hdf5Error& e) {
    throw InputError(path.string() + ": " + e.what());
  }
}

AnyField read_hdf5_field(const fs::path& path, const std::string& dataset) {
  const H5Id file = open_file(path);
  try {
    if (H5Lexists(file.get(), dataset.c_str(), H5P_DEFAULT) <= 0) {
      throw InputError(path.string() + ": no dataset " + dataset);
    }
    const H5Id d(H5Dopen2(file.get(), dataset.c_str(), H5P_DEFAULT), "open " + dataset);
    const H5Id type(H5Dget_type(d.get()), "type of " + dataset);
    const H5Id space(H5Dget_space(d.get()), "dataspace of " + dataset);
    const int rank = H5Sget_simple_extent_ndims(space.get());
    const std::string dtype = dtype_name(type.get());
    if (rank < 1 || rank > 3 || (dtype != "float64" && dtype != "float32")) {
      throw InputError(path.string() + ": dataset " + dataset + " is " + dtype + " of " +
                       std::to_string(rank) + " dimensions; expected float32 or float64 of 1 to 3");
    }
    std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
    H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
    const Grid grid(std::vector<std::size_t>(dims.begin(), dims.end()));
    if (dtype == "float64") return read_values<double>(d.get(), grid, H5T_NATIVE_DOUBLE, dataset);
    return read_values<float>(d.get(), grid, H5T_NATIVE_FLOAT, dataset);
  } catch (const detail::Hdf5Error& e) {
    throw InputError(path.string() + ": " + e.what());
  }
}

}  // namespace lfm
