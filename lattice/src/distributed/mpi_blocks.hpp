#pragma once
// A BlockRank's traffic over MPI: halos along the rings of ranks, the
// whole lattice scattered from and gathered onto the root, and diagnostics
// added in one process's order. Every call is collective over `comm`, whose
// rank r holds block r of the split (row-major, as BlockRank numbers them).
#include <mpi.h>

#include "distributed/block_rank.hpp"
#include "lattice/fused_diagnostics.hpp"

namespace lfm::distributed {

// Each field's halos (E and E_prev) from the neighbours along the split
// axes, corners from the diagonal ones, blocking.
template <class T>
void exchange_halos(BlockRank<T>& rank, MPI_Comm comm);

// `steps` steps from fresh halos, leaving them fresh, in blocks of the
// rank's depth. Each whole block exchanges without blocking while its last
// step computes the cells that do not touch the halos
// (BlockRank::advance_block); a shorter block at the end, then a blocking
// exchange. A wavefront exchanges after each block.
template <class T>
void advance(BlockRank<T>& rank, std::int64_t steps, MPI_Comm comm);

// The whole lattice's state, held by the root (rank 0) only, onto every
// rank's padded slab, halos (and χ) included; `whole` is ignored elsewhere.
template <class T>
void scatter_state(BlockRank<T>& rank, const State<T>* whole, MPI_Comm comm);

// Every rank's owned slices into the root's `whole` (ignored elsewhere).
template <class T>
void gather_state(const BlockRank<T>& rank, State<T>* whole, MPI_Comm comm);

// fused_diagnostics of the whole lattice, bit for bit, on every rank
// (halos must be fresh). The slab sums are gathered on the root in rank
// order and added there; the first bad cell comes from the rank that holds it.
template <class T>
FusedDiagnostics diagnose(const BlockRank<T>& rank, const Params& p, double limit, MPI_Comm comm);

}  // namespace lfm::distributed
