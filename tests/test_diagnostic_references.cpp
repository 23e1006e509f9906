// energy(), invariant() and momentum() against values worked out by hand for
// states whose sums have a closed form, so that the diagnostics are checked
// against something other than themselves or another backend.
//
// The single-mode state. On a periodic grid of N cells put
//   E = A cos θ,  E_prev = A cos(θ + φ),  θ = k·x,  k_a = 2π m_a / (n_a Δx),
// a wave cos(k·x − ωt) at t = 0 and t = −Δt with φ = ωΔt. φ is left free on
// purpose (the formulas below hold for any φ), so that no two terms of a
// sum are equal by coincidence and each one is checked on its own. With
// 0 < 2 m_a < n_a on the last axis, Σ cos(2θ + c) = 0 over the grid, hence
//   Σ cos²(θ + a) = Σ sin²(θ + a) = N/2,  Σ cos(θ + a) cos(θ + b) = (N/2) cos(a − b),
//   Σ sin(θ + a) sin(θ + b) = (N/2) cos(a − b).
// The cosine is an eigenfunction of every difference operator used here:
//   central difference along a:  D cos θ = −sin θ · sin(k_a Δx)/Δx
//   −∇²_h cos θ = λ_k cos θ, where, from the stencils of SPEC §2 applied to
//   e^{ik x} (cos kΔx = 1 − 2 sin²(kΔx/2), cos 2kΔx = 1 − 2 sin² kΔx):
//     order 2: λ_k = Σ_a 4 sin²(k_a Δx/2) / Δx²
//     order 4: λ_k = Σ_a (16 sin²(k_a Δx/2) − sin²(k_a Δx)) / (3 Δx²).
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "lattice/diagnostics.hpp"
#include "support/test_states.hpp"

namespace lfm::testing {
namespace {

// A sum of N ≤ 2000 terms of one sign per term type, each within a few ulps
// of its exact value: round-off stays below N·2⁻⁵³ ≈ 2e-13 relative; 1e-12
// leaves a factor 5 of margin.
constexpr double rel_tol = 1e-12;

constexpr double amplitude = 0.7;
constexpr double phase = 0.3;  // φ = ωΔt, any value: see the top of the file

// Unusual but stable numbers, so that a missing Δx^d, c² or 1/Δt shows.
Params mode_params(int order) {
  Params p = test_params(order);
  p.dx = 0.5;
  p.dt = 0.1;
  p.alpha = 2.0;
  p.beta = 0.8;  // c² = 2.5
  p.chi = 0.4;
  return p;
}

// Grid (12, 10, 16) cut to `dims` axes; m = (1, 2, 3) likewise: 2m_a < n_a.
Grid mode_grid(int dims) {
  const std::vector<std::size_t> all{12, 10, 16};
  return Grid(std::vector<std::size_t>(all.end() - dims, all.end()));
}
std::vector<double> mode_numbers(int dims) {
  const std::vector<double> all{1, 2, 3};
  return {all.end() - dims, all.end()};
}

std::vector<double> wave_vector(const Grid& g, const Params& p) {
  std::vector<double> k;
  const auto m = mode_numbers(g.dims());
  for (int a = 0; a < g.dims(); ++a) k.push_back(2 * std::numbers::pi * m[a] / (static_cast<double>(g.extent(a)) * p.dx));
  return k;
}

State<double> single_mode(const Grid& g, const Params& p) {
  const auto k = wave_vector(g, p);
  State<double> s{Field<double>(g), Field<double>(g), std::nullopt, 0};
  for (std::size_t i = 0; i < g.cells(); ++i) {
    const Grid::Index c = g.coords(i);
    double theta = 0;
    for (int a = 0; a < g.dims(); ++a) theta += k[a] * static_cast<double>(c[a]) * p.dx;
    s.E[i] = amplitude * std::cos(theta);
    s.E_prev[i] = amplitude * std::cos(theta + phase);
  }
  return s;
}

double lambda_k(const Grid& g, const Params& p) {
  double sum = 0;
  for (const double k : wave_vector(g, p)) {
    const double s1 = std::sin(k * p.dx / 2), s2 = std::sin(k * p.dx);
    sum += p.stencil_order == 2 ? 4 * s1 * s1 : (16 * s1 * s1 - s2 * s2) / 3;
  }
  return sum / (p.dx * p.dx);
}

double volume(const Grid& g, const Params& p) { return std::pow(p.dx, g.dims()) * static_cast<double>(g.cells()); }

class SingleMode : public ::testing::TestWithParam<int> {};

// energy = Δx^d Σ ½ (E_t² + c²|∇E|² + χ²E²), term by term:
//   E_t = A (cos θ − cos(θ+φ))/Δt = 2A sin(φ/2) sin(θ + φ/2)/Δt
//     → Σ E_t² = 4A² sin²(φ/2)/Δt² · N/2
//   ∂_a E = −A sin θ sin(k_aΔx)/Δx → Σ |∇E|² = A² Σ_a sin²(k_aΔx)/Δx² · N/2
//   Σ E² = A² N/2
// so energy = Δx^d N A²/4 · (4 sin²(φ/2)/Δt² + c² Σ_a sin²(k_aΔx)/Δx² + χ²).
TEST_P(SingleMode, EnergyHasItsClosedForm) {
  const Grid g = mode_grid(GetParam());
  const Params p = mode_params(2);
  double grad = 0;
  for (const double k : wave_vector(g, p)) grad += std::pow(std::sin(k * p.dx) / p.dx, 2);
  const double time = 4 * std::pow(std::sin(phase / 2) / p.dt, 2);
  const double expected = volume(g, p) * amplitude * amplitude / 4 * (time + p.c2() * grad + p.chi * p.chi);
  EXPECT_NEAR(energy(single_mode(g, p), p), expected, rel_tol * expected);
}

// H = Δx^d Σ [½ ((E⁺ − E)/Δt)² + ½ E⁺ (A E)], E⁺ = s.E, E = s.E_prev, and
// A cos(θ+φ) = (c²λ_k + χ²) cos(θ+φ), Σ cos θ cos(θ+φ) = (N/2) cos φ:
//   H = Δx^d N A²/4 · (4 sin²(φ/2)/Δt² + (c²λ_k + χ²) cos φ), both orders.
TEST_P(SingleMode, InvariantHasItsClosedForm) {
  const Grid g = mode_grid(GetParam());
  for (const int order : {2, 4}) {
    const Params p = mode_params(order);
    const double time = 4 * std::pow(std::sin(phase / 2) / p.dt, 2);
    const double potential = (p.c2() * lambda_k(g, p) + p.chi * p.chi) * std::cos(phase);
    const double expected = volume(g, p) * amplitude * amplitude / 4 * (time + potential);
    EXPECT_NEAR(invariant(single_mode(g, p), p), expected, rel_tol * expected) << "order " << order;
  }
}

// P = Δx^d Σ ((E⁺ − E)/Δt) · D_a E with D_a E = −A sin(θ+φ) sin(k_aΔx)/Δx:
//   Σ 2A sin(φ/2) sin(θ+φ/2) · (−A sin(θ+φ)) = −2A² sin(φ/2) (N/2) cos(φ/2)
//   P_a = −Δx^d N A²/2 · sin φ · sin(k_aΔx)/(Δx Δt), along every axis a.
// (D E_prev and D E give the same P, since Σ u·D u = 0 for the antisymmetric
// D: which level D reads is not something any test of P can see.)
TEST_P(SingleMode, MomentumHasItsClosedForm) {
  const Grid g = mode_grid(GetParam());
  const Params p = mode_params(2);
  const auto k = wave_vector(g, p);
  const State<double> s = single_mode(g, p);
  for (int a = 0; a < g.dims(); ++a) {
    const double expected =
        -volume(g, p) * amplitude * amplitude / 2 * std::sin(phase) * std::sin(k[a] * p.dx) / (p.dx * p.dt);
    EXPECT_NEAR(momentum(s, p, a), expected, rel_tol * std::abs(expected)) << "axis " << a;
  }
}

INSTANTIATE_TEST_SUITE_P(Dims, SingleMode, ::testing::Values(1, 2, 3),
                         [](const auto& info) { return std::to_string(info.param) + "d"; });

// Constant fields E = C1, E_prev = C0: every difference in space vanishes,
// so only E_t = (C1 − C0)/Δt and the χ² term remain. χ is a field taking
// the values a and b on alternate cells of the last axis (an even extent),
// so Σ χ² = N (a² + b²)/2:
//   energy = Δx^d [ N ½ (C1 − C0)²/Δt² + ½ C1² N (a² + b²)/2 ]
//   H      = Δx^d [ N ½ (C1 − C0)²/Δt² + ½ C1 C0 N (a² + b²)/2 ]
//   P      = 0.
// The values are exact in float32 as well, and the diagnostics sum in
// float64 whatever the field type, so both precisions meet the same bound.
template <class T>
void expect_constant_field_closed_forms() {
  const Grid g({6, 4, 8});
  Params p = mode_params(4);
  constexpr double c1 = 0.75, c0 = 0.5, a = 0.25, b = 0.5;
  State<T> s{Field<T>(g, static_cast<T>(c1)), Field<T>(g, static_cast<T>(c0)), Field<T>(g), 0};
  for (std::size_t i = 0; i < g.cells(); ++i) (*s.chi_field)[i] = static_cast<T>(i % 2 ? b : a);
  const double n = static_cast<double>(g.cells()), dv = std::pow(p.dx, 3);
  const double kinetic = n * 0.5 * std::pow((c1 - c0) / p.dt, 2);
  const double chi2_sum = n * (a * a + b * b) / 2;
  const double e = dv * (kinetic + 0.5 * c1 * c1 * chi2_sum);
  const double h = dv * (kinetic + 0.5 * c1 * c0 * chi2_sum);
  EXPECT_NEAR(energy(s, p), e, rel_tol * e);
  EXPECT_NEAR(invariant(s, p), h, rel_tol * h);
  for (int axis = 0; axis < 3; ++axis) EXPECT_EQ(momentum(s, p, axis), 0.0) << "axis " << axis;
}

TEST(ConstantField, Float64OnlyTimeAndChiTermsRemain) { expect_constant_field_closed_forms<double>(); }
TEST(ConstantField, Float32OnlyTimeAndChiTermsRemain) { expect_constant_field_closed_forms<float>(); }

}  // namespace
}  // namespace lfm::testing
