// The host+device functions of lattice/kernels/ that the CPU loops, Thrust and
// the CUDA kernels share (periodic wrap, boundary indices, the diagnostics'
// per-cell terms), checked on the CPU against values worked out by hand.
// The inputs are small dyadic numbers, so every expected value below is
// exact in float64 and compared with ==, unless a comment says otherwise.
#include <gtest/gtest.h>

#include <cmath>
#include <cstddef>
#include <numbers>
#include <vector>

#include "lattice/kernels/boundary.hpp"
#include "lattice/kernels/diagnostics.hpp"
#include "lattice/kernels/leapfrog.hpp"
#include "lattice/kernels/periodic.hpp"

namespace lfm::kernels {
namespace {

TEST(Wrap, StepsOverBothEndsOfThePeriodicAxis) {
  // Axis of 5 cells: 0 − 1 is the last cell, 4 + 1 the first; ±2 (the
  // order-4 reach) lands two cells round.
  EXPECT_EQ(wrap(std::size_t{0}, -1, std::size_t{5}), 4u);
  EXPECT_EQ(wrap(std::size_t{0}, -2, std::size_t{5}), 3u);
  EXPECT_EQ(wrap(std::size_t{1}, -2, std::size_t{5}), 4u);
  EXPECT_EQ(wrap(std::size_t{4}, 1, std::size_t{5}), 0u);
  EXPECT_EQ(wrap(std::size_t{4}, 2, std::size_t{5}), 1u);
  EXPECT_EQ(wrap(std::size_t{3}, 2, std::size_t{5}), 0u);
  // Inside the axis nothing wraps.
  EXPECT_EQ(wrap(std::size_t{2}, -1, std::size_t{5}), 1u);
  EXPECT_EQ(wrap(std::size_t{2}, 2, std::size_t{5}), 4u);
  // A whole period either way comes back to the cell itself.
  EXPECT_EQ(wrap(std::size_t{0}, -5, std::size_t{5}), 0u);
  EXPECT_EQ(wrap(std::size_t{4}, 5, std::size_t{5}), 4u);
  // The device's int coordinates take the same values.
  EXPECT_EQ(wrap(0, -1, 5), 4);
  EXPECT_EQ(wrap(4, 1, 5), 0);
  EXPECT_EQ(wrap(0, 0, 1), 0);
}

TEST(WrapAny, ReducesCoordinatesSeveralPeriodsAway) {
  EXPECT_EQ(wrap_any(-1, 5), 4);
  EXPECT_EQ(wrap_any(-7, 5), 3);   // −7 = −2·5 + 3
  EXPECT_EQ(wrap_any(12, 5), 2);   // 12 = 2·5 + 2
  EXPECT_EQ(wrap_any(-10, 5), 0);
  EXPECT_EQ(wrap_any(-2L, 1L), 0L);  // an axis of one cell wraps ±2 onto itself
  EXPECT_EQ(wrap_any(3, 5), 3);
}

TEST(InBand, CountsTheWidthPlanesAtEachEndOnly) {
  // 10 cells, width 2: cells 0, 1 and 8, 9 are in the band.
  std::vector<int> in;
  for (std::size_t i = 0; i < 10; ++i) in.push_back(in_band(i, std::size_t{10}, std::size_t{2}));
  EXPECT_EQ(in, (std::vector<int>{1, 1, 0, 0, 0, 0, 0, 0, 1, 1}));
  // Width 1: the end planes alone.
  EXPECT_TRUE(in_band(0, 7, 1));
  EXPECT_FALSE(in_band(1, 7, 1));
  EXPECT_FALSE(in_band(5, 7, 1));
  EXPECT_TRUE(in_band(6, 7, 1));
}

TEST(Reflected, EndsTakeTheirNeighboursAndTheInteriorItself) {
  EXPECT_EQ(reflected(0, 5), 1);
  EXPECT_EQ(reflected(4, 5), 3);
  for (int i = 1; i <= 3; ++i) EXPECT_EQ(reflected(i, 5), i);
  // The smallest axis the boundary allows: both ends copy the middle.
  EXPECT_EQ(reflected(std::size_t{0}, std::size_t{3}), 1u);
  EXPECT_EQ(reflected(std::size_t{2}, std::size_t{3}), 1u);
}

// A (3, 4, 5) C-order field holding 100 z + 10 y + x, so a value names its cell.
std::vector<double> labelled() {
  std::vector<double> f(60);
  for (int z = 0; z < 3; ++z)
    for (int y = 0; y < 4; ++y)
      for (int x = 0; x < 5; ++x) f[(z * 4 + y) * 5 + x] = 100 * z + 10 * y + x;
  return f;
}

TEST(LineStart, EnumeratesTheLinesAcrossEachAxis) {
  // Axis 0 (stride 20): the lines start at the 20 cells of plane z = 0.
  EXPECT_EQ(line_start(0L, 20L, 3L), 0);
  EXPECT_EQ(line_start(19L, 20L, 3L), 19);
  // Axis 1 (stride 5, 4 cells): line 7 is z = 1, x = 2, starting at y = 0.
  EXPECT_EQ(line_start(7L, 5L, 4L), 22);
  EXPECT_EQ(line_start(4L, 5L, 4L), 4);
  // Axis 2 (stride 1): line j is row j.
  EXPECT_EQ(line_start(11L, 1L, 5L), 55);
}

TEST(ReflectLine, CopiesBothEndsOfTheLineAndNothingElse) {
  std::vector<double> f = labelled();
  // The line across y at z = 1, x = 2 starts at cell 22.
  reflect_line(f.data(), 22L, 5L, 4L);
  EXPECT_EQ(f[22], 112);  // (1, 0, 2) took (1, 1, 2)
  EXPECT_EQ(f[37], 122);  // (1, 3, 2) took (1, 2, 2)
  std::vector<double> expected = labelled();
  expected[22] = 112;
  expected[37] = 122;
  EXPECT_EQ(f, expected);
}

// Axis by axis, as SPEC §3 orders them, every line of every axis: each
// cell ends holding the label of its reflected coordinates, e.g. the corner
// (0, 0, 0) holds 111 and (2, 3, 4) holds 123, which is what the one-launch
// CUDA faces compute from reflected() directly.
TEST(ReflectLine, AllAxesGiveTheReflectedCoordinatesOfEveryCell) {
  std::vector<double> f = labelled();
  const long n[3] = {3, 4, 5}, stride[3] = {20, 5, 1};
  for (int axis = 0; axis < 3; ++axis) {
    for (long j = 0; j < 60 / n[axis]; ++j) {
      reflect_line(f.data(), line_start(j, stride[axis], n[axis]), stride[axis], n[axis]);
    }
  }
  EXPECT_EQ(f[0], 111);
  EXPECT_EQ(f[59], 123);
  EXPECT_EQ(f[(1 * 4 + 0) * 5 + 4], 113);
  for (int z = 0; z < 3; ++z)
    for (int y = 0; y < 4; ++y)
      for (int x = 0; x < 5; ++x) {
        EXPECT_EQ(f[(z * 4 + y) * 5 + x], 100 * reflected(z, 3) + 10 * reflected(y, 4) + reflected(x, 5))
            << z << " " << y << " " << x;
      }
}

TEST(SecondDifference, OfAParabolaIsItsCurvature) {
  // x² sampled at x = −2 … 2: order 2 gives 1 − 0 + 1 = 2, order 4
  // −4 + 16 − 0 + 16 − 4 = 24 = 12 · 2.
  EXPECT_EQ(second_difference_o2(1.0, 0.0, 1.0), 2.0);
  EXPECT_EQ(second_difference_o4(4.0, 1.0, 0.0, 1.0, 4.0), 24.0);
  EXPECT_EQ((second_difference<2>(99.0, 1.0, 0.0, 1.0, 99.0)), 2.0);  // order 2 ignores the ±2 values
  EXPECT_EQ((second_difference<4>(4.0, 1.0, 0.0, 1.0, 4.0)), 24.0);
}

// The recorded energies were computed with the terms added left to right as
// SPEC §2 writes them; the update's grouping of the same terms (axis_o2,
// axis_o4) rounds differently, and the grouping is part of the results, so
// it is pinned here. Order 2, E[i−1] = 1, E[i] = ½, E[i+1] = 2⁵³: (1 − 1) +
// 2⁵³ = 2⁵³, while (1 + 2⁵³) − 1 rounds 1 + 2⁵³ to 2⁵³ first (ties to even)
// and gives 2⁵³ − 1. Order 4, (0, 0, 1, 2⁵¹, 3), where float64 steps by 4
// just below 2⁵⁵: left to right −30 + 2⁵⁵ ties to 2⁵⁵ − 32, minus 3 rounds to
// 2⁵⁵ − 36; grouped, 2⁵⁵ − 3 rounds to 2⁵⁵ − 4, and − 30 ties to 2⁵⁵ − 32.
TEST(SecondDifference, AddsInTheOrderTheSpecificationWritesIt) {
  const double two53 = 9007199254740992.0, two55 = 4 * two53, two51 = two53 / 4;
  EXPECT_EQ(second_difference_o2(1.0, 0.5, two53), two53);
  EXPECT_EQ(axis_o2(1.0, 0.5, two53), two53 - 1);
  EXPECT_EQ(second_difference_o4(0.0, 0.0, 1.0, two51, 3.0), two55 - 36);
  EXPECT_EQ(axis_o4(0.0, 0.0, 1.0, two51, 3.0), two55 - 32);
}

// The fused CPU record runs the second difference on 4 lanes at once; each
// lane must be what the scalar gives.
TEST(SecondDifference, LanesComputeWhatTheScalarDoes) {
  using v4d = double __attribute__((vector_size(32)));
  const v4d m2 = {4, 0.25, -3, 1e300}, m1 = {1, 0.5, 7, -1e300}, c = {0, 0.125, 2, 3}, p1 = {1, 9, -5, 1e-300},
            p2 = {4, 1, 6, 2};
  const v4d o2 = second_difference_o2(m1, c, p1), o4 = second_difference_o4(m2, m1, c, p1, p2);
  for (int l = 0; l < 4; ++l) {
    EXPECT_EQ(o2[l], second_difference_o2(m1[l], c[l], p1[l])) << l;
    EXPECT_EQ(o4[l], second_difference_o4(m2[l], m1[l], c[l], p1[l], p2[l])) << l;
  }
}

TEST(CentralDifference, IsTheSlopeAcrossTwoCells) {
  EXPECT_EQ(central_difference(5.0, 1.0, 0.5), 4.0);  // (5 − 1) / (2 · 0.5)
  EXPECT_EQ(central_difference(1.0, 5.0, 2.0), -1.0);
}

constexpr DiagnosticCoefficients coeffs(int order) { return {0.5, 0.5, 1.5, order}; }  // Δt, Δx, c², order

// A field whose neighbours all hold `v`.
auto uniform(double v) {
  return [v](int, int) { return v; };
}

TEST(EnergyTerm, OfAConstantFieldIsTheMassTermAlone) {
  // E = E_prev = 3 everywhere, χ = ½: no time or space difference, so
  // ½ χ² E² = ½ · ¼ · 9 = 1.125 in any dimension.
  for (int dims = 1; dims <= 3; ++dims) EXPECT_EQ(energy_term(3.0, 3.0, 0.5, dims, uniform(3.0), coeffs(2)), 1.125);
  // With χ = 0 it vanishes.
  EXPECT_EQ(energy_term(3.0, 3.0, 0.0, 3, uniform(3.0), coeffs(2)), 0.0);
}

TEST(EnergyTerm, AddsTheTimeDifferenceAndEveryAxisGradient) {
  // E = 1, E_prev = 0, Δt = ½: E_t = 2, E_t² = 4. Axis 0: (5 − 1)/(2·½) = 4,
  // axis 1: (2 − 3)/1 = −1, so |∇E|² = 17 and c²|∇E|² = 25.5; χ² E² = 0.25.
  // ½ (4 + 25.5 + 0.25) = 14.875. In 1D only axis 0 counts: ½ (4 + 24 + 0.25) = 14.125.
  const auto at = [](int axis, int offset) {
    if (axis == 0) return offset > 0 ? 5.0 : 1.0;
    return offset > 0 ? 2.0 : 3.0;
  };
  EXPECT_EQ(energy_term(1.0, 0.0, 0.5, 2, at, coeffs(2)), 14.875);
  EXPECT_EQ(energy_term(1.0, 0.0, 0.5, 1, at, coeffs(2)), 14.125);
}

// One Fourier mode, E = cos(k x) at x = x0 on a 1D lattice: the central
// difference is −sin(k x0) sin(kΔx)/Δx, so the term is
//   ½ (E_t² + c² sin²(k x0) sin²(kΔx)/Δx² + χ² cos²(k x0)).
// Computed two ways in float64, the two agree to a few ulps (1e-14 relative).
TEST(EnergyTerm, OfASingleModeHasItsClosedForm) {
  const double k = 2 * std::numbers::pi / 16, x0 = 3.25, dx = 0.5, chi = 0.3, e_prev = 0.2;
  const DiagnosticCoefficients c{0.5, dx, 1.5, 2};
  const auto at = [&](int, int offset) { return std::cos(k * (x0 + offset * dx)); };
  const double e = std::cos(k * x0), e_t = (e - e_prev) / c.dt;
  const double grad = -std::sin(k * x0) * std::sin(k * dx) / dx;
  const double expected = 0.5 * (e_t * e_t + c.c2 * grad * grad + chi * chi * e * e);
  EXPECT_NEAR(energy_term(e, e_prev, chi, 1, at, c), expected, 1e-14 * expected);
}

TEST(InvariantTerm, OfAConstantOlderLevelHasNoLaplacian) {
  // E_prev = 2 everywhere, E = 3, χ = ½: ∇²E_prev = 0, A E_prev = χ² · 2 = 0.5;
  // ½ ((3 − 2)/½)² + ½ · 3 · 0.5 = 2 + 0.75 = 2.75, at either order.
  for (int order : {2, 4}) {
    for (int dims = 1; dims <= 3; ++dims) {
      EXPECT_EQ(invariant_term(3.0, 2.0, 0.5, dims, uniform(2.0), coeffs(order)), 2.75);
    }
  }
}

TEST(InvariantTerm, OfAParabolaUsesTheCurvatureAtBothOrders) {
  // E_prev = x² (in units of Δx = ½) on every axis, centred on this cell:
  // 0 here, ¼ at ±1, 1 at ±2. Both stencils give ∇² = 2 per axis exactly.
  // With E = 1, χ = ½ (times E_prev = 0): ½ (1/½)² + ½ · 1 · (−1.5 · 2 · dims)
  // = 2 − 1.5 dims.
  const auto parabola = [](int, int offset) { return 0.25 * offset * offset; };
  for (int order : {2, 4}) {
    for (int dims = 1; dims <= 3; ++dims) {
      EXPECT_EQ(invariant_term(1.0, 0.0, 0.5, dims, parabola, coeffs(order)), 2 - 1.5 * dims) << order << " " << dims;
    }
  }
}

TEST(InvariantTerm, OrderFourReadsTheSecondNeighbours) {
  // E_prev is 1 at ±2 and 0 elsewhere, E = 2, χ = 0; E_t = (2 − 0)/½ = 4.
  // Order 2 does not reach ±2: ∇² = 0 and the term is ½ · 16 = 8. Order 4:
  // ∇² = (−1 − 1)/12 / Δx² = −2/3, A E_prev = −c² · (−2/3) = 1, and the term
  // is 8 + ½ · 2 · 1 = 9 (2/12 is not dyadic: within an ulp or two).
  const auto outer = [](int, int offset) { return offset == 2 || offset == -2 ? 1.0 : 0.0; };
  EXPECT_EQ(invariant_term(2.0, 0.0, 0.0, 1, outer, coeffs(2)), 8.0);
  EXPECT_NEAR(invariant_term(2.0, 0.0, 0.0, 1, outer, coeffs(4)), 9.0, 1e-14);
}

}  // namespace
}  // namespace lfm::kernels
