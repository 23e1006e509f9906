#pragma once
// How a distributed run shares out the lattice: slices of the grid's axis 0
// (planes in 3D, rows in 2D, cells in 1D), a contiguous run of them per
// rank, and in 3D optionally also the rows of each plane (axis 1), so that
// ranks hold blocks of slices × rows. In 2D and 3D the last axis, along
// which the row kernels run and vectorize, is never split; a 1D line is
// cut into parts of whole slabs of the diagnostics. Each rank's block is
// padded with halos copied from its neighbours; along axis 0, the slowest
// in memory, a halo is one contiguous block of each field.
#include <cstddef>
#include <string>
#include <vector>

#include "lattice/grid.hpp"

namespace lfm::distributed {

struct SliceRange {
  std::size_t begin = 0, end = 0;
  std::size_t size() const { return end - begin; }
};

// Slices of an axis of n owned by `rank` of `ranks`: as even as can be, the
// first n mod ranks ranks one slice thicker.
SliceRange owned_slices(std::size_t n, int ranks, int rank);

// Ranks along axis 0 and along axis 1 (1 in 2D); rank r holds block
// (r / rows, r % rows), row-major like MPI_Cart_create's ranks.
struct Split {
  int slices = 1, rows = 1;
  int ranks() const { return slices * rows; }
  std::string text() const;  // "4x2x1"
};

// Rows of axis 1 owned by column `rank` of `ranks`: whole runs of the
// fused diagnostics' slabs (rows_per_slab rows each, the last one shorter
// when it ends the axis), shared out as owned_slices shares slices, so that
// every rank holds whole slabs and their sums add up in one process's order.
SliceRange owned_rows(std::size_t n, std::size_t rows_per_slab, int ranks, int rank);

// What rank `rank` of the split owns: slices of axis 0 and rows of axis 1
// (all of them unless split; [0, 1) in 1D and 2D, where a slice is a cell
// or a row). A 1D line goes out as owned_rows shares rows, in whole slabs.
struct Block {
  SliceRange slices, rows;
};
Block owned_block(const Grid& g, Split split, int rank);

// The slabs of the diagnostics a 1D line is cut into (0 in 2D and 3D).
std::size_t slabs_of_line(const Grid& g);
// The whole lattice's slabs that block b holds, in the order its rank sums
// them (cpu/diagnostic_partials.hpp): slice by slice, each slice's slabs
// of b's rows in row order; a part of a line's in line order.
std::vector<std::size_t> slabs_held(const Grid& g, const Block& b);

// Halo slices on each side for `depth` steps between exchanges: the
// stencil's reach (order / 2) per step. Reflective faces need no more:
// step j of a block can update a copy of face 0 or n − 1 lying in a halo
// without its neighbour only at the updated region's edge, at order 2 and
// j = depth − 1, and at the last step only the opposite face reads that
// copy, which the reflection then overwrites (block_rank.cpp).
std::size_t halo_slices(int stencil_order, int depth);

// The fewest slices (or rows) a rank may own: its halo, and 2 with
// reflective faces, so that a face it owns finds the neighbour it copies
// among the cells it updates in every step.
std::size_t fewest_owned(int stencil_order, int depth, bool reflective);

// The deepest depth ≤ wanted at which every rank's slab owns fewest_owned
// slices, so it fills its halos from its neighbour alone; 0 when not even
// one step's does.
int deepest_depth(std::size_t n, int ranks, int stencil_order, int wanted, bool reflective);

// The same for a block split of a lattice: every axis it splits must fill
// its halos from a neighbour alone. 0 also when axis 1 is split in 1D or
// 2D, or into more columns than it has slabs of rows, or a line into more
// parts than it has slabs.
int deepest_depth(const Grid& g, Split split, int stencil_order, int wanted, bool reflective);

}  // namespace lfm::distributed
