#pragma once
// How a distributed run shares out the lattice: slices of the grid's axis 0
// (planes in 3D, rows in 2D), a contiguous run of them per rank, each rank
// padded with halo slices copied from its neighbours. Axis 0 is the slowest
// in memory, so a halo is one contiguous block of each field.
#include <cstddef>


namespace lfm::distributed {

struct SliceRange {
  std::size_t begin = 0, end = 0;
  std::size_t size() const { return end - begin; }
};

// Slices of an axis of n owned by `rank` of `ranks`: as even as can be, the
// first n mod ranks ranks one slice thicker.
SliceRange owned_slices(std::size_t n, int ranks, int rank);

// Halo slices on each side for `depth` steps between exchanges: the
// stencil's reach (order / 2) per step. Reflective faces need no more:
// step j of a block can update a copy of face 0 or n − 1 lying in a halo
// without its neighbour only at the updated region's edge, at order 2 and
// j = depth − 1, and at the last step only the opposite face reads that
// copy, which the reflection then overwrites (slab_rank.cpp).
std::size_t halo_slices(int stencil_order, int depth);

// The deepest depth ≤ wanted whose halo every rank's slab can fill from its
// neighbour alone; 0 when not even one step's halo fits.
int deepest_depth(std::size_t n, int ranks, int stencil_order, int wanted);

}  // namespace lfm::distributed
