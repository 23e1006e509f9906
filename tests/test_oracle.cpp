// The baseline against the exact Fourier solution of SPEC §5: every
// dimension and order, χ zero and not, γ zero and not, 200 steps.
#include <gtest/gtest.h>

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

TEST(Oracle, RefusesWhatItCannotSolve) {
  State<double> s = random_state(cube(1, 16), 1, true);
  EXPECT_THROW(exact_advance(s, test_params(2), 1), InputError);
  s.chi_field.reset();
  EXPECT_THROW(exact_advance(s, test_params(2, Boundary::reflective), 1), InputError);
}

// The oracle is only a reference if it is right: a single mode must follow
// its own two-term recurrence, which we run here by hand.
TEST(Oracle, SingleModeFollowsItsRecurrence) {
  const Grid g = cube(1, 32);
  Params p = test_params(4, Boundary::periodic, 0.01);
  const double lambda = laplacian_symbol(p, g, {3});
  State<double> s{Field<double>(g), Field<double>(g), std::nullopt, 0};
  for (std::size_t i = 0; i < g.cells(); ++i) {
    s.E[i] = std::cos(2 * std::numbers::pi * 3 * static_cast<double>(i) / 32);
    s.E_prev[i] = 0.5 * s.E[i];
  }
  const double growth = 2 - p.gamma_damp - p.dt * p.dt * (p.c2() * lambda + p.chi * p.chi);
  double now = 1, old = 0.5;
  for (int n = 0; n < 50; ++n) {
    const double next = growth * now - (1 - p.gamma_damp) * old;
    old = now;
    now = next;
  }
  exact_advance(s, p, 50);
  for (std::size_t i = 0; i < g.cells(); ++i) {
    ASSERT_NEAR(s.E[i], now * std::cos(2 * std::numbers::pi * 3 * static_cast<double>(i) / 32), 1e-13);
  }
}

}  // namespace
}  // namespace lfm::testing
