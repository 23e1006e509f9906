// Tier 2 — the gravity analogue: checks 6–9. χ(x) acts as a refractive
// medium: waves keep their frequency in a time-invariant χ, slow down where
// χ is high (group velocity dω/dk of the local discrete relation) and bend
// towards lower χ. Every prediction uses the lattice's own dispersion
// relation (SPEC §5) at the local χ, so the checks measure the medium, not
// the distance between lattice and continuum.
#include <algorithm>
#include <cmath>
#include <complex>
#include <numbers>
#include <string>

#include "lattice/oracle.hpp"
#include "lattice/tiers.hpp"
#include "tiers/wave_fit.hpp"

namespace lfm::tiers {
namespace {

using namespace detail;

// A smooth step from 0 to 1 at `edge`, `width` wide (tanh profile), and the
// plateau between two such steps.
double plateau(double x, double rise, double fall, double width) {
  return 0.5 * (std::tanh((x - rise) / width) - std::tanh((x - fall) / width));
}

Field<double> chi_profile(const Grid& g, int axis, const std::function<double(double)>& chi) {
  Field<double> f(g);
  for (std::size_t i = 0; i < g.cells(); ++i) f[i] = chi(static_cast<double>(g.coords(i)[axis]));
  return f;
}

// E² + (E_t/ω)² with the leapfrog difference in place of E_t: the squared
// envelope of a wave of frequency ω, free of the carrier's oscillation.
double envelope2(const State<double>& s, std::size_t i, double omega, const Params& p) {
  const double e = s.E[i];
  const double quadrature = (s.E[i] - s.E_prev[i]) / (2 * std::sin(omega * p.dt / 2));
  return e * e + quadrature * quadrature;
}

// Check 6: 1D, N = 2048, χ(x) = 0.6 + 0.2 sin(2πx/N), the field uniform
// and at rest, so every point starts on the lowest (k = 0) branch of its
// local dispersion relation, ω = (2/Δt) asin(Δt χ(x)/2). Neighbouring
// points drift out of phase, which builds a local wave number k = χ'·t and
// raises the frequency (eikonal: ω² = χ² + c²k², plus the same again from
// transport along the group velocity): the fit over T is at most
// c²χ'²T²/χ² high, with χ' ≤ 0.2·2π/2048 ≈ 6.1e-4, T = 60 and χ ≥ 0.4 at
// most 0.36 % wherever χ' ≠ 0, inside the 1 %. Δt = 0.8 puts the
// discrete prediction 0.5–2 % above the continuum one, so the check tells
// them apart.
Outcome local_frequency(Backend& b) {
  const std::size_t n = 2048;
  const Grid g({n});
  Params p;
  p.dx = 1;
  p.dt = 0.8;
  const auto chi = [&](double x) { return 0.6 + 0.2 * std::sin(2 * std::numbers::pi * x / n); };
  State<double> s = at_rest(g, [](const Grid::Index&) { return 1.0; });
  s.chi_field = chi_profile(g, 0, chi);
  const std::vector<std::size_t> points{0, n / 8, n / 4, 3 * n / 8, n / 2, 5 * n / 8, 3 * n / 4};
  std::vector<std::vector<double>> samples(points.size());
  const std::int64_t steps = 75;  // T = 60
  for (std::int64_t step = 0; step <= steps; ++step) {
    if (step > 0) b.advance(s, p, 1);
    for (std::size_t j = 0; j < points.size(); ++j) samples[j].push_back(s.E[points[j]]);
  }
  Outcome out;
  for (std::size_t j = 0; j < points.size(); ++j) {
    const double local = chi(static_cast<double>(points[j]));
    out.comparisons.push_back({"omega at x = " + std::to_string(points[j]) + " (chi " +
                                   std::to_string(local).substr(0, 5) + ")",
                               recurrence_omega(samples[j], p.dt), omega_of_symbol(0, local, p), 0.01});
  }
  return out;
}

// Check 7: 1D, N = 4096, a packet (σ = 60 cells, ω = 0.9) climbs from
// χ = 0.2 to χ = 0.6 over a tanh ramp 50 cells wide at x = 1500 — many
// wavelengths, so it is transmitted adiabatically. Its frequency is fitted
// at a probe on either side; its wave number on a snapshot after the ramp.
// Both fits are exact for a single plane wave; the envelope biases them:
// cos(kΔx) by ⟨g'²⟩/(2⟨g²⟩) = 1/(4σ²) (σ ≈ 47 after the compression by
// v_b/v_a = 0.79), i.e. k by ≤ 3e-4 relative, and ω by ≤ 1e-4 (the
// temporal width is σ/v_g ≈ 80 steps); the packet's spectral width
// (1/(2σ)) adds second-order shifts ~1e-4. So the 1e-3 holds for the frequency,
// and the same bound is used for the wave number, whose predicted change
// (k_a → k_b) is 23 %.
Outcome frequency_conservation(Backend& b) {
  const std::size_t n = 4096, start = 600, probe_a = 1000, probe_b = 2300;
  const double chi_a = 0.2, chi_b = 0.6, sigma = 60, omega = 0.9;
  const Grid g({n});
  Params p;
  p.dx = 1;
  p.dt = 0.8;
  p.chi = chi_a;
  const double k_a = wavenumber_of(omega, chi_a, p), k_b = wavenumber_of(omega, chi_b, p);
  State<double> s = travelling_wave(g, p, [&](const Grid::Index& c) {
    const double x = static_cast<double>(c[0]) - static_cast<double>(start);
    return std::exp(-x * x / (2 * sigma * sigma)) * std::polar(1.0, k_a * x);
  });
  s.chi_field = chi_profile(g, 0, [&](double x) { return chi_a + (chi_b - chi_a) * plateau(x, 1500, 3500, 50); });
  p.chi = 0;

  // The spatial fit needs only the packet's region: start it before the
  // packet's tail, end it after its head.
  const auto wavenumber_near = [&](double centre) {
    const auto lo = static_cast<std::size_t>(centre - 8 * sigma), hi = static_cast<std::size_t>(centre + 8 * sigma);
    const std::vector<double> e(s.E.values().begin() + lo, s.E.values().begin() + hi);
    return std::acos(recurrence_cosine(e)) / p.dx;
  };
  const double k_start = wavenumber_near(start);

  const double v_a = group_velocity(k_a, chi_a, p), v_b = group_velocity(k_b, chi_b, p);
  // Until the packet's centre is 6 compressed widths past probe B.
  const double centre_after = probe_b + 6 * sigma * v_b / v_a;
  const double t_end = (1500.0 - start) / v_a + (centre_after - 1500.0) / v_b;
  const auto steps = static_cast<std::int64_t>(std::ceil(t_end / p.dt));
  std::vector<double> at_a, at_b;
  for (std::int64_t step = 0; step <= steps; ++step) {
    if (step > 0) b.advance(s, p, 1);
    at_a.push_back(s.E[probe_a]);
    at_b.push_back(s.E[probe_b]);
  }
  const double omega_a = recurrence_omega(at_a, p.dt), omega_b = recurrence_omega(at_b, p.dt);
  Outcome out;
  out.comparisons.push_back({"omega before the ramp (chi 0.2)", omega_a, omega, 1e-3});
  out.comparisons.push_back({"omega after the ramp (chi 0.6) vs before", omega_b, omega_a, 1e-3});
  out.comparisons.push_back({"k before the ramp", k_start, k_a, 1e-3});
  out.comparisons.push_back({"k after the ramp", wavenumber_near(centre_after), k_b, 1e-3});
  return out;
}

// Check 8: 1D, N = 4096, χ = 0 outside a slab χ = 0.5 between x = 1200 and
// 1600 (tanh edges 10 cells wide). A packet (σ = 60, ω = 0.8) runs through
// it, and again through the empty lattice; the delay of its arrival
// (centroid of the envelope² at a probe behind the slab) is compared with
// Σ (1/v_g(χ(x)) − 1/v_g(0)) Δx, the issue's ∫(1/v_g − 1/c) dx with the
// lattice's own group velocity outside the slab (it differs from c by 3 %
// at kΔx = 0.8, which would be 10 % of the delay). The packet's spectral
// width σ_ω ≈ v_g/(2σ) shifts the centroid by ½σ_ω² τ''(ω) ≈ 1e-3 of the
// delay, and reflection at edges many wavelengths wide is negligible:
// well inside the 2 %.
Outcome time_delay(Backend& b) {
  const std::size_t n = 4096, start = 600, probe = 2200;
  const double chi_slab = 0.5, sigma = 60, omega = 0.8;
  const Grid g({n});
  Params p;
  p.dx = 1;
  p.dt = 0.8;
  const double k0 = wavenumber_of(omega, 0, p);
  const auto chi = [&](double x) { return chi_slab * plateau(x, 1200, 1600, 10); };
  const double v0 = group_velocity(k0, 0, p);
  double predicted = 0;
  for (std::size_t x = 0; x < n; ++x) {
    const double c = chi(static_cast<double>(x));
    predicted += (1 / group_velocity(wavenumber_of(omega, c, p), c, p) - 1 / v0) * p.dx;
  }
  // Until the packet, delayed, is 7 widths past the probe.
  const auto steps = static_cast<std::int64_t>(
      std::ceil(((probe - start + 7 * sigma) / v0 + predicted) / p.dt));
  const auto arrival = [&](bool slab) {
    State<double> s = travelling_wave(g, p, [&](const Grid::Index& c) {
      const double x = static_cast<double>(c[0]) - static_cast<double>(start);
      return std::exp(-x * x / (2 * sigma * sigma)) * std::polar(1.0, k0 * x);
    });
    if (slab) s.chi_field = chi_profile(g, 0, chi);
    const auto w = record_each_step(b, s, p, steps,
                                    [&](const State<double>& st) { return envelope2(st, probe, omega, p); });
    double moment = 0, total = 0;
    for (std::size_t step = 0; step < w.size(); ++step) {
      moment += static_cast<double>(step) * p.dt * w[step];
      total += w[step];
    }
    return moment / total;
  };
  Outcome out;
  out.comparisons.push_back({"delay through a chi = 0.5 slab, 400 cells", arrival(true) - arrival(false),
                             predicted, 0.02});
  return out;
}

// Check 9: 2D, 320 × 128, χ rising from 0 to 0.55 along axis 0 (tanh ramp
// 6 cells wide at y = 120). A packet (σ = 12, |k| = 0.9) enters the ramp
// 30° off its normal; the wave vector's component along the ramp, k_x, and
// ω are conserved, so on the far side k_y follows from the discrete
// relation and the ray runs along the group velocity ∂ω/∂k ∝ (λ'(k_x),
// λ'(k_y)) — further from the normal (Snell: sin θ_b = k_x/|k_b|, ≈ 39°),
// i.e. bent towards lower χ. The exit angle is the slope of the packet's
// centroid track on the plateau. The packet's spread in k_x (1/(σ√2))
// moves the centroid's angle by ½ θ''(k_x) σ_k² ≈ 0.3°, under 1 % of θ_b,
// well inside the 5 % (an unbent ray would be off by 24 %).
Outcome refraction(Backend& b) {
  const std::size_t ny = 320, nx = 128;
  const double chi_b = 0.55, sigma = 12, k = 0.9, theta_a = std::numbers::pi / 6;
  const Grid g({ny, nx});
  Params p;
  p.dx = 1;
  p.dt = 0.5;
  p.stencil_order = 4;
  const double kx = k * std::sin(theta_a), ky = k * std::cos(theta_a);
  const double omega = omega_of_symbol(axis_symbol(kx, p) + axis_symbol(ky, p), 0, p);
  State<double> s = travelling_wave(g, p, [&](const Grid::Index& c) {
    const double y = static_cast<double>(c[0]) - 50, x = static_cast<double>(c[1]) - 64;
    return std::exp(-(x * x + y * y) / (2 * sigma * sigma)) * std::polar(1.0, kx * x + ky * y);
  });
  s.chi_field = chi_profile(g, 0, [&](double y) { return chi_b * plateau(y, 120, 300, 6); });

  // k_y on the plateau: c²λ(k_y) = 4 sin²(ωΔt/2)/Δt² − χ_b² − c²λ(k_x).
  const double ky_b = wavenumber_of(omega, std::sqrt(chi_b * chi_b + p.c2() * axis_symbol(kx, p)), p);
  const double theta_b = std::atan2(axis_symbol_slope(kx, p), axis_symbol_slope(ky_b, p));

  // Centroids every 10 steps; x by its circular mean (the track wraps).
  std::vector<std::complex<double>> column_phase(nx);
  for (std::size_t x = 0; x < nx; ++x) column_phase[x] = std::polar(1.0, 2 * std::numbers::pi * x / nx);
  std::vector<double> ys, xs;
  double x_unwrapped = 64;
  for (int sample = 0; sample < 80; ++sample) {
    b.advance(s, p, 10);
    double total = 0, y_moment = 0;
    std::complex<double> x_phase = 0;
    for (std::size_t i = 0; i < g.cells(); ++i) {
      const double w = envelope2(s, i, omega, p);
      total += w;
      y_moment += w * static_cast<double>(i / nx);
      x_phase += w * column_phase[i % nx];
    }
    const double x = std::arg(x_phase) * nx / (2 * std::numbers::pi);
    x_unwrapped += std::remainder(x - x_unwrapped, static_cast<double>(nx));
    const double y = y_moment / total;
    // On the plateau: 3σ past the ramp's top, 3σ before the far ramp.
    if (y > 138 + 3 * sigma && y < 282 - 3 * sigma) {
      ys.push_back(y);
      xs.push_back(x_unwrapped);
    }
    if (y >= 282 - 3 * sigma) break;
  }
  if (ys.size() < 3) throw std::logic_error("refraction: the packet never crossed the plateau");
  double my = 0, mx = 0;
  for (std::size_t i = 0; i < ys.size(); ++i) my += ys[i] / ys.size(), mx += xs[i] / ys.size();
  double syy = 0, sxy = 0;
  for (std::size_t i = 0; i < ys.size(); ++i) syy += (ys[i] - my) * (ys[i] - my), sxy += (ys[i] - my) * (xs[i] - mx);
  const double degrees = 180 / std::numbers::pi;
  Outcome out;
  out.comparisons.push_back({"exit angle from the gradient, degrees (enters at 30)", std::atan(sxy / syy) * degrees,
                             theta_b * degrees, 0.05});
  return out;
}

}  // namespace

std::vector<Check> gravity_checks() {
  return {
      {2, 6, "local_frequency", "lowest local frequency follows the local chi", local_frequency},
      {2, 7, "frequency_conservation", "a packet climbing a chi ramp keeps its frequency", frequency_conservation},
      {2, 8, "time_delay", "a chi slab delays a pulse by the group-delay integral", time_delay},
      {2, 9, "refraction", "a packet bends towards lower chi at the ray angle", refraction},
  };
}

}  // namespace lfm::tiers
