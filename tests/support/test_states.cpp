#include "support/test_states.hpp"

#include <random>

#include "lattice/build_info.hpp"

namespace lfm::testing {

Grid cube(int dims, std::size_t n) {
  return Grid(std::vector<std::size_t>(static_cast<std::size_t>(dims), n));
}

State<double> random_state(const Grid& g, std::uint64_t seed, bool chi_field) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  State<double> s{Field<double>(g), Field<double>(g), std::nullopt, 0};
  for (std::size_t i = 0; i < g.cells(); ++i) {
    s.E[i] = u(rng);
    s.E_prev[i] = u(rng);
  }
  if (chi_field) {
    Field<double> chi(g);
    for (std::size_t i = 0; i < g.cells(); ++i) chi[i] = 0.4 + 0.2 * u(rng);
    s.chi_field = std::move(chi);
  }
  return s;
}

Params test_params(int order, Boundary boundary, double gamma) {
  Params p;
  p.dt = 0.2;
  p.dx = 1.0;
  p.chi = 0.3;
  p.stencil_order = order;
  p.boundary = boundary;
  p.gamma_damp = gamma;
  p.absorb_width = 2;
  return p;
}

CheckpointMeta meta_for(const Grid& g, Precision p, std::int64_t step) {
  CheckpointMeta m;
  m.version = version();
  m.static_hash = 0x1234;
  m.params_hash = 0x5678;
  m.shape = g.shape();
  m.precision = p;
  m.step = step;
  m.step_s = 1.5;
  m.initial_max_abs = 0.75;
  m.trace = {{0, 1.0, 2.0}, {step, 1.5, 2.0}};
  return m;
}

}  // namespace lfm::testing
