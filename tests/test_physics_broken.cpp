// The tiers must be able to fail: a kernel with one wrong stencil weight
// (the centre weight of the order-2 Laplacian off by 1 %) is caught by the
// dispersion and invariant checks.
#include <gtest/gtest.h>

#include <cmath>

#include "lattice/error.hpp"
#include "lattice/tiers.hpp"

namespace {

// Periodic boundaries and order 2 only: all the two checks below need.
class WrongCentreWeight : public lfm::Backend {
 public:
  void advance(lfm::State<double>& s, const lfm::Params& p, std::int64_t steps) override { step(s, p, steps); }
  void advance(lfm::State<float>& s, const lfm::Params& p, std::int64_t steps) override { step(s, p, steps); }

 private:
  template <class T>
  static void step(lfm::State<T>& s, const lfm::Params& p, std::int64_t steps) {
    if (p.stencil_order != 2 || p.boundary != lfm::Boundary::periodic) {
      throw lfm::InputError("wrong_centre_weight: order 2, periodic only");
    }
    const lfm::Grid& g = s.grid();
    const double centre = -2.0 * 1.01;  // the deliberate bug: should be −2
    for (std::int64_t n = 0; n < steps; ++n) {
      lfm::Field<T> next(g);
      for (std::size_t i = 0; i < g.cells(); ++i) {
        const auto c = g.coords(i);
        double lap = 0;
        for (int a = 0; a < g.dims(); ++a) {
          auto lo = c, hi = c;
          lo[a] = (c[a] + g.extent(a) - 1) % g.extent(a);
          hi[a] = (c[a] + 1) % g.extent(a);
          lap += (s.E[g.flat(lo)] + centre * s.E[i] + s.E[g.flat(hi)]) / (p.dx * p.dx);
        }
        const double chi = s.chi_at(i, p);
        next[i] = static_cast<T>((2 - p.gamma_damp) * s.E[i] - (1 - p.gamma_damp) * s.E_prev[i] +
                                 p.dt * p.dt * (p.c2() * lap - chi * chi * s.E[i]));
      }
      s.E_prev = std::move(s.E);
      s.E = std::move(next);
      ++s.step;
    }
  }
};

class BrokenKernel : public ::testing::TestWithParam<std::string> {
 protected:
  static void SetUpTestSuite() {
    lfm::register_backend({"wrong_centre_weight", "order-2 Laplacian with its centre weight 1 % off", "",
                           [] { return std::make_unique<WrongCentreWeight>(); }});
  }
};

TEST_P(BrokenKernel, FailsTheCheck) {
  const std::string id = GetParam();
  const lfm::tiers::Check* check = nullptr;
  for (const auto& c : lfm::tiers::all_checks()) {
    if (c.id == id) check = &c;
  }
  ASSERT_NE(check, nullptr) << "no check " << id;
  const auto result = lfm::tiers::run_check(*check, "wrong_centre_weight");
  ASSERT_EQ(result.error, "") << "the check must run the broken kernel, not refuse it";
  EXPECT_FALSE(result.passed()) << "check " << id << " did not notice a 1 % error in a stencil weight";
}

INSTANTIATE_TEST_SUITE_P(WrongStencilWeight, BrokenKernel, ::testing::Values("dispersion", "invariant"),
                         [](const auto& info) { return std::string(info.param); });

}  // namespace
