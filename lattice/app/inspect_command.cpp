// Each format is one Inspector: how to recognise it from its first bytes or
// name, and how to print it. A new format (a checkpoint) is one more entry
// in inspectors().
#include "inspect_command.hpp"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <string_view>

#include "commands.hpp"
#include "lattice/error.hpp"
#include "lattice/npy.hpp"
#include "lattice/snapshot_file.hpp"
#include "snapshot_cli.hpp"
#include "table.hpp"

namespace fs = std::filesystem;

namespace lfm::app {
namespace {

struct Inspector {
  std::string_view format;
  bool (*recognizes)(const fs::path&);
  void (*print)(const fs::path&, std::ostream&);
};

bool starts_with_bytes(const fs::path& p, std::string_view magic) {
  std::ifstream f(p, std::ios::binary);
  std::string head(magic.size(), '\0');
  return f.read(head.data(), static_cast<std::streamsize>(head.size())) && head == magic;
}

std::string shape_text(const std::vector<std::size_t>& shape) {
  std::string s;
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (i) s += 'x';
    s += std::to_string(shape[i]);
  }
  return s.empty() ? "scalar" : s;
}

// min and max over the finite values, and how many are not finite.
struct ValueRange {
  double min = std::numeric_limits<double>::infinity();
  double max = -std::numeric_limits<double>::infinity();
  std::size_t nan = 0, inf = 0;
};

ValueRange value_range(const AnyField& any) {
  return std::visit(
      [](const auto& f) {
        ValueRange r;
        for (const auto v : f.values()) {
          const double x = v;
          if (std::isnan(x)) ++r.nan;
          else if (std::isinf(x)) ++r.inf;
          else {
            r.min = std::min(r.min, x);
            r.max = std::max(r.max, x);
          }
        }
        return r;
      },
      any);
}

std::string bound_text(double v) { return std::isfinite(v) ? sci(v) : "-"; }

void print_hdf5(const fs::path& path, std::ostream& os) {
  const Hdf5Contents c = read_hdf5_contents(path);
  os << path.string() << ": HDF5 file, " << byte_size_text(fs::file_size(path)) << ", "
     << c.datasets.size() << " datasets\n";
  os << "\nattributes\n";
  for (const auto& a : c.attributes) os << "  " << a.name << " = " << a.value << "\n";

  // Steps present per group: the dataset names below each field's group.
  std::map<std::string, std::vector<std::string>> steps;
  for (const auto& d : c.datasets) {
    const auto slash = d.path.rfind('/');
    steps[d.path.substr(0, slash)].push_back(d.path.substr(slash + 1));
  }
  os << "\nsteps present\n";
  for (const auto& [group, names] : steps) {
    os << "  " << (group.empty() ? "/" : group) << " (" << names.size() << "):";
    for (const auto& n : names) {
      const auto digits = n.find_first_not_of('0');
      os << ' ' << (digits == std::string::npos ? "0" : n.substr(digits));
    }
    os << "\n";
  }

  os << "\n";
  Table t({"dataset", "shape", "dtype", "chunk", "filters", "stored", "ratio", "min", "max", "NaN",
           "Inf", "notes"});
  for (const auto& d : c.datasets) {
    std::string filters, notes;
    for (const auto& f : d.filters) filters += (filters.empty() ? "" : ", ") + f;
    for (const auto& a : d.attributes) {
      if (a.name == "float32_downcast" && a.value == "1") notes = "down-cast from float64";
    }
    std::vector<std::string> row{d.path, shape_text(d.shape), d.dtype,
                                 d.chunk.empty() ? "-" : shape_text(d.chunk),
                                 filters.empty() ? "none" : filters, byte_size_text(d.stored_bytes),
                                 fmt(d.compression_ratio(), 3)};
    if (d.dtype == "float64" || d.dtype == "float32") {
      const ValueRange r = value_range(read_hdf5_field(path, d.path));
      row.insert(row.end(), {bound_text(r.min), bound_text(r.max), std::to_string(r.nan),
                             std::to_string(r.inf), notes});
    } else {
      row.insert(row.end(), {"-", "-", "-", "-", notes});
    }
    t.add(row);
  }
  t.print(os);
}

void print_npy(const fs::path& path, std::ostream& os) {
  const AnyField f = read_npy(path);
  const Grid& g = std::visit([](const auto& x) -> const Grid& { return x.grid(); }, f);
  const ValueRange r = value_range(f);
  os << path.string() << ": NumPy array, " << byte_size_text(fs::file_size(path)) << "\n"
     << "  shape  " << g.shape_string() << "\n"
     << "  dtype  " << (std::holds_alternative<Field<double>>(f) ? "float64" : "float32") << "\n"
     << "  min    " << bound_text(r.min) << "\n"
     << "  max    " << bound_text(r.max) << "\n"
     << "  NaN    " << r.nan << "\n"
     << "  Inf    " << r.inf << "\n";
}

bool is_run_summary(const fs::path& path) {
  if (path.extension() != ".json") return false;
  const auto j = nlohmann::json::parse(read_text_file(path), nullptr, false);
  return j.is_object() && j.contains("status") && j.contains("steps");
}

void print_json_entries(const nlohmann::ordered_json& j, const std::string& prefix, std::ostream& os) {
  for (const auto& [key, value] : j.items()) {
    if (value.is_object()) print_json_entries(value, prefix + key + ".", os);
    else os << "  " << prefix << key << " = " << value.dump() << "\n";
  }
}

void print_summary(const fs::path& path, std::ostream& os) {
  const auto j = nlohmann::ordered_json::parse(read_text_file(path));
  os << path.string() << ": run summary\n";
  print_json_entries(j, "", os);
  os << "\nfiles in " << path.parent_path().string() << "\n";
  for (const auto& entry : fs::directory_iterator(path.parent_path())) {
    if (entry.is_regular_file()) {
      os << "  " << entry.path().filename().string() << "  " << byte_size_text(entry.file_size()) << "\n";
    }
  }
}

const std::vector<Inspector>& inspectors() {
  static const std::vector<Inspector> list{
      {"an HDF5 snapshot file", [](const fs::path& p) { return is_hdf5_file(p); }, print_hdf5},
      {"a .npy array", [](const fs::path& p) { return starts_with_bytes(p, "\x93NUMPY"); }, print_npy},
      {"a run's summary.json (or its directory)", is_run_summary, print_summary},
  };
  return list;
}

}  // namespace

int inspect_command(const InspectArgs& a) {
  fs::path path = a.file;
  if (fs::is_directory(path)) {
    path /= "summary.json";
    if (!fs::exists(path)) {
      throw InputError(a.file.string() + ": directory has no summary.json; expected a run's output directory");
    }
  }
  if (!fs::is_regular_file(path)) {
    throw InputError(path.string() + ": cannot read file (" +
                     (fs::exists(path) ? "not a regular file" : "no such file") + ")");
  }
  for (const Inspector& i : inspectors()) {
    if (i.recognizes(path)) {
      i.print(path, std::cout);
      return 0;
    }
  }
  std::string accepted;
  for (const Inspector& i : inspectors()) accepted += (accepted.empty() ? "" : ", ") + std::string(i.format);
  throw InputError(path.string() + ": not a format lfm inspects; expected " + accepted);
}

}  // namespace lfm::app
