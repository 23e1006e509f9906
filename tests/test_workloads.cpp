// The standard workloads: every one builds in every dimension, is stable by
// validate(), stays finite, and the two closed-form waves follow their
// exact lattice solution.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <omp.h>

#include <numbers>

#include "lattice/backend.hpp"
#include "lattice/diagnostics.hpp"
#include "lattice/error.hpp"
#include "lattice/oracle.hpp"
#include "lattice/workloads.hpp"
#include "support/matchers.hpp"

namespace lfm::testing {
namespace {

using ::testing::HasSubstr;

class EveryWorkload : public ::testing::TestWithParam<std::string> {};

TEST_P(EveryWorkload, BuildsValidAndStableInEveryDimension) {
  for (int dims = 1; dims <= 3; ++dims) {
    for (Precision prec : {Precision::float64, Precision::float32}) {
      Problem problem = make_workload(GetParam(), dims, 16, prec);
      const Grid& g = std::visit([](const auto& s) -> const Grid& { return s.grid(); }, problem.state);
      EXPECT_EQ(g.dims(), dims);
      EXPECT_EQ(g.cells(), static_cast<std::size_t>(std::pow(16, dims)));
      EXPECT_EQ(problem.params.precision, prec);
      EXPECT_EQ(problem.state.index(), prec == Precision::float64 ? 0u : 1u);
      for (int order : {2, 4}) {
        problem.params.stencil_order = order;
        EXPECT_NO_THROW(validate(problem.params, g, chi_max(problem.state, problem.params), false));
      }
      advance(*make_backend("baseline"), problem.state, problem.params, 20);
      EXPECT_TRUE(all_finite(problem.state));
      EXPECT_GT(max_abs(problem.state), 0.0);
    }
  }
}

// 41³ cells: above the size where the builders take threads, and an odd
// extent, so that every axis's last batch of lines is a partial one.
TEST_P(EveryWorkload, SameBitsForAnyThreadCount) {
  const int saved = omp_get_max_threads();
  omp_set_num_threads(1);
  const Problem one = make_workload(GetParam(), 3, 41, Precision::float64);
  omp_set_num_threads(3);
  const Problem three = make_workload(GetParam(), 3, 41, Precision::float64);
  omp_set_num_threads(saved);
  const auto& a = std::get<State<double>>(one.state);
  const auto& b = std::get<State<double>>(three.state);
  EXPECT_TRUE(same_bits(a.E, b.E));
  EXPECT_TRUE(same_bits(a.E_prev, b.E_prev));
  EXPECT_EQ(a.chi_field.has_value(), b.chi_field.has_value());
  if (a.chi_field && b.chi_field) EXPECT_TRUE(same_bits(*a.chi_field, *b.chi_field));
}

INSTANTIATE_TEST_SUITE_P(Standard, EveryWorkload, ::testing::ValuesIn(workload_names()),
                         [](const auto& info) { return info.param; });

// cos(k·x − ωt) with the discrete ω is an exact solution of the lattice
// update: after 300 steps the field is still the closed form.
TEST(Workloads, PlaneWaveFollowsItsClosedForm) {
  Problem problem = make_workload("plane_wave", 2, 32, Precision::float64);
  State<double>& s = std::get<State<double>>(problem.state);
  const Grid g = s.grid();
  const double omega = discrete_omega(problem.params, g, {2, 2});
  make_backend("baseline")->advance(s, problem.params, 300);
  Field<double> expected(g);
  for (std::size_t i = 0; i < g.cells(); ++i) {
    const Grid::Index c = g.coords(i);
    const double phase = 2 * std::numbers::pi * 2 * static_cast<double>(c[0] + c[1]) / 32;
    expected[i] = std::cos(phase - omega * 300 * problem.params.dt);
  }
  // The mode is exact in exact arithmetic (docs/spec.md §5), so only
  // rounding separates the two. Each step rounds the coefficient 2cos(ωΔt)
  // the stencil sums to by a few ulps, κε with κ ≈ 10 and ε = 2⁻⁵³; a
  // coefficient error δc shifts the phase by δc/(2 sin ωΔt) per step, and
  // leapfrog neither damps nor amplifies it, so after n steps the field is
  // off by at most n κε/(2 sin ωΔt) of its amplitude 1: with |k| = π√2/8,
  // χ = 0.1, Δt = 0.25 (ωΔt ≈ 0.14) and n = 300, about 1e-12. 1e-10
  // leaves a factor 100 for ω's own rounding and the constant in κ.
  EXPECT_THAT(s.E, FieldNear(expected, 1e-10));
}

TEST(Workloads, GravityWellHasAChiField) {
  Problem problem = make_workload("gravity_well", 2, 32, Precision::float64);
  const State<double>& s = std::get<State<double>>(problem.state);
  ASSERT_TRUE(s.chi_field.has_value());
  // Deepest at the centre, rising outwards.
  const Grid& g = s.grid();
  EXPECT_LT((*s.chi_field)[g.flat({16, 16, 0})], (*s.chi_field)[g.flat({0, 0, 0})]);
}

TEST(Workloads, UnknownNameSuggestsTheNearest) {
  try {
    make_workload("wave_pakcet", 3, 16, Precision::float64);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr("wave_packet"));
  }
}

TEST(Workloads, RefusesBadDimensionAndSize) {
  EXPECT_THROW(make_workload("wave_packet", 4, 16, Precision::float64), InputError);
  EXPECT_THROW(make_workload("wave_packet", 0, 16, Precision::float64), InputError);
  EXPECT_THROW(make_workload("wave_packet", 2, 4, Precision::float64), InputError);
}

}  // namespace
}  // namespace lfm::testing
