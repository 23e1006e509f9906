#pragma once
// Measurements shared by the tiers' checks: the frequency of a lattice mode
// from its samples, the rate of an exponential, the discrete dispersion
// relation of SPEC §5 for any real wave number, and the sampling loop that
// steps a backend between samples.
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "lattice/backend.hpp"
#include "lattice/grid.hpp"
#include "lattice/params.hpp"
#include "lattice/state.hpp"

namespace lfm::tiers::detail {

// cos(ωΔt) of samples a_n taken every step. Leapfrog with γ = 0 makes one
// lattice mode obey a_{n+1} + a_{n−1} = 2 cos(ωΔt) a_n exactly, so the least
// squares fit Σ a_n (a_{n+1} + a_{n−1}) / (2 Σ a_n²) recovers it to round-off.
double recurrence_cosine(std::span<const double> a);
// The angular frequency that fit implies, samples `dt` apart.
double recurrence_omega(std::span<const double> a, double dt);
// Least-squares slope of ln|y| against x: the rate of y ∝ e^{rate·x}.
double log_slope(std::span<const double> x, std::span<const double> y);

// Symbol of −∂²_h along one axis for a real wave number k (SPEC §5):
// order 2: 4 sin²(kΔx/2)/Δx²; order 4: (16 sin²(kΔx/2) − sin²(kΔx))/(3Δx²).
double axis_symbol(double k, const Params& p);
// Its derivative dλ/dk.
double axis_symbol_slope(double k, const Params& p);
// ω of 4 sin²(ωΔt/2)/Δt² = c²λ + χ².
double omega_of_symbol(double lambda, double chi, const Params& p);
// The symbol λ a frequency implies: (4 sin²(ωΔt/2)/Δt² − χ²)/c².
double symbol_of_omega(double omega, double chi, const Params& p);
// The wave number along one axis, in (0, π/Δx), of a wave of frequency ω in
// a medium χ (bisection: the symbol rises monotonically on that interval).
double wavenumber_of(double omega, double chi, const Params& p);
// dω/dk along one axis: c² λ'(k) Δt / (2 sin(ωΔt)), from differentiating
// the discrete relation.
double group_velocity(double k, double chi, const Params& p);

// Physical wave vector of integer mode m: k_i = 2π m_i / (N_i Δx).
std::vector<double> wave_vector(const Grid& g, const std::vector<long>& m, double dx);
// cos(k·x) on every cell: the standing mode m, and the weights that project
// a field onto it.
std::vector<double> cosine_mode(const Grid& g, const std::vector<long>& m);

// A state at rest: E = E_prev = f(cell).
State<double> at_rest(const Grid& g, const std::function<double(const Grid::Index&)>& f);

// Σ_i w_i E_i in float64.
template <class T>
double project(const Field<T>& f, std::span<const double> w) {
  double sum = 0;
  for (std::size_t i = 0; i < w.size(); ++i) sum += w[i] * static_cast<double>(f[i]);
  return sum;
}

// Records probe(state) for the initial state and after each of `steps`
// single steps: steps + 1 samples.
std::vector<double> record_each_step(Backend& b, State<double>& s, const Params& p, std::int64_t steps,
                                     const std::function<double(const State<double>&)>& probe);

// Records probe(state) for the initial state and after every `stride`
// steps, advancing `stride` steps per call: steps / stride + 1 samples.
std::vector<double> record_every(Backend& b, State<double>& s, const Params& p, std::int64_t steps,
                                 std::int64_t stride, const std::function<double(const State<double>&)>& probe);

// The frequency of standing mode m started at rest, measured over `steps`
// steps by projecting the field onto the mode after every `stride` steps.
// A mode sampled every K steps obeys a_{n+K} + a_{n−K} = 2 cos(KωΔt) a_n,
// so the fit is exact for any K with KωΔt < π. K > 1 lets a blocked
// backend advance several steps per call, as a run does.
double measured_mode_omega(Backend& b, const Grid& g, const Params& p, const std::vector<long>& m,
                           std::int64_t steps, std::int64_t stride = 1);

}  // namespace lfm::tiers::detail
