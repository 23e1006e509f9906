#include "tiers/sponge_reflection.hpp"

#include <cmath>
#include <numbers>
#include <vector>

#include "lattice/diagnostics.hpp"
#include "lattice/oracle.hpp"

namespace lfm::tiers::detail {
namespace {

using Complex = std::complex<double>;
constexpr double two_pi = 2 * std::numbers::pi;

// ω of the interior lattice wave k (SPEC §5, order 2, one axis).
double interior_omega(const Params& p, double k) {
  const double s = std::sin(k * p.dx / 2);
  return 2 / p.dt * std::asin(p.dt / 2 * std::sqrt(p.c2() * 4 * s * s / (p.dx * p.dx) + p.chi * p.chi));
}

Complex packet(const SpongeSetup& setup, std::size_t cell) {
  const double x = static_cast<double>(cell) * setup.params.dx;
  const double centre = static_cast<double>(setup.grid.extent(0)) * setup.params.dx / 2;
  const double u = (x - centre) / (setup.width * setup.params.dx);
  return std::exp(-u * u / 2) * std::polar(1.0, setup.k0 * x);
}

}  // namespace

// Multiplying by f after every step acts on the wave like a mass term
// (1 − f)/Δt² as much as like friction, so the sponge reflects; f = 0.95 at
// Δt = 0.8 and 10 cells per wavelength reflects about 0.4 % of the energy
// (mode_reflection), and 256 planes take what enters down by |μ|^{2w} ≈ e^{−19}
// in amplitude before it could wrap round into the interior.
SpongeSetup standard_sponge() {
  SpongeSetup setup;
  setup.grid = Grid({1024});
  Params& p = setup.params;
  p.dx = 1;
  p.dt = 0.8;
  p.chi = 0;
  p.stencil_order = 2;
  p.boundary = Boundary::absorbing;
  p.absorb_width = 256;
  p.absorb_factor = 0.95;
  setup.k0 = two_pi / 10;
  // The interior is 512 cells: the packet starts 256 = 10.7 σ from either
  // sponge, so its tails there are e^{−57} of its peak.
  setup.width = 24;
  // Group velocity of the lattice wave: dω/dk = c cos(kΔx/2)/cos(ωΔt/2).
  const double v_group = std::sqrt(p.c2()) * std::cos(setup.k0 * p.dx / 2) /
                         std::cos(interior_omega(p, setup.k0) * p.dt / 2);
  // Out to the sponge and back: the interior's length.
  const double interior = static_cast<double>(setup.grid.extent(0) - 2 * p.absorb_width) * p.dx;
  setup.steps = std::llround(interior / (v_group * p.dt));
  return setup;
}

State<double> sponge_packet(const SpongeSetup& setup) {
  return travelling_wave(setup.grid, setup.params,
                         [&](const Grid::Index& c) { return packet(setup, c[0]); });
}

double interior_energy(const State<double>& s, const SpongeSetup& setup) {
  State<double> inner = s;
  const std::size_t n = setup.grid.extent(0);
  const auto w = static_cast<std::size_t>(setup.params.absorb_width);
  for (std::size_t i = 0; i < n; ++i) {
    if (i < w || i >= n - w) inner.E[i] = inner.E_prev[i] = 0;
  }
  return energy(inner, setup.params);
}

// A wave of frequency ω, E_n(x) = u_x z^n with z = e^{−iωΔt}, solves the
// update in cell x when (ρ = c²Δt²/Δx², f_x = 1 outside the sponge)
//   u_x z = f_x [ (2 − 2ρ − Δt²χ²) u_x − u_x / z + ρ (u_{x−1} + u_{x+1}) ],
// i.e. u_{x−1} + u_{x+1} = β_x u_x with β_x = (z/f_x + 1/z − 2 + Δt²χ²)/ρ + 2.
// Outside, β = 2 cos(kΔx) (the dispersion relation) and
// u = e^{ikx} + R e^{−ikx}; inside, u = T μ^x with μ + 1/μ = β and |μ| < 1
// (decaying into the sponge). The interior relation holds up to the last
// interior cell (x = 0 here) and reads u at x = 1; the sponge relation holds
// from x = 1 on and reads u at x = 0: the two forms agree at x = 0 and 1,
//   1 + R = T,  e^{ik} + R e^{−ik} = T μ   ⇒   R = (μ − e^{ik}) / (e^{−ik} − μ).
std::complex<double> mode_reflection(const Params& p, double k) {
  const Complex z = std::polar(1.0, -interior_omega(p, k) * p.dt);
  const double rho = p.c2() * p.dt * p.dt / (p.dx * p.dx);
  const Complex beta = (z / p.absorb_factor + 1.0 / z - 2.0 + p.dt * p.dt * p.chi * p.chi) / rho + 2.0;
  const Complex root = std::sqrt(beta * beta - 4.0);
  Complex mu = (beta + root) / 2.0;
  if (std::abs(mu) > 1) mu = 1.0 / mu;  // the two roots' product is 1
  const Complex e = std::polar(1.0, k * p.dx);
  return (mu - e) / (1.0 / e - mu);
}

// The packet is a sum of travelling lattice modes; each reflects on its own
// (the update is linear and time-invariant) into the mode −k of the same ω,
// which carries the same energy weight w_k. Once apart from the interface,
// distinct modes add their energies (lattice orthogonality), so the
// reflected fraction is the w_k |ψ̂_k|²-weighted mean of |R_k|². Modes with
// k ≤ 0 hold e^{−(k0σ)²/2} ≈ e^{−114} of the packet and are left out.
double predicted_reflection(const SpongeSetup& setup) {
  const Params& p = setup.params;
  const std::size_t n = setup.grid.extent(0);
  std::vector<Complex> psi(n);
  for (std::size_t i = 0; i < n; ++i) psi[i] = packet(setup, i);
  double reflected = 0, total = 0;
  for (std::size_t m = 1; m < n / 2; ++m) {
    const double k = two_pi * static_cast<double>(m) / (static_cast<double>(n) * p.dx);
    Complex amplitude = 0;
    for (std::size_t i = 0; i < n; ++i) amplitude += psi[i] * std::polar(1.0, -k * static_cast<double>(i) * p.dx);
    // Energy of a unit travelling mode under SPEC §4's discrete energy:
    // E_t by a backward difference, ∂E by a central one.
    const double e_t = 2 * std::sin(interior_omega(p, k) * p.dt / 2) / p.dt;
    const double grad = std::sin(k * p.dx) / p.dx;
    const double weight = (e_t * e_t + p.c2() * grad * grad + p.chi * p.chi) * std::norm(amplitude);
    total += weight;
    reflected += weight * std::norm(mode_reflection(p, k));
  }
  return reflected / total;
}

}  // namespace lfm::tiers::detail
