#pragma once
// A grid as the CPU backends walk it: (nz, ny, nx) rows of the contiguous
// axis, 1D as (1, 1, n) and 2D as (1, ny, nx).
#include <cstddef>

#include "lattice/grid.hpp"

namespace lfm::cpu {

struct Shape3 {
  std::size_t nz, ny, nx;
  std::size_t plane() const { return ny * nx; }
  // Below about 32k cells a step takes microseconds and waking threads
  // costs more than it saves: such grids run on the calling thread.
  bool worth_threads() const { return nz * ny * nx >= 32768; }
};

inline Shape3 shape3(const Grid& g) {
  const int d = g.dims();
  return {d == 3 ? g.extent(0) : 1, d >= 2 ? g.extent(d - 2) : 1, g.extent(d - 1)};
}

}  // namespace lfm::cpu
