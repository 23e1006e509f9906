// Conservation laws of the discrete update (SPEC §4): the invariant H to
// round-off with any χ field, the momentum P exactly with constant χ, and
// the energy drift of the standard wave packet below the SPEC §6 bound.
#include <gtest/gtest.h>

#include "lattice/diagnostics.hpp"
#include "lattice/workloads.hpp"
#include "support/backends.hpp"
#include "support/test_states.hpp"

namespace lfm::testing {
namespace {

class Invariants : public ::testing::TestWithParam<std::string> {};

// A smooth initial pair on a χ field: random data would also conserve H,
// but a smooth one is what a physicist runs.
State<double> smooth_state_with_chi_field(const Grid& g) {
  Problem problem = make_workload("gravity_well", g.dims(), g.extent(0), Precision::float64);
  return std::get<State<double>>(problem.state);
}

TEST_P(Invariants, HConservedToRoundOffWithChiField) {
  LFM_BACKEND_OR_SKIP(backend, GetParam());
  for (int order : {2, 4}) {
    const Grid g = cube(2, 32);
    State<double> s = smooth_state_with_chi_field(g);
    const Params p = test_params(order);
    const double h0 = invariant(s, p);
    double worst = 0;
    for (int block = 0; block < 10; ++block) {
      backend->advance(s, p, 100);
      worst = std::max(worst, std::abs(invariant(s, p) - h0) / std::abs(h0));
    }
    // About 1e-15 per step in float64 (SPEC §4): 1000 steps stay below 1e-12.
    EXPECT_LT(worst, 1e-12) << "order " << order;
  }
}

TEST_P(Invariants, HConservedInFloat32) {
  LFM_BACKEND_OR_SKIP(backend, GetParam());
  const Grid g = cube(2, 32);
  State<float> s = convert_state<float>(smooth_state_with_chi_field(g));
  Params p = test_params(2);
  p.precision = Precision::float32;
  const double h0 = invariant(s, p);
  backend->advance(s, p, 1000);
  // float32 round-off (6e-8 per operation) accumulated over 1000 steps.
  EXPECT_LT(std::abs(invariant(s, p) - h0) / std::abs(h0), 1e-5);
}

TEST_P(Invariants, DampingMakesHDecay) {
  LFM_BACKEND_OR_SKIP(backend, GetParam());
  State<double> s = smooth_state_with_chi_field(cube(2, 32));
  const Params p = test_params(2, Boundary::periodic, 0.01);
  double previous = invariant(s, p);
  for (int n = 0; n < 20; ++n) {
    backend->advance(s, p, 10);
    const double h = invariant(s, p);
    EXPECT_LT(h, previous) << "after " << (n + 1) * 10 << " steps";
    previous = h;
  }
}

TEST_P(Invariants, MomentumConservedWithConstantChi) {
  LFM_BACKEND_OR_SKIP(backend, GetParam());
  for (int dims = 1; dims <= 3; ++dims) {
    Problem problem = make_workload("wave_packet", dims, dims == 3 ? 16 : 32, Precision::float64);
    State<double>& s = std::get<State<double>>(problem.state);
    const int axis = dims - 1;  // the packet moves along the last axis
    const double p0 = momentum(s, problem.params, axis);
    backend->advance(s, problem.params, 1000);
    // Exact in exact arithmetic (docs/spec.md §4): each step's rounding
    // moves P by a few ulps of the terms it sums, κε with κ ≈ 10, ε = 2⁻⁵³,
    // at most linearly in the step count: 1000 κε ≈ 1e-12 of P. 1e-10
    // leaves a factor 100 for the cancellation between the two sides of
    // the packet in the sum.
    EXPECT_LT(std::abs(momentum(s, problem.params, axis) - p0) / std::abs(p0), 1e-10)
        << dims << "D";
  }
}

TEST_P(Invariants, WavePacketEnergyDriftBelowSpecBound) {
  LFM_BACKEND_OR_SKIP(backend, GetParam());
  Problem problem = make_workload("wave_packet", 2, 64, Precision::float64);
  const double e0 = energy(problem.state, problem.params);
  advance(*backend, problem.state, problem.params, 1000);
  // SPEC §6: below 1e-4 relative over 1000 steps, float64, γ = 0.
  EXPECT_LT(std::abs(energy(problem.state, problem.params) - e0) / e0, 1e-4);
}

INSTANTIATE_TEST_SUITE_P(AllBackends, Invariants, ::testing::ValuesIn(backend_names()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace lfm::testing
