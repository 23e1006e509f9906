#pragma once
// The wavefront of `cpu_temporal` (see cpu_temporal_backend.hpp): several
// steps per pass over memory on a 3D grid, in whole planes or in skewed
// bands of rows.
#include <cstddef>
#include <cstdint>

#include "lattice/params.hpp"
#include "lattice/state.hpp"

namespace lfm {

// Steps per pass over memory, and the rows of y each band of a plane holds
// (0: whole planes).
struct Blocking {
  int depth = 0;
  std::size_t band_rows = 0;
  bool operator==(const Blocking&) const = default;
};

namespace cpu {

// The bands `rows` gives a plane of ny rows: 1 (whole planes) where the skew
// does not allow bands that narrow.
std::size_t band_count(std::size_t ny, std::size_t r, int depth, std::size_t rows, bool reflective);

// Advances a 3D state with at least 4r + 2 planes by `steps` (any count: a
// last partial block runs shallower).
template <class T>
void advance_blocked(State<T>& s, const Params& p, std::int64_t steps, Blocking blocking);

}  // namespace cpu
}  // namespace lfm
