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

// Where a state's planes lie in a larger lattice, for the absorbing band:
// plane i is plane (i + shift) mod n there. n = 0: the state is the whole
// lattice. (A distributed rank's slab padded with halos: its planes wrap
// onto each other at the ends, which only spoils planes the halos give up.)
struct PlanePlacement {
  long shift = 0;
  std::size_t n = 0;
};

// Advances a 3D state with at least 4r + 2 planes by `steps` (any count: a
// last partial block runs shallower).
template <class T>
void advance_blocked(State<T>& s, const Params& p, std::int64_t steps, Blocking blocking,
                     PlanePlacement at = {});

}  // namespace cpu
}  // namespace lfm
