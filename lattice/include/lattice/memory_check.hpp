#pragma once
// The memory a run needs, estimated before anything large is allocated, so
// that a run that cannot fit is refused with the figure instead of swapping
// the machine to a halt or dying half way.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "lattice/params.hpp"

namespace lfm {

// Bytes for a run of `cells` cells: E, E_prev, χ and one scratch field in
// the run's precision, plus the float64 fields a float32 run is built from.
// Saturates instead of overflowing (a 10⁶³-cell request is just "too much").
double estimate_run_bytes(double cells, Precision precision);

// Cells a standard workload of n per axis in `dim` dimensions holds.
double workload_cells(std::size_t n, int dim);
// An upper bound on the cells of a .npy file, from its size (float32 items).
double npy_cells_upper_bound(const std::filesystem::path& file);

// "512M", "4G", "1.5T", "1000000" (bytes); InputError naming --memory-limit.
double parse_byte_size(const std::string& text);
// MemAvailable from /proc/meminfo, if the kernel reports it.
std::optional<double> available_memory_bytes();

// Throws InputError when `bytes` exceeds the limit (--memory-limit, else
// the memory available now), giving both figures.
void require_memory(double bytes, const std::optional<std::string>& memory_limit);

// "1.50 GiB"
std::string byte_text(double bytes);

}  // namespace lfm
