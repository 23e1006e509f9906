// The baseline against the exact Fourier solution of SPEC §5: every
// dimension and order, χ zero and not, γ zero and not, 200 steps.
#include <gtest/gtest.h>

#include <omp.h>

#include <numbers>

#include "lattice/error.hpp"
#include "lattice/oracle.hpp"
#include "support/backends.hpp"
#include "support/matchers.hpp"
#include "support/test_states.hpp"

namespace lfm::testing {
namespace {

constexpr std::int64_t steps = 200;

struct OracleCase {
  int dims;
  int order;
  double chi;
  double gamma;
};

std::string name_of(const ::testing::TestParamInfo<OracleCase>& info);
void PrintTo(const OracleCase& c, std::ostream* os) { *os << name_of({c, 0}); }

std::string name_of(const ::testing::TestParamInfo<OracleCase>& info) {
  const OracleCase& c = info.param;
  return std::to_string(c.dims) + "d_o" + std::to_string(c.order) + (c.chi > 0 ? "_chi" : "_nochi") +
         (c.gamma > 0 ? "_damped" : "_undamped");
}

std::vector<OracleCase> all_cases() {
  std::vector<OracleCase> cases;
  for (int dims = 1; dims <= 3; ++dims)
    for (int order : {2, 4})
      for (double chi : {0.0, 0.3})
        for (double gamma : {0.0, 0.02}) cases.push_back({dims, order, chi, gamma});
  return cases;
}

// Small grids keep 200 baseline steps fast; the oracle is exact at any size.
Grid grid_for(int dims) { return cube(dims, dims == 1 ? 64 : dims == 2 ? 20 : 10); }

class BaselineVsOracle : public ::testing::TestWithParam<OracleCase> {
 protected:
  Params params() const {
    Params p = test_params(GetParam().order, Boundary::periodic, GetParam().gamma);
    p.chi = GetParam().chi;
    return p;
  }
};

TEST_P(BaselineVsOracle, Float64WithinRoundOff) {
  const Params p = params();
  State<double> expected = random_state(grid_for(GetParam().dims), 7, false);
  State<double> actual = expected;
  exact_advance(expected, p, steps);
  make_backend("baseline")->advance(actual, p, steps);
  EXPECT_EQ(actual.step, steps);
  // SPEC §6: float64 agreement is 1e-12 of the field's largest magnitude.
  EXPECT_THAT(actual.E, FieldNear(expected.E, 1e-12));
  EXPECT_THAT(actual.E_prev, FieldNear(expected.E_prev, 1e-12));
}

TEST_P(BaselineVsOracle, Float32WithinSinglePrecisionTolerance) {
  Params p = params();
  p.precision = Precision::float32;
  State<double> expected = random_state(grid_for(GetParam().dims), 11, false);
  State<float> actual = convert_state<float>(expected);
  // The oracle starts from the same float32-rounded pair, so only the
  // update's own rounding is measured.
  expected = convert_state<double>(actual);
  exact_advance(expected, p, steps);
  make_backend("baseline")->advance(actual, p, steps);
  // SPEC §6: float32 against float64, relative 1e-4.
  EXPECT_THAT(actual.E, FieldNear(expected.E, 1e-4));
}

INSTANTIATE_TEST_SUITE_P(Spec5, BaselineVsOracle, ::testing::ValuesIn(all_cases()), name_of);

// Above the size where the oracle takes threads, with extents whose last
// batch of lines is a partial one on every axis.
TEST(Oracle, SameBitsForAnyThreadCount) {
  const Params p = test_params(4, Boundary::periodic, 0.02);
  const State<double> start = random_state(Grid({41, 38, 43}), 5, false);
  const int saved = omp_get_max_threads();
  omp_set_num_threads(1);
  State<double> one = start;
  exact_advance(one, p, 30);
  omp_set_num_threads(3);
  State<double> three = start;
  exact_advance(three, p, 30);
  omp_set_num_threads(saved);
  EXPECT_TRUE(same_bits(one.E, three.E));
  EXPECT_TRUE(same_bits(one.E_prev, three.E_prev));
}

TEST(Oracle, RefusesWhatItCannotSolve) {
  State<double> s = random_state(cube(1, 16), 1, true);
  EXPECT_THROW(exact_advance(s, test_params(2), 1), InputError);
  s.chi_field.reset();
  EXPECT_THROW(exact_advance(s, test_params(2, Boundary::reflective), 1), InputError);
}

// The oracle is only a reference if it is right, so it is checked here
// against closed forms that share none of its code (no FFT, no symbol
// function, no recurrence loop). A single lattice mode cos θ, θ = k·x,
// k_a = 2π m_a/(n_a Δx), is an eigenfunction of −∇²_h with, from the
// stencils of SPEC §2 applied to e^{ikx},
//   order 2: λ = Σ_a 4 sin²(k_aΔx/2)/Δx²
//   order 4: λ = Σ_a (16 sin²(k_aΔx/2) − sin²(k_aΔx))/(3Δx²),
// so its amplitude obeys a_{n+1} = b a_n − q a_{n−1}, b = 2 − γ − Δt²Λ,
// q = 1 − γ, Λ = c²λ + χ². Trying a_n = r^n gives r = √q e^{±iψ} with
// cos ψ = b/(2√q), and the travelling wave E_n = q^{n/2} cos(θ − nψ) is an
// exact solution. With γ = 0 this is the discrete dispersion relation of
// SPEC §5, 4 sin²(ψ/2)/Δt² = Λ, ψ = ωΔt: the undamped case takes ω from it.
double mode_lambda(const Params& p, const std::vector<double>& k) {
  double sum = 0;
  for (const double ka : k) {
    const double half = std::sin(ka * p.dx / 2), full = std::sin(ka * p.dx);
    sum += p.stencil_order == 2 ? 4 * half * half : (16 * half * half - full * full) / 3;
  }
  return sum / (p.dx * p.dx);
}

// The phase advance per step ψ of the mode.
double phase_per_step(const Params& p, double big_lambda) {
  if (p.gamma_damp == 0) return 2 * std::asin(p.dt * std::sqrt(big_lambda) / 2);  // SPEC §5, solved for ω·Δt
  const double b = 2 - p.gamma_damp - p.dt * p.dt * big_lambda;
  return std::acos(b / (2 * std::sqrt(1 - p.gamma_damp)));
}

class SingleModeClosedForm : public ::testing::TestWithParam<OracleCase> {};

TEST_P(SingleModeClosedForm, OracleFollowsTheTravellingWave) {
  const auto [dims, order, chi, gamma] = GetParam();
  const std::vector<std::size_t> all_extents{12, 10, 16};
  const std::vector<double> all_modes{1, 2, 3};
  const Grid g(std::vector<std::size_t>(all_extents.end() - dims, all_extents.end()));
  Params p = test_params(order, Boundary::periodic, gamma);
  p.chi = chi;
  std::vector<double> k;
  for (int a = 0; a < dims; ++a) {
    k.push_back(2 * std::numbers::pi * all_modes[3 - dims + a] / (static_cast<double>(g.extent(a)) * p.dx));
  }
  const double psi = phase_per_step(p, p.c2() * mode_lambda(p, k) + chi * chi);
  const double q = 1 - gamma;
  // E_n = q^{n/2} cos(θ − nψ) at step n.
  const auto wave = [&](const Grid::Index& c, double n) {
    double theta = 0;
    for (int a = 0; a < dims; ++a) theta += k[a] * static_cast<double>(c[a]) * p.dx;
    return std::pow(q, n / 2) * std::cos(theta - n * psi);
  };
  State<double> s{Field<double>(g), Field<double>(g), std::nullopt, 0};
  for (std::size_t i = 0; i < g.cells(); ++i) {
    s.E[i] = wave(g.coords(i), 0);
    s.E_prev[i] = wave(g.coords(i), -1);
  }
  exact_advance(s, p, steps);
  Field<double> expected(g), expected_prev(g);
  for (std::size_t i = 0; i < g.cells(); ++i) {
    expected[i] = wave(g.coords(i), steps);
    expected_prev[i] = wave(g.coords(i), steps - 1);
  }
  // SPEC §6's float64 agreement, 1e-12 of the largest magnitude: the
  // oracle's round-off over 200 steps is about 200·2⁻⁵³ ≈ 2e-14 of it.
  EXPECT_THAT(s.E, FieldNear(expected, 1e-12));
  EXPECT_THAT(s.E_prev, FieldNear(expected_prev, 1e-12));
}

INSTANTIATE_TEST_SUITE_P(Spec5, SingleModeClosedForm, ::testing::ValuesIn(all_cases()), name_of);

}  // namespace
}  // namespace lfm::testing
