#pragma once
// NumPy .npy files (format versions 1–3): float32 or float64, little-endian,
// C order, 1 to 3 dimensions. Anything else is refused with an InputError
// that says what was found.
#include <filesystem>
#include <variant>

#include "lattice/field.hpp"
#include "lattice/params.hpp"

namespace lfm {

using AnyField = std::variant<Field<double>, Field<float>>;

AnyField read_npy(const std::filesystem::path& path);
// Reads and converts to T (float64 <-> float32 as needed).
template <class T>
Field<T> read_npy_as(const std::filesystem::path& path);

template <class T>
void write_npy(const std::filesystem::path& path, const Field<T>& f);

}  // namespace lfm
