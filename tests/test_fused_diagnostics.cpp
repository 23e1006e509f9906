// The fused diagnostics pass against the reference definitions: energy()
// and invariant() to the round-off of reordered float64 sums, the health
// check exactly as first_bad_cell(), and the same bits for any thread count.
#include <gtest/gtest.h>
#include <omp.h>

#include <cfloat>
#include <cmath>
#include <limits>

#include "lattice/blowup.hpp"
#include "lattice/diagnostics.hpp"
#include "lattice/fused_diagnostics.hpp"
#include "lattice/workloads.hpp"
#include "support/test_states.hpp"

namespace lfm::testing {
namespace {

constexpr double inf = std::numeric_limits<double>::infinity();

// Spacings and c² away from 1, so that a constant factor left out or
// applied twice cannot go unseen.
Params odd_params(int order) {
  Params p = test_params(order);
  p.dt = 0.13;
  p.dx = 0.7;
  p.alpha = 1.9;
  p.beta = 1.3;
  return p;
}

// Shapes whose rows are not a multiple of the vector width, and ones with
// several slabs and threads (≥ 32768 cells): a 3D lattice, and a line cut
// into slabs of 8192 cells, the last one short.
std::vector<Grid> grids() {
  return {Grid({29}), Grid({9, 13}), Grid({5, 7, 11}), Grid({6, 9, 10}), Grid({33, 35, 37}), Grid({4 * 8192 + 37})};
}

// Both versions form each cell's term with at most k = 64 roundings (the
// order-4 3D stencil has the most: 5 taps × 3 axes, scaled and combined),
// each off by at most ε relative to m_i, the sum of the magnitudes the term
// is built from; and each adds up its N terms in one chain of at most N
// additions, which is off by at most (N − 1) ε Σ m_i (recursive summation,
// first order). So |fused − reference| ≤ (2N + 64) ε M with M = Σ m_i.
double reordering_tolerance(std::size_t cells, double magnitude) {
  return (2.0 * static_cast<double>(cells) + 64) * DBL_EPSILON * magnitude;
}

// M for the invariant: Δx^d [½ Σ E_t² + ½ Σ |E| (c² Σ_k |w_k| |E_prev,k| + χ² |E_prev|)].
// Σ_k |w_k| is λ_max of −∇²_h (SPEC §4) and Σ |E| |E_prev,k| ≤ ‖E‖ ‖E_prev‖
// (Cauchy–Schwarz, a shift keeps the norm), which bounds the second sum.
template <class T>
double invariant_magnitude(const State<T>& s, const Params& p) {
  double kinetic = 0, ee = 0, pp = 0, chi2_max = 0;
  for (std::size_t i = 0; i < s.E.size(); ++i) {
    const double e = s.E[i], older = s.E_prev[i], chi = s.chi_at(i, p);
    kinetic += (e - older) * (e - older) / (p.dt * p.dt);
    ee += e * e;
    pp += older * older;
    chi2_max = std::max(chi2_max, chi * chi);
  }
  const int d = s.grid().dims();
  const double lambda = laplacian_max_eigenvalue(p, d);
  return std::pow(p.dx, d) * (0.5 * kinetic + 0.5 * std::sqrt(ee * pp) * (p.c2() * lambda + chi2_max));
}

template <class T>
void expect_agrees_with_reference(const State<T>& s, const Params& p, const std::string& what) {
  const FusedDiagnostics f = fused_diagnostics(s, p, inf);
  const double e = energy(s, p), h = invariant(s, p);
  // Every energy term is ≥ 0, so M is the energy itself.
  EXPECT_NEAR(f.energy, e, reordering_tolerance(s.E.size(), std::abs(e))) << what;
  EXPECT_NEAR(f.invariant, h, reordering_tolerance(s.E.size(), invariant_magnitude(s, p))) << what;
  EXPECT_FALSE(f.health.first_bad.has_value()) << what;
  EXPECT_EQ(f.health.non_finite, 0) << what;
  EXPECT_EQ(f.health.max_abs, max_abs(s.E)) << what;
}

TEST(FusedDiagnostics, AgreesWithTheReferenceDefinitions) {
  std::uint64_t seed = 1;
  for (const Grid& g : grids()) {
    for (int order : {2, 4}) {
      for (bool chi_field : {false, true}) {
        const Params p = odd_params(order);
        const State<double> s = random_state(g, seed++, chi_field);
        const std::string what = g.shape_string() + " order " + std::to_string(order) +
                                 (chi_field ? " chi field" : " scalar chi");
        expect_agrees_with_reference(s, p, what + " float64");
        Params p32 = p;
        p32.precision = Precision::float32;
        expect_agrees_with_reference(convert_state<float>(s), p32, what + " float32");
      }
    }
  }
}

// Random fields make the invariant's sum cancel; a smooth workload is
// where the sums are large and of one sign.
TEST(FusedDiagnostics, AgreesOnTheStandardWorkloads) {
  for (const char* name : {"wave_packet", "gravity_well"}) {
    for (int dims : {1, 2, 3}) {
      Problem problem = make_workload(name, dims, dims == 3 ? 24 : 64, Precision::float64);
      const auto& s = std::get<State<double>>(problem.state);
      expect_agrees_with_reference(s, problem.params, std::string(name) + " " + std::to_string(dims) + "d");
    }
  }
}

template <class T>
void expect_same_health(const State<T>& s, double limit, const std::string& what) {
  const Health h = fused_diagnostics(s, odd_params(2), limit).health;
  const auto expected = first_bad_cell(AnyState(s), limit);
  ASSERT_EQ(h.first_bad.has_value(), expected.has_value()) << what;
  std::int64_t non_finite = 0;
  for (const T v : s.E.values()) non_finite += std::isfinite(v) ? 0 : 1;
  EXPECT_EQ(h.non_finite, non_finite) << what;
  const double m = max_abs(s.E);
  if (std::isnan(m)) {
    EXPECT_TRUE(std::isnan(h.max_abs)) << what;
  } else {
    EXPECT_EQ(h.max_abs, m) << what;
  }
  if (!expected) return;
  EXPECT_EQ(h.first_bad->index, expected->index) << what;
  EXPECT_EQ(h.first_bad->coords, expected->coords) << what;
  if (std::isnan(expected->value)) {
    EXPECT_TRUE(std::isnan(h.first_bad->value)) << what;
  } else {
    EXPECT_EQ(h.first_bad->value, expected->value) << what;
  }
}

TEST(FusedDiagnostics, HealthIsExactlyTheFirstBadCell) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (const Grid& g : grids()) {
    const std::size_t n = g.cells();
    // Row ends, the interior, a later slab, the very last cell.
    for (const std::size_t at : {std::size_t{0}, std::size_t{1}, n / 3, n / 2 + 5, n - 2, n - 1}) {
      // 10 is the limit itself: not above it, so not a bad cell.
      for (const double bad : {nan, inf, -inf, 50.0, -50.0, 10.0, -10.0}) {
        State<double> s = random_state(g, 7, false);
        s.E[at] = bad;
        s.E[n - 1 - at / 2] = nan;  // a second bad cell, later or the same
        const std::string what = g.shape_string() + " at " + std::to_string(at) + " value " + std::to_string(bad);
        expect_same_health(s, 10.0, what + " limit 10");
        expect_same_health(s, inf, what + " NaN/Inf only");
        expect_same_health(convert_state<float>(s), 10.0, what + " float32");
      }
    }
    const State<double> healthy = random_state(g, 8, false);
    expect_same_health(healthy, 10.0, g.shape_string() + " healthy");
    expect_same_health(healthy, 0.5, g.shape_string() + " limit below max|E|");
  }
}

TEST(FusedDiagnostics, SameBitsForAnyThreadCount) {
  for (const Grid& g : {Grid({33, 35, 37}), Grid({4 * 8192 + 37})}) {
    const State<double> s = random_state(g, 3, true);
    const int saved = omp_get_max_threads();
    omp_set_num_threads(1);
    const FusedDiagnostics one = fused_diagnostics(s, odd_params(4), inf);
    for (int threads : {2, 3, 7}) {
      omp_set_num_threads(threads);
      const FusedDiagnostics many = fused_diagnostics(s, odd_params(4), inf);
      EXPECT_EQ(many.energy, one.energy) << g.shape_string() << ", " << threads << " threads";
      EXPECT_EQ(many.invariant, one.invariant) << g.shape_string() << ", " << threads << " threads";
    }
    omp_set_num_threads(saved);
  }
}

}  // namespace
}  // namespace lfm::testing
