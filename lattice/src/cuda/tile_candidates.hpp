#pragma once
// The block shapes the `cuda` backend's autotuner chooses among, and which
// of them can run a grid. Host C++ only: listed and checked without a GPU,
// so the tests can step every candidate rather than only the one picked.
#include <string>
#include <vector>

#include "cuda/tuning_cache.hpp"
#include "lattice/grid.hpp"

namespace lfm::cuda {

// The shapes timed for grid g, in the order they are timed (the first wins
// ties): 128 to 1024 threads, x a multiple of the warp so that rows are
// read coalesced; in 3D each shape twice, streaming 16 and 64 planes per
// block (at most the grid's nz).
std::vector<TileShape> tile_candidates(const Grid& g);

// Whether the fused kernels can run shape t on grid g: a valid block, at
// least 2 threads along x and y in 3D (the first R of each row and column
// load the halo), one plane per block in 1D and 2D.
bool tile_usable(const TileShape& t, const Grid& g);

// "32x4x16", for messages and test names.
std::string to_string(const TileShape& t);

}  // namespace lfm::cuda
