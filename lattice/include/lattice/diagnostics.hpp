#pragma once
// Scalar diagnostics of a state (SPEC §4), accumulated in float64 whatever
// the run's precision.
#include "lattice/params.hpp"
#include "lattice/state.hpp"

namespace lfm {

// energy = Δx^d Σ ½ (E_t² + c² |∇E|² + χ² E²) with E_t = (E − E_prev)/Δt and
// central differences with periodic wrap. Drifts by O(Δt²) under leapfrog.
template <class T>
double energy(const State<T>& s, const Params& p);

// The energy's integrand cell by cell, ½ (E_t² + c² |∇E|² + χ² E²), so that
// Δx^d Σ out = energy(s, p). `out` is resized to the grid when it differs.
// Serial: it runs beside the time loop (the snapshot writer's thread).
template <class T>
void energy_density(const State<T>& s, const Params& p, Field<double>& out);

// H = Δx^d Σ [ ½ ((E − E_prev)/Δt)² + ½ E · (A E_prev) ], A = −c²∇²_h + χ²:
// conserved to round-off by the undamped update with periodic boundaries.
template <class T>
double invariant(const State<T>& s, const Params& p);

// P = Δx^d Σ ((E − E_prev)/Δt) · D E_prev, D the central difference along
// `axis`: conserved exactly with periodic boundaries and constant χ.
template <class T>
double momentum(const State<T>& s, const Params& p, int axis);

template <class T>
double max_abs(const Field<T>& f);

template <class T>
bool all_finite(const Field<T>& f);

double energy(const AnyState& s, const Params& p);
double invariant(const AnyState& s, const Params& p);
double max_abs(const AnyState& s);
bool all_finite(const AnyState& s);

}  // namespace lfm
