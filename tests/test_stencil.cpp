// The discrete Laplacian converges as Δx² (order 2) and Δx⁴ (order 4) in
// every dimension, and a standing mode oscillates at the frequency of the
// discrete dispersion relation. Both are measured through a backend's step,
// so they hold for every backend, not just for a helper function.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "lattice/oracle.hpp"
#include "lattice/workloads.hpp"
#include "support/backends.hpp"
#include "support/test_states.hpp"

namespace lfm::testing {
namespace {

// f = Π_i exp(sin x_i) on [0, 2π)^d is smooth, periodic and has every
// Fourier mode, so each truncation order shows; ∇²f = Σ_i (cos²x_i − sin x_i) f.
double f(const std::array<double, 3>& x, int dims) {
  double v = 1;
  for (int a = 0; a < dims; ++a) v *= std::exp(std::sin(x[a]));
  return v;
}
double laplacian_f(const std::array<double, 3>& x, int dims) {
  double sum = 0;
  for (int a = 0; a < dims; ++a) sum += std::cos(x[a]) * std::cos(x[a]) - std::sin(x[a]);
  return sum * f(x, dims);
}

// Max-norm error of ∇²_h f read off one step: with E = E_prev = f, χ = 0,
// γ = 0 and dt = 1 the update gives E_next = f + c²∇²_h f exactly.
double laplacian_error(Backend& backend, int dims, std::size_t n, int order) {
  const Grid g = cube(dims, n);
  Params p = test_params(order);
  p.dx = 2 * std::numbers::pi / static_cast<double>(n);
  p.dt = 1;
  p.chi = 0;
  State<double> s{Field<double>(g), Field<double>(g), std::nullopt, 0};
  Field<double> exact(g);
  for (std::size_t i = 0; i < g.cells(); ++i) {
    const Grid::Index c = g.coords(i);
    std::array<double, 3> x{0, 0, 0};
    for (int a = 0; a < dims; ++a) x[a] = static_cast<double>(c[a]) * p.dx;
    s.E[i] = s.E_prev[i] = f(x, dims);
    exact[i] = laplacian_f(x, dims);
  }
  const Field<double> before = s.E;
  backend.advance(s, p, 1);
  double err = 0;
  for (std::size_t i = 0; i < g.cells(); ++i) {
    err = std::max(err, std::abs((s.E[i] - before[i]) - exact[i]));
  }
  return err;
}

class StencilConvergence : public ::testing::TestWithParam<std::string> {};

TEST_P(StencilConvergence, OrderTwoAndFourInEveryDimension) {
  LFM_BACKEND_OR_SKIP(backend, GetParam());
  for (int dims = 1; dims <= 3; ++dims) {
    for (int order : {2, 4}) {
      // Coarse enough that round-off (~1e-16/Δx²) stays far below the
      // truncation error, fine enough to be in the asymptotic range.
      const std::size_t n = 16;
      const double coarse = laplacian_error(*backend, dims, n, order);
      const double fine = laplacian_error(*backend, dims, 2 * n, order);
      const double measured = std::log2(coarse / fine);
      // The bounds: 2 ± 0.1 and 4 ± 0.2.
      EXPECT_NEAR(measured, order, order == 2 ? 0.1 : 0.2)
          << dims << "D order " << order << ": error " << coarse << " -> " << fine;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(AllBackends, StencilConvergence, ::testing::ValuesIn(backend_names()),
                         [](const auto& info) { return info.param; });

class Dispersion : public ::testing::TestWithParam<std::string> {};

// Amplitude of the standing mode cos(2π m i/N) in E.
double projection(const Field<double>& E, long m) {
  const double n = static_cast<double>(E.size());
  double num = 0, den = 0;
  for (std::size_t i = 0; i < E.size(); ++i) {
    const double c = std::cos(2 * std::numbers::pi * static_cast<double>(m) * static_cast<double>(i) / n);
    num += E[i] * c;
    den += c * c;
  }
  return num / den;
}

TEST_P(Dispersion, StandingModeFrequencyMatchesDiscreteRelation) {
  LFM_BACKEND_OR_SKIP(backend, GetParam());
  for (int order : {2, 4}) {
    for (long m : {1L, 5L, 20L}) {
      const Grid g = cube(1, 128);
      Params p = test_params(order);
      State<double> s{Field<double>(g), Field<double>(g), std::nullopt, 0};
      for (std::size_t i = 0; i < g.cells(); ++i) {
        s.E[i] = s.E_prev[i] =
            std::cos(2 * std::numbers::pi * static_cast<double>(m * static_cast<long>(i)) / 128);
      }
      // a_{n+1} + a_{n−1} = 2 cos(ωΔt) a_n for a free mode: least squares
      // over 400 steps measures cos(ωΔt) from the evolution alone.
      std::vector<double> a{projection(s.E_prev, m)};
      for (int n = 0; n < 400; ++n) {
        backend->advance(s, p, 1);
        a.push_back(projection(s.E, m));
      }
      double num = 0, den = 0;
      for (std::size_t n = 1; n + 1 < a.size(); ++n) {
        num += (a[n + 1] + a[n - 1]) * a[n];
        den += 2 * a[n] * a[n];
      }
      const double measured = std::acos(num / den) / p.dt;
      const double predicted = discrete_omega(p, g, {m});
      // The fit recovers cos(ωΔt) to the samples' rounding, δc ≲ √n κε
      // (n = 400 steps of independent few-ulp errors, κ ≈ 10, ε = 2⁻⁵³:
      // 2e-14), and acos turns that into δω/ω = δc/(ωΔt sin ωΔt), largest
      // for the slowest mode, m = 1 (ω ≈ 0.30, ωΔt ≈ 0.061): 6e-12. 1e-10
      // leaves a factor 15 over that estimate; the worst case, n κε, would
      // reach 1.2e-10 at m = 1 and 1e-11 at m = 20.
      EXPECT_NEAR(measured / predicted, 1.0, 1e-10) << "order " << order << ", m = " << m;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(AllBackends, Dispersion, ::testing::ValuesIn(backend_names()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace lfm::testing
