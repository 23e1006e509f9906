// A downstream program: steps its own arrays through the installed library
// and checks the discrete invariant H, which periodic undamped leapfrog
// conserves to round-off (SPEC §4).
#include <cmath>
#include <cstdio>
#include <numbers>

#include "lattice/backend.hpp"
#include "lattice/diagnostics.hpp"
#include "lattice/grid.hpp"
#include "lattice/params.hpp"
#include "lattice/state.hpp"

int main() {
  const lfm::Grid grid({32, 32});
  lfm::Params p;
  p.dt = 0.25;
  p.dx = 1.0;
  p.chi = 0.1;
  lfm::validate(p, grid, p.chi, false);

  // The caller's own initial pair: a standing mode, E_prev = E.
  lfm::State<double> s{lfm::Field<double>(grid), lfm::Field<double>(grid), std::nullopt, 0};
  for (std::size_t i = 0; i < grid.cells(); ++i) {
    const auto c = grid.coords(i);
    s.E[i] = s.E_prev[i] = std::sin(2 * std::numbers::pi * static_cast<double>(c[0]) / 32.0) *
                           std::cos(2 * std::numbers::pi * static_cast<double>(c[1]) / 32.0);
  }
  lfm::AnyState state(std::move(s));
  const double h0 = lfm::invariant(state, p);
  lfm::advance(*lfm::make_backend(lfm::default_backend_name()), state, p, 50);
  const double h = lfm::invariant(state, p);
  const double drift = std::abs(h - h0) / std::abs(h0);
  std::printf("invariant H after 50 steps of the caller's arrays: %.12e (drift %.1e)\n", h, drift);
  return drift < 1e-12 ? 0 : 1;
}
