// Conservation laws of the discrete update (SPEC §4): the invariant H to
// round-off with any χ field, the momentum P exactly with constant χ, and
// the energy drift of the standard wave packet below the SPEC §6 bound.
#include <gtest/gtest.h>

#include <algorithm>

#include "lattice/diagnostics.hpp"
#include "lattice/workloads.hpp"
#include "support/backends.hpp"
#include "support/broken_backends.hpp"
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

// A backend that does not step conserves everything, so each conservation
// test also asks that the field moved. Any change will do: the correct
// update does not bring a field back to its exact bits within 1000 steps
// (every one of its modes would have to complete a whole number of periods).
template <class T>
bool moved(const Field<T>& now, const Field<T>& start) {
  return !std::equal(now.values().begin(), now.values().end(), start.values().begin());
}

void h_conserved_to_round_off_with_chi_field(Backend& backend) {
  for (int order : {2, 4}) {
    const Grid g = cube(2, 32);
    State<double> s = smooth_state_with_chi_field(g);
    const Params p = test_params(order);
    const double h0 = invariant(s, p);
    const Field<double> start = s.E;
    double worst = 0;
    for (int block = 0; block < 10; ++block) {
      backend.advance(s, p, 100);
      worst = std::max(worst, std::abs(invariant(s, p) - h0) / std::abs(h0));
    }
    // About 1e-15 per step in float64 (SPEC §4): 1000 steps stay below 1e-12.
    EXPECT_LT(worst, 1e-12) << "order " << order;
    EXPECT_TRUE(moved(s.E, start)) << "order " << order << ": the field never moved";
  }
}

void h_conserved_in_float32(Backend& backend) {
  const Grid g = cube(2, 32);
  State<float> s = convert_state<float>(smooth_state_with_chi_field(g));
  Params p = test_params(2);
  p.precision = Precision::float32;
  const double h0 = invariant(s, p);
  const Field<float> start = s.E;
  backend.advance(s, p, 1000);
  // float32 round-off (6e-8 per operation) accumulated over 1000 steps.
  EXPECT_LT(std::abs(invariant(s, p) - h0) / std::abs(h0), 1e-5);
  EXPECT_TRUE(moved(s.E, start)) << "the field never moved";
}

void damping_makes_h_decay(Backend& backend) {
  State<double> s = smooth_state_with_chi_field(cube(2, 32));
  const Params p = test_params(2, Boundary::periodic, 0.01);
  double previous = invariant(s, p);
  for (int n = 0; n < 20; ++n) {
    backend.advance(s, p, 10);
    const double h = invariant(s, p);
    EXPECT_LT(h, previous) << "after " << (n + 1) * 10 << " steps";
    previous = h;
  }
}

void momentum_conserved_with_constant_chi(Backend& backend) {
  for (int dims = 1; dims <= 3; ++dims) {
    Problem problem = make_workload("wave_packet", dims, dims == 3 ? 16 : 32, Precision::float64);
    State<double>& s = std::get<State<double>>(problem.state);
    const int axis = dims - 1;  // the packet moves along the last axis
    const double p0 = momentum(s, problem.params, axis);
    const Field<double> start = s.E;
    backend.advance(s, problem.params, 1000);
    // Exact in exact arithmetic (docs/spec.md §4): each step's rounding
    // moves P by a few ulps of the terms it sums, κε with κ ≈ 10, ε = 2⁻⁵³,
    // at most linearly in the step count: 1000 κε ≈ 1e-12 of P. 1e-10
    // leaves a factor 100 for the cancellation between the two sides of
    // the packet in the sum.
    EXPECT_LT(std::abs(momentum(s, problem.params, axis) - p0) / std::abs(p0), 1e-10)
        << dims << "D";
    EXPECT_TRUE(moved(s.E, start)) << dims << "D: the field never moved";
  }
}

void wave_packet_energy_drift_below_spec_bound(Backend& backend) {
  Problem problem = make_workload("wave_packet", 2, 64, Precision::float64);
  const double e0 = energy(problem.state, problem.params);
  const Field<double> start = std::get<State<double>>(problem.state).E;
  advance(backend, problem.state, problem.params, 1000);
  // SPEC §6: below 1e-4 relative over 1000 steps, float64, γ = 0.
  EXPECT_LT(std::abs(energy(problem.state, problem.params) - e0) / e0, 1e-4);
  EXPECT_TRUE(moved(std::get<State<double>>(problem.state).E, start)) << "the field never moved";
}

TEST_P(Invariants, HConservedToRoundOffWithChiField) {
  LFM_BACKEND_OR_SKIP(backend, GetParam());
  h_conserved_to_round_off_with_chi_field(*backend);
}

TEST_P(Invariants, HConservedInFloat32) {
  LFM_BACKEND_OR_SKIP(backend, GetParam());
  h_conserved_in_float32(*backend);
}

TEST_P(Invariants, DampingMakesHDecay) {
  LFM_BACKEND_OR_SKIP(backend, GetParam());
  damping_makes_h_decay(*backend);
}

TEST_P(Invariants, MomentumConservedWithConstantChi) {
  LFM_BACKEND_OR_SKIP(backend, GetParam());
  momentum_conserved_with_constant_chi(*backend);
}

TEST_P(Invariants, WavePacketEnergyDriftBelowSpecBound) {
  LFM_BACKEND_OR_SKIP(backend, GetParam());
  wave_packet_energy_drift_below_spec_bound(*backend);
}

INSTANTIATE_TEST_SUITE_P(AllBackends, Invariants, ::testing::ValuesIn(backend_names()),
                         [](const auto& info) { return info.param; });

// Negative controls: each test above, run on every deliberately broken
// backend (support/broken_backends.hpp), must fail, unless its row says why
// it cannot see that bug; a blind entry is asserted too, so the table stays
// true. The failures are intercepted, not reported.
// Asks only that H fall from sample to sample, which damping makes it do on
// the broken kernels as well; the rate of the fall is what a wrong weight
// changes, and the tier check `damping` measures it (to 1e-9).
constexpr Expect monotone_only{"asks only for a monotone fall of H, not for its rate (tier check `damping`)"};

struct NegativeControl {
  std::string test;
  void (*run)(Backend&);
  std::vector<Expect> outcome;  // per broken backend, in broken_backend_names() order
};

// clang-format off
const std::vector<NegativeControl> negative_controls = {
  // test                                                                             frozen weight_off               weight_off_neighbour wrong_boundary wrong_reflection
  {"HConservedToRoundOffWithChiField",    h_conserved_to_round_off_with_chi_field,   {fails, fails,                   fails,               periodic_only, periodic_only}},
  {"HConservedInFloat32",                 h_conserved_in_float32,                    {fails, fails,                   fails,               periodic_only, periodic_only}},
  {"DampingMakesHDecay",                  damping_makes_h_decay,                     {fails, monotone_only,           monotone_only,       periodic_only, periodic_only}},
  {"MomentumConservedWithConstantChi",    momentum_conserved_with_constant_chi,      {fails, centre_weight_is_a_mass, fails,               periodic_only, periodic_only}},
  {"WavePacketEnergyDriftBelowSpecBound", wave_packet_energy_drift_below_spec_bound, {fails, fails,                   fails,               periodic_only, periodic_only}},
};
// clang-format on

struct ControlCase {
  const NegativeControl* control;
  std::string backend;
  Expect expect;
  friend void PrintTo(const ControlCase& c, std::ostream* os) { *os << c.control->test << " on " << c.backend; }
};

std::vector<ControlCase> control_cases() {
  std::vector<ControlCase> cases;
  const std::vector<std::string> backends = broken_backend_names();
  for (const NegativeControl& c : negative_controls) {
    for (std::size_t j = 0; j < backends.size() && j < c.outcome.size(); ++j) {
      cases.push_back({&c, backends[j], c.outcome[j]});
    }
  }
  return cases;
}

class InvariantsOnBrokenBackends : public ::testing::TestWithParam<ControlCase> {
 protected:
  static void SetUpTestSuite() { register_broken_backends(); }
};

TEST(InvariantsNegativeControls, EveryTestHasARow) {
  std::vector<std::string> tests, rows;
  for (const auto& c : negative_controls) {
    rows.push_back(c.test);
    EXPECT_EQ(c.outcome.size(), broken_backend_names().size()) << c.test;
  }
  const ::testing::UnitTest& unit = *::testing::UnitTest::GetInstance();
  for (int i = 0; i < unit.total_test_suite_count(); ++i) {
    const ::testing::TestSuite& suite = *unit.GetTestSuite(i);
    if (std::string(suite.name()) != "AllBackends/Invariants") continue;
    for (int j = 0; j < suite.total_test_count(); ++j) {
      std::string name = suite.GetTestInfo(j)->name();
      name = name.substr(0, name.find('/'));
      if (std::find(tests.begin(), tests.end(), name) == tests.end()) tests.push_back(name);
    }
  }
  EXPECT_EQ(rows, tests) << "every Invariants test needs a negative-control row, in the same order";
}

TEST_P(InvariantsOnBrokenBackends, FailsOrIsBlindForTheStatedReason) {
  const ControlCase& c = GetParam();
  auto backend = make_backend(c.backend);
  const std::vector<std::string> failures = failures_of([&] { c.control->run(*backend); });
  if (c.expect.blind_because == nullptr) {
    EXPECT_FALSE(failures.empty()) << c.control->test << " passed on " << c.backend;
  } else {
    std::string all;
    for (const auto& f : failures) all += f + "\n";
    EXPECT_TRUE(failures.empty()) << c.control->test << " now sees " << c.backend
                                  << "; the table said it could not, because " << c.expect.blind_because
                                  << ". Change its entry to `fails`. Its failures:\n"
                                  << all;
  }
}

INSTANTIATE_TEST_SUITE_P(Table, InvariantsOnBrokenBackends, ::testing::ValuesIn(control_cases()),
                         [](const auto& info) { return info.param.control->test + "_" + info.param.backend; });

}  // namespace
}  // namespace lfm::testing
