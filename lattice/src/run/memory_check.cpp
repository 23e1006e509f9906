#include "lattice/memory_check.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <system_error>

#include "lattice/error.hpp"

namespace lfm {

double estimate_run_bytes(double cells, Precision precision) {
  const double item = precision == Precision::float64 ? 8.0 : 4.0;
  // Standard workloads and float32 runs start from float64 fields (E, E_prev, χ).
  const double build = precision == Precision::float32 ? 3 * 8.0 : 0.0;
  return cells * (4 * item + build);
}

double workload_cells(std::size_t n, int dim) {
  return std::pow(static_cast<double>(n), dim);
}

double npy_cells_upper_bound(const std::filesystem::path& file) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(file, ec);
  return ec ? 0.0 : static_cast<double>(size) / 4.0;
}

double parse_byte_size(const std::string& text) {
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  const std::string unit(end);
  const auto bad = [&] {
    return InputError("--memory-limit " + text +
                      ": expected a positive size such as 800M, 16G or 1.5T (bytes without a suffix)");
  };
  if (!(value > 0) || !std::isfinite(value)) throw bad();
  double scale = 1;
  if (unit.empty() || unit == "B") scale = 1;
  else if (unit == "K" || unit == "KiB") scale = 1024.0;
  else if (unit == "M" || unit == "MiB") scale = 1024.0 * 1024;
  else if (unit == "G" || unit == "GiB") scale = 1024.0 * 1024 * 1024;
  else if (unit == "T" || unit == "TiB") scale = 1024.0 * 1024 * 1024 * 1024;
  else throw bad();
  return value * scale;
}

std::optional<double> available_memory_bytes() {
  std::ifstream in("/proc/meminfo");
  std::string key;
  double kib = 0;
  std::string unit;
  while (in >> key >> kib >> unit) {
    if (key == "MemAvailable:") return kib * 1024.0;
  }
  return std::nullopt;
}

std::string byte_text(double bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  int u = 0;
  while (bytes >= 1024 && u < 6) {
    bytes /= 1024;
    ++u;
  }
  char buf[48];
  std::snprintf(buf, sizeof buf, bytes >= 1e6 ? "%.3g %s" : "%.2f %s", bytes, units[u]);
  return buf;
}

void require_memory(double bytes, const std::optional<std::string>& memory_limit) {
  if (memory_limit) {
    const double limit = parse_byte_size(*memory_limit);
    if (bytes > limit) {
      throw InputError("the run needs about " + byte_text(bytes) + " of memory, more than --memory-limit " +
                       *memory_limit + " (" + byte_text(limit) + "); use a smaller grid or float32");
    }
    return;
  }
  const auto available = available_memory_bytes();
  if (available && bytes > *available) {
    throw InputError("the run needs about " + byte_text(bytes) + " of memory; " + byte_text(*available) +
                     " is available (MemAvailable in /proc/meminfo); use a smaller grid or float32, "
                     "or --memory-limit to set the budget yourself");
  }
}

}  // namespace lfm
