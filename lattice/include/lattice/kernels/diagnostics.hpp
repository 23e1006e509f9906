#pragma once
// The per-cell terms of SPEC §4's energy and invariant H, in float64
// whatever the run's precision, shared by the host diagnostics
// (core/diagnostics.cpp) and the on-device ones (cuda/diagnostics.cu): both
// sum the same terms and differ only in the order of the sums. The fused
// CPU record (cpu/fused_diagnostics.cpp) regroups the same sums with every
// constant factor taken out of the loop, and shares the second difference.
#include "lattice/kernels/host_device.hpp"
#include "lattice/params.hpp"

namespace lfm::kernels {

// What the terms need besides the field values.
struct DiagnosticCoefficients {
  double dt;
  double dx;
  double c2;  // α/β
  int order;  // 2 or 4
};

inline DiagnosticCoefficients diagnostic_coefficients(const Params& p) {
  return {p.dt, p.dx, p.c2(), p.stencil_order};
}

// The second difference along one axis, unscaled, added in the order SPEC
// §2 writes it. The update (kernels::axis_o2, axis_o4) groups the same terms
// differently; each grouping is what its recorded results were computed
// with, so neither may take the other's. V may be a vector of lanes: the
// fused record reads 4 cells at once.
template <class V>
LFM_HOST_DEVICE inline V second_difference_o2(V minus1, V centre, V plus1) {
  return minus1 - 2 * centre + plus1;
}

// −E[i−2] + 16E[i−1] − 30E[i] + 16E[i+1] − E[i+2] (12Δx² times the SPEC term).
template <class V>
LFM_HOST_DEVICE inline V second_difference_o4(V minus2, V minus1, V centre, V plus1, V plus2) {
  return -minus2 + 16 * minus1 - 30 * centre + 16 * plus1 - plus2;
}

// Either of the two, the order known at compile time (order 2 ignores the ±2 values).
template <int Order, class V>
LFM_HOST_DEVICE inline V second_difference(V minus2, V minus1, V centre, V plus1, V plus2) {
  if constexpr (Order == 2) {
    return second_difference_o2(minus1, centre, plus1);
  } else {
    return second_difference_o4(minus2, minus1, centre, plus1, plus2);
  }
}

// ∂E = (E[i+1] − E[i−1]) / (2Δx).
LFM_HOST_DEVICE inline double central_difference(double plus1, double minus1, double dx) {
  return (plus1 - minus1) / (2 * dx);
}

// ½ (E_t² + c² |∇E|² + χ² E²) at one cell, E_t = (E − E_prev)/Δt: the
// energy integrand (energy = Δx^d Σ of it). e_at(axis, offset) is E, as
// float64, at this cell moved by offset = ±1 along axis 0 … dims − 1
// (slowest first), wrapped periodically; axes are summed in that order.
template <class At>
LFM_HOST_DEVICE inline double energy_term(double e, double e_prev, double chi, int dims, const At& e_at,
                                          const DiagnosticCoefficients& k) {
  const double e_t = (e - e_prev) / k.dt;
  double grad2 = 0;
  for (int axis = 0; axis < dims; ++axis) {
    const double d = central_difference(e_at(axis, 1), e_at(axis, -1), k.dx);
    grad2 += d * d;
  }
  return 0.5 * (e_t * e_t + k.c2 * grad2 + chi * chi * e * e);
}

// ½ ((E − E_prev)/Δt)² + ½ E (A E_prev), A = −c² ∇²_h + χ²: the integrand
// of H with E the newer level. prev_at(axis, offset) is E_prev as e_at
// above, read at ±1 (order 2) or ±1 and ±2 (order 4).
template <class At>
LFM_HOST_DEVICE inline double invariant_term(double e, double older, double chi, int dims, const At& prev_at,
                                             const DiagnosticCoefficients& k) {
  double lap = 0;
  for (int axis = 0; axis < dims; ++axis) {
    if (k.order == 2) {
      lap += second_difference_o2(prev_at(axis, -1), older, prev_at(axis, 1));
    } else {
      lap += second_difference_o4(prev_at(axis, -2), prev_at(axis, -1), older, prev_at(axis, 1), prev_at(axis, 2)) /
             12;
    }
  }
  lap /= k.dx * k.dx;
  const double a_older = -k.c2 * lap + chi * chi * older;
  const double e_t = (e - older) / k.dt;
  return 0.5 * e_t * e_t + 0.5 * e * a_older;
}

}  // namespace lfm::kernels
