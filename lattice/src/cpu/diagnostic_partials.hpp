#pragma once
// The fused record's sums before they are added up, for callers that hold
// a part of the lattice (a rank of a distributed run) and must reproduce
// one process's additions bit for bit.
//
// The lattice is cut by its shape alone: a slice is one index of the grid's
// axis 0 (a plane in 3D, a row in 2D), and each slice into slabs of whole
// rows; a 1D line is one slice, cut into slabs of cells. Slabs never cross
// a slice, so a run cut into slices of axis 0 holds whole slabs (a 1D run
// is cut at slab boundaries), and adding every slab's sums in slab order
// gives the same bits however the lattice was shared out.
#include <cstddef>
#include <optional>
#include <utility>
#include <vector>

#include "lattice/fused_diagnostics.hpp"

namespace lfm::cpu {

// One slab's sums; every constant factor is left out (fused_diagnostics.cpp).
struct DiagnosticSums {
  double dt2 = 0, grad2 = 0, mass = 0, lap = 0, coupling = 0, max = 0;
  double bad = 0, non_finite = 0, nan = 0;  // cell counts
};
// to += o, in that order (max and counts do not depend on it).
void add(DiagnosticSums& to, const DiagnosticSums& o);

struct SlabLayout {
  std::size_t slices = 0, rows_per_slice = 0, rows_per_slab = 0, slabs_per_slice = 0;
  // The slabs of a slice cover its rows [first_row, first_row + rows_used):
  // all of them in a whole lattice, the owned ones in a rank's padded block.
  std::size_t first_row = 0, rows_used = 0;
  // In 1D a slab is cells_per_slab cells of the line (the last one shorter)
  // within [first_cell, first_cell + cells_used); 0 in 2D and 3D, where a
  // slab holds whole rows.
  std::size_t cells_per_slab = 0, first_cell = 0, cells_used = 0;
  // Cell x of a row is cell x + x_shift of the whole lattice's rows, x_n
  // long: the cells within the stencil's reach of either end of those are
  // the wrapped ends, summed one by one.
  long x_shift = 0;
  std::size_t x_n = 0;
  // Rows [first, end) of slab `slab` (rows counted as z·ny + y).
  std::pair<std::size_t, std::size_t> rows(std::size_t slab) const;
  // Cells [first, end) of each of those rows, nx long.
  std::pair<std::size_t, std::size_t> cells(std::size_t slab, std::size_t nx) const;
};
SlabLayout slab_layout(const Grid& g);

// The sums of every slab of slices [first_slice, end_slice) of s, in slab
// order. Neighbours along axis 0 wrap around s's own extent, so a part of
// the lattice padded with halo slices gives what the whole lattice gives.
template <class T>
std::vector<DiagnosticSums> diagnostic_partials(const State<T>& s, const Params& p, double limit,
                                                std::size_t first_slice, std::size_t end_slice);
// The same for a layout of s's rows other than s's own (a rank's block:
// neighbours along axis 1 are then read in its halo rows).
template <class T>
std::vector<DiagnosticSums> diagnostic_partials(const State<T>& s, const Params& p, double limit,
                                                const SlabLayout& l, std::size_t first_slice, std::size_t end_slice);

// The first cell of slab `slab` above the limit (or not finite), as an
// index into s (its own layout, or l).
template <class T>
std::optional<BadCell> first_bad_in_slab(const State<T>& s, double limit, std::size_t slab);
template <class T>
std::optional<BadCell> first_bad_in_slab(const State<T>& s, double limit, const SlabLayout& l, std::size_t slab);

// Energy, invariant and health from every slab's sums in slab order;
// chi_scalar is χ for a scalar χ (rounded to the run's precision) and 1 for
// a field. first_bad is left to the caller: *first_bad_slab is the first
// slab that holds one (partials.size() when none does).
FusedDiagnostics sum_partials(const std::vector<DiagnosticSums>& partials, const Params& p, int dims,
                              double chi_scalar, std::size_t* first_bad_slab);

}  // namespace lfm::cpu
