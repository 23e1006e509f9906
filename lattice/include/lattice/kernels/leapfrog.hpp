#pragma once
// The per-cell leapfrog update of SPEC §1–2, shared by every optimized
// backend (CPU loops, Thrust, CUDA). Backends differ in how they loop, tile
// and move memory, never in this arithmetic, so backends that use it in the
// same order produce bit-identical fields. The baseline does not use it: it
// keeps its own literal copy so that one bug cannot hide on both sides.
#include "lattice/kernels/host_device.hpp"
#include "lattice/params.hpp"

namespace lfm::kernels {

// Everything a cell update needs besides the field values, in the run's
// precision. `stencil_scale` folds c²/Δx² (order 2) or c²/(12Δx²) (order 4)
// into one multiply.
template <class T>
struct LeapfrogCoefficients {
  T keep;           // 2 − γ
  T keep_prev;      // 1 − γ
  T dt2;            // Δt²
  T stencil_scale;  // c²/Δx² or c²/(12 Δx²)
  T chi2;           // χ² when χ is a scalar
};

template <class T>
LeapfrogCoefficients<T> coefficients(const Params& p) {
  const T dx = static_cast<T>(p.dx);
  const T c2 = static_cast<T>(p.alpha) / static_cast<T>(p.beta);
  const T denominator = p.stencil_order == 2 ? dx * dx : T(12) * dx * dx;
  const T chi = static_cast<T>(p.chi);
  return {T(2) - static_cast<T>(p.gamma_damp), T(1) - static_cast<T>(p.gamma_damp),
          static_cast<T>(p.dt) * static_cast<T>(p.dt), c2 / denominator, chi * chi};
}

// One axis of the order-2 stencil, unscaled: E[i−1] − 2E[i] + E[i+1].
template <class T>
LFM_HOST_DEVICE inline T axis_o2(T minus1, T centre, T plus1) {
  return (minus1 + plus1) - T(2) * centre;
}

// One axis of the order-4 stencil, unscaled (12Δx² times the SPEC term):
// −E[i−2] + 16E[i−1] − 30E[i] + 16E[i+1] − E[i+2].
template <class T>
LFM_HOST_DEVICE inline T axis_o4(T minus2, T minus1, T centre, T plus1, T plus2) {
  return T(16) * (minus1 + plus1) - (minus2 + plus2) - T(30) * centre;
}

// E_next = (2 − γ) E − (1 − γ) E_prev + Δt² (scale · Σ_axes − χ² E).
template <class T>
LFM_HOST_DEVICE inline T leapfrog(T e, T e_prev, T stencil_sum, T chi2,
                                  const LeapfrogCoefficients<T>& k) {
  return k.keep * e - k.keep_prev * e_prev + k.dt2 * (k.stencil_scale * stencil_sum - chi2 * e);
}

// The absorbing sponge of SPEC §3 for a cell that `axes_in_band` axes put
// inside the band: zero when the factor is >= 1, else one multiply per axis
// (in sequence, as the specification applies them axis by axis).
template <class T>
LFM_HOST_DEVICE inline T absorb(T value, int axes_in_band, T factor) {
  if (axes_in_band == 0) return value;
  if (factor >= T(1)) return T(0);
  for (int a = 0; a < axes_in_band; ++a) value *= factor;
  return value;
}

}  // namespace lfm::kernels
