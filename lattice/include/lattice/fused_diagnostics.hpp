#pragma once
// Everything a run records about a state in one pass over its fields: the
// health check of blowup.hpp, the energy and the invariant H of SPEC §4.
// The reference definitions stay in diagnostics.hpp and blowup.hpp; this
// pass is what the time loop calls, built with the optimized backends'
// flags, threaded over slabs of rows and vectorized along them.
//
// Deterministic for any thread count: the lattice is cut into slabs of
// whole rows by its shape alone, each slab's sums are formed in a fixed
// order, and the slab sums are added in slab order. Slabs never cross a
// slice of axis 0, so a run split into slices across processes adds the
// same sums in the same order (cpu/diagnostic_partials.hpp).
#include <cstdint>
#include <optional>

#include "lattice/blowup.hpp"
#include "lattice/params.hpp"
#include "lattice/state.hpp"

namespace lfm {

struct Health {
  std::int64_t non_finite = 0;       // cells of E that are NaN or ±Inf
  double max_abs = 0;                // max |E|; NaN when a cell is NaN, as max_abs()
  std::optional<BadCell> first_bad;  // exactly first_bad_cell(s, limit)
};

struct FusedDiagnostics {
  Health health;
  double energy = 0;     // energy(s, p), summed in another order
  double invariant = 0;  // invariant(s, p), summed in another order
};

// `limit` as for first_bad_cell: |E| above it is a bad cell (infinity: only
// NaN/Inf are). Energy and invariant are accumulated in float64 for either
// precision and agree with the reference functions to round-off of the
// reordered sums (tests/test_fused_diagnostics.cpp derives the bound).
template <class T>
FusedDiagnostics fused_diagnostics(const State<T>& s, const Params& p, double limit);
FusedDiagnostics fused_diagnostics(const AnyState& s, const Params& p, double limit);

}  // namespace lfm
