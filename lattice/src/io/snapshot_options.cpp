// Snapshot options and names: what a user may ask for, checked before any
// step is taken.
#include <algorithm>
#include <cstdio>
#include <string>

#include "lattice/error.hpp"
#include "lattice/snapshot.hpp"
#include "lattice/suggest.hpp"

namespace lfm {
namespace {

const std::vector<std::string>& field_names() {
  static const std::vector<std::string> names{"E", "energy_density"};
  return names;
}

}  // namespace

std::string_view to_string(SnapshotField f) {
  return field_names()[static_cast<std::size_t>(f)];
}

std::vector<SnapshotField> parse_snapshot_fields(std::string_view list) {
  std::vector<SnapshotField> fields;
  std::size_t start = 0;
  while (start <= list.size()) {
    const std::size_t comma = std::min(list.find(',', start), list.size());
    const std::string name(list.substr(start, comma - start));
    const auto& names = field_names();
    const auto it = std::find(names.begin(), names.end(), name);
    if (it == names.end()) {
      throw InputError("--snapshot-fields " + std::string(list) + ": " +
                       (name.empty() ? "empty field name" : "unknown field '" + name + "'") +
                       unknown_name_hint(name, names) + ", separated by commas");
    }
    const auto field = static_cast<SnapshotField>(it - names.begin());
    if (std::find(fields.begin(), fields.end(), field) != fields.end()) {
      throw InputError("--snapshot-fields " + std::string(list) + ": '" + name +
                       "' is listed twice; name each field once");
    }
    fields.push_back(field);
    start = comma + 1;
  }
  return fields;
}

std::string snapshot_dataset_name(std::string_view field, std::int64_t step) {
  char digits[24];
  std::snprintf(digits, sizeof digits, "%09lld", static_cast<long long>(step));
  std::string name = "/";
  name += field;
  name += '/';
  name += digits;
  return name;
}

void validate(const SnapshotOptions& o) {
  if (o.every < 1) {
    throw InputError("--snapshot-every = " + std::to_string(o.every) + " is out of range; expected >= 1");
  }
  if (o.fields.empty()) throw InputError("--snapshot-fields is empty; expected E and/or energy_density");
  for (std::size_t i = 0; i < o.fields.size(); ++i) {
    if (std::find(o.fields.begin(), o.fields.begin() + static_cast<long>(i), o.fields[i]) !=
        o.fields.begin() + static_cast<long>(i)) {
      throw InputError("--snapshot-fields: '" + std::string(to_string(o.fields[i])) +
                       "' is listed twice; name each field once");
    }
  }
  if (o.compression < 0 || o.compression > 9) {
    throw InputError("--snapshot-compression = " + std::to_string(o.compression) +
                     " is out of range; expected a deflate level from 0 (none) to 9");
  }
  if (o.queue_depth < 1) throw InputError("snapshot queue depth 0; expected >= 1");
}

double SnapshotStats::compression_ratio() const {
  return file_bytes > 0 ? static_cast<double>(raw_bytes) / static_cast<double>(file_bytes) : 0.0;
}

double SnapshotStats::write_mb_per_s() const {
  return write_s > 0 ? static_cast<double>(raw_bytes) / 1e6 / write_s : 0.0;
}

double SnapshotStats::write_mb_per_cpu_s() const {
  return write_cpu_s > 0 ? static_cast<double>(raw_bytes) / 1e6 / write_cpu_s : 0.0;
}

std::filesystem::path xdmf_path_for(const std::filesystem::path& h5_path) {
  std::filesystem::path p = h5_path;
  return p.replace_extension(".xdmf");
}

}  // namespace lfm
