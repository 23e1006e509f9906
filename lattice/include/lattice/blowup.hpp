#pragma once
// Blow-up detection: a field that went NaN/Inf, or grew far past where it
// started (an unstable run, a wrong χ), is caught at the first check after
// it happens, and the first bad cell is named so that a person can look there.
#include <cstddef>
#include <optional>
#include <string>

#include "lattice/state.hpp"

namespace lfm {

struct BadCell {
  std::size_t index;  // flat, C order
  Grid::Index coords;
  double value;
};

// The first cell of E, in C order, that is not finite or whose magnitude
// exceeds `limit` (pass infinity to look for NaN/Inf only).
std::optional<BadCell> first_bad_cell(const AnyState& s, double limit);

// "E(3, 4, 5) = nan" for a cell of grid g.
std::string describe(const BadCell& cell, const Grid& g);

}  // namespace lfm
