#pragma once
// One rank's part of a distributed lattice: a block of slices of axis 0
// (cells of a 1D line; and in 3D, when the split shares them out too, of
// rows of axis 1),
// padded with halos on both sides of each split axis, stepped by the `cpu`
// backend's row update (cpu/rows.hpp), so that every cell it owns gets the
// bits one process gives. Between exchanges the halos are recomputed
// redundantly: step j of a block updates the padded slices (and rows)
// [j·r, n − j·r), r = order/2, which leaves the owned ones right after
// `depth` steps. An axis the split does not share (rows when each rank
// holds whole planes) has no halo and wraps as on one process.
//
// The neighbours are along rings: the stencil wraps around every axis on
// every boundary mode (reflective and absorbing act after the wrapped
// update), so the first rank's lower halo is the last rank's top slices.
// How the halos travel is the caller's (an MPI exchange, or a copy
// between ranks held in one process); transfers() says what goes where,
// the corners straight between diagonal neighbours when rows are split.
#include <array>
#include <functional>
#include <optional>
#include <vector>

#include "cpu/diagnostic_partials.hpp"
#include "cpu/wavefront.hpp"
#include "distributed/decomposition.hpp"
#include "lattice/blowup.hpp"
#include "lattice/state.hpp"

namespace lfm::distributed {

template <class T>
class BlockRank {
 public:
  // Rank `rank` of the split over a lattice, exchanging every `depth`
  // steps; throws InputError when a halo does not fit (deepest_depth gives
  // the depth that does).
  BlockRank(const Grid& whole, const Params& p, Split split, int rank, int depth, bool chi_field);

  const Grid& whole() const { return whole_; }
  Split split() const { return split_; }
  SliceRange owned() const { return owned_; }       // slices of axis 0
  SliceRange owned_rows() const { return rows_; }   // rows of axis 1 (of each plane; [0, 1) in 2D)
  std::size_t halo() const { return halo_; }        // slices
  std::size_t row_halo() const { return row_halo_; }  // rows: halo() when rows are split, else 0
  int depth() const { return depth_; }
  // Cells of a row: in 1D, where the slices are cells, 1.
  std::size_t row_cells() const { return whole_.dims() == 1 ? 1 : whole_.extent(whole_.dims() - 1); }
  std::size_t padded_rows() const { return rows_.size() + 2 * row_halo_; }
  std::size_t slice_cells() const { return padded_rows() * row_cells(); }  // of a padded slice
  State<T>& local() { return local_; }
  const State<T>& local() const { return local_; }

  // The padded fields (and χ) from the whole lattice's state: padded slice
  // i is whole slice (i − halo + begin) mod n, and so for rows. Halos are
  // then fresh.
  void load(const State<T>& whole);
  // The owned cells into the whole lattice's state (its step too).
  void store(State<T>& whole) const;

  // `steps` ≤ depth() steps from fresh halos.
  void advance(int steps);

  // From now on each block is one pass of cpu_temporal's wavefront, depth()
  // steps deep, in bands of `band_rows` rows (0: whole planes), instead of
  // a sweep per step. The wavefront takes whole planes and copies
  // reflective faces at its own end planes, so it needs a 3D lattice in
  // slabs (rows unsplit) that is not reflective; throws InputError otherwise.
  void use_wavefront(std::size_t band_rows);
  bool wavefront() const { return wavefront_.has_value(); }

  // A box of the padded block: padded slices × padded rows, whole rows of cells.
  struct Region {
    SliceRange slices, rows;
  };
  // One field's halo cells to and from one neighbour: the block `slices`
  // blocks away along axis 0 and `rows` along axis 1 (each −1, 0 or +1;
  // rows 0 when they are not split). `send` (of `base`, a padded field) goes
  // there, into what that neighbour receives from the opposite direction;
  // `receive` comes from there. `channel` tells the fields of one exchange apart.
  struct Transfer {
    T* base;
    int channel, slices, rows;
    Region send, receive;
  };
  using Transfers = std::vector<Transfer>;
  // What refreshes the outer `width` (1 to halo()) slices, and rows where
  // they are split, of the halos of padded field `base`: from the neighbours
  // along each split axis, and for the corners from the diagonal ones. The
  // cells sent lie within `width` of the owned block's edges, or within
  // its halos' inner halo() − width along the other axis.
  Transfers transfers(T* base, std::size_t width, int channel) const;

  // depth() steps from fresh halos, exchanging while the last one runs:
  // that step computes the owned cells the neighbours need first (a shell
  // of halo() + 1 slices and rows at the block's edges), calls `start` with
  // E's transfers (channel 0) and E_prev's (1) (which starts them), then
  // computes the rest, which neither reads nor writes what the transfers
  // touch. E_prev's cover only the outer halo() − order/2 + 1 slices and
  // rows, which the block leaves stale; it recomputed the rest of them (at
  // depth 1 none is stale). The caller completes the transfers after this
  // returns; then the halos are fresh again. The rest goes in a few chunks
  // with `progress` called after each, for the caller to let its transfers
  // advance (MPI moves a large message only inside its calls). A part of
  // a 1D line, updated whole in each step, computes its whole last step
  // before `start`. Not with a wavefront, which exchanges after its block.
  void advance_block(const std::function<void(const Transfers&)>& start, const std::function<void()>& progress);

  // The sums of the owned slabs, in the order of the whole lattice's slabs
  // that it holds (halos must be fresh): as slabs_held lists them.
  std::vector<cpu::DiagnosticSums> diagnostic_partials(double limit) const;
  // The first bad cell of owned slab j (an index into diagnostic_partials),
  // in the whole lattice's coordinates.
  std::optional<BadCell> first_bad(double limit, std::size_t j) const;

 private:
  Grid whole_;
  Params params_;
  Split split_;
  SliceRange owned_, rows_;
  std::size_t halo_, row_halo_;
  int depth_;
  std::optional<Blocking> wavefront_;
  State<T> local_;

  // One step of padded slices [lo, hi) × rows [row_lo, row_hi) (not yet swapped in).
  void sweep(std::size_t lo, std::size_t hi, std::size_t row_lo, std::size_t row_hi);
  // The whole lattice's slabs as this block holds them.
  cpu::SlabLayout layout() const;
};

// The neighbour of `rank` `slices` blocks along axis 0 and `rows` along
// axis 1 (−1 down, +1 up, 0 the same), around the rings.
int neighbour(Split split, int rank, int slices, int rows);

}  // namespace lfm::distributed
