#pragma once
// One rank's part of a distributed lattice: its slices of axis 0 padded
// with halo slices on both sides, stepped by the `cpu` backend's row
// update (cpu/rows.hpp), so that every cell it owns gets the bits one
// process gives. Between exchanges the halos are recomputed redundantly:
// step j of a block updates the padded slices [j·r, n − j·r), r = order/2,
// which leaves the owned ones right after `depth` steps.
//
// The neighbours are along a ring: the stencil wraps around axis 0 on
// every boundary mode (reflective and absorbing act after the wrapped
// update), so the first rank's lower halo is the last rank's top slices.
// How the halos travel is the caller's (an MPI exchange, or a copy
// between ranks held in one process).
#include <array>
#include <functional>
#include <optional>
#include <vector>

#include "cpu/diagnostic_partials.hpp"
#include "distributed/slab_decomposition.hpp"
#include "lattice/blowup.hpp"
#include "lattice/state.hpp"

namespace lfm::distributed {

template <class T>
class SlabRank {
 public:
  // Rank `rank` of `ranks` over a 2D or 3D lattice, exchanging every
  // `depth` steps; throws InputError when the halo does not fit
  // (deepest_depth gives the depth that does) or the lattice is 1D.
  SlabRank(const Grid& whole, const Params& p, int ranks, int rank, int depth, bool chi_field);

  const Grid& whole() const { return whole_; }
  SliceRange owned() const { return owned_; }
  std::size_t halo() const { return halo_; }
  int depth() const { return depth_; }
  std::size_t slice_cells() const { return whole_.cells() / whole_.extent(0); }
  State<T>& local() { return local_; }
  const State<T>& local() const { return local_; }

  // The padded fields (and χ) from the whole lattice's state: padded slice
  // i is whole slice (i − halo + begin) mod n. Halos are then fresh.
  void load(const State<T>& whole);
  // The owned slices into the whole lattice's state (its step too).
  void store(State<T>& whole) const;

  // `steps` ≤ depth() steps from fresh halos.
  void advance(int steps);

  // What the exchange after a whole block moves for one field: `slices`
  // slices from send_down into the lower neighbour's upper_halo and from
  // send_up into the upper neighbour's lower_halo.
  struct Transfer {
    const T* send_down;
    const T* send_up;
    T* lower_halo;
    T* upper_halo;
    std::size_t slices;
  };
  // E's halos whole, and the outer halo() − order/2 + 1 slices of
  // E_prev's halos, which the block leaves stale; the block itself
  // recomputed the rest of them (at depth 1 none is stale).
  using Transfers = std::array<Transfer, 2>;
  // depth() steps from fresh halos, exchanging while the last one runs:
  // that step computes the owned slices the neighbours need first, calls
  // `start` (which starts the transfers), then computes the rest, which
  // neither reads nor writes what the transfers touch. The caller
  // completes them after this returns; then the halos are fresh again.
  void advance_block(const std::function<void(const Transfers&)>& start);

  // Each field's halo blocks (halo() slices each): what the lower and
  // upper neighbours need, and where what they send goes.
  struct Blocks {
    const T* first_owned;  // to the lower neighbour, into its upper halo
    const T* last_owned;   // to the upper neighbour, into its lower halo
    T* lower_halo;
    T* upper_halo;
  };
  Blocks blocks(Field<T>& f);
  std::size_t block_cells() const { return halo_ * slice_cells(); }

  // The sums of the owned slabs, in slab order (halos must be fresh).
  std::vector<cpu::DiagnosticSums> diagnostic_partials(double limit) const;
  // The first bad cell of owned slab j (an index into diagnostic_partials),
  // in the whole lattice's coordinates.
  std::optional<BadCell> first_bad(double limit, std::size_t j) const;

 private:
  Grid whole_;
  Params params_;
  SliceRange owned_;
  std::size_t halo_;
  int depth_;
  State<T> local_;

  // One step of padded slices [lo, hi) (not yet swapped in).
  void sweep_slices(std::size_t lo, std::size_t hi);
};

}  // namespace lfm::distributed
