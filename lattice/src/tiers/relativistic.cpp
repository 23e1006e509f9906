// Tier 1 — relativistic behaviour: checks 1–5.
#include <algorithm>
#include <cmath>
#include <complex>
#include <limits>
#include <numbers>
#include <string>

#include "lattice/diagnostics.hpp"
#include "lattice/oracle.hpp"
#include "lattice/tiers.hpp"
#include "tiers/wave_fit.hpp"

namespace lfm::tiers {
namespace {

using namespace detail;

// A pure lattice mode obeys the recurrence exactly, so the fit is limited by
// round-off only: the projected amplitudes carry ~1e-16 relative error per
// step, which perturbs cos(ωΔt) by ~steps × 1e-16 and ω by that divided by
// sin(ωΔt)·ωΔt (≥ 0.004 for every mode used here): ≤ 1e-11. The issue's
// 1e-6 is therefore a loose bound for a correct kernel, while a stencil
// weight off by 1 % moves ω by far more.
constexpr double omega_tolerance = 1e-6;

std::string fixed(double v, int digits) {
  std::string s = std::to_string(v);
  return s.substr(0, s.find('.') + (digits > 0 ? digits + 1 : 0));
}

double squared_norm(const std::vector<double>& k) {
  double s = 0;
  for (const double v : k) s += v * v;
  return s;
}

// Check 1: standing modes in 1D (order 2, periodic, N = 256) with
// χ/k ∈ {0.1, 1, 10} at k = 2π·8/256 (32 cells per wavelength).
Outcome dispersion(Backend& b) {
  const Grid g({256});
  Params p;
  p.dx = 1;
  p.dt = 0.5;
  const std::vector<long> m{8};
  const double k = wave_vector(g, m, p.dx)[0];
  Outcome out;
  for (const double ratio : {0.1, 1.0, 10.0}) {
    p.chi = ratio * k;
    // 256 steps span at least four periods of the slowest mode (ω ≈ 0.2).
    const double omega = measured_mode_omega(b, g, p, m, 256);
    const double discrete = discrete_omega(p, g, m);
    const double continuum = std::sqrt(p.c2() * k * k + p.chi * p.chi);
    // Distance of the lattice from the continuum, bounded term by term:
    // time: ω_d = (2/Δt) asin(Δt ω_s/2) and asin(z)/z − 1 ≤ (z²/6)/(1 − z²)
    //   (every Taylor coefficient after the first is below 1/6), so ω_d is
    //   at most (ωΔt)²/24 / (1 − (ωΔt/2)²) above ω_s;
    // space: k² − (kΔx)⁴/(12Δx²) ≤ 4 sin²(kΔx/2)/Δx² ≤ k², so ω_s lies
    //   between ω_c √(1 − s) and ω_c, s = c²k⁴Δx²/(12 ω_c²).
    const double z = continuum * p.dt / 2;
    const double time_bound = (z * z / 6) / (1 - z * z);
    const double s = p.c2() * std::pow(k, 4) * p.dx * p.dx / (12 * continuum * continuum);
    const double space_bound = 1 - std::sqrt(1 - s);
    const std::string label = "omega, chi/k = " + (ratio < 1 ? fixed(ratio, 1) : fixed(ratio, 0));
    out.comparisons.push_back({label + " (discrete relation)", omega, discrete, omega_tolerance});
    out.comparisons.push_back(
        {label + " (continuum)", omega, continuum, std::max(time_bound, space_bound), Judge::relative});
  }

  // The curve for the plot: every k up to the zone edge at χ = 0.5.
  Series curve{"dispersion", {"k", "omega_measured", "omega_discrete", "omega_continuum"}, {}};
  p.chi = 0.5;
  for (const long mk : {1L, 2L, 4L, 8L, 16L, 24L, 32L, 40L, 48L, 56L, 64L, 72L, 80L, 88L, 96L, 104L, 112L,
                        120L, 128L}) {
    const std::vector<long> mode{mk};
    const double kk = wave_vector(g, mode, p.dx)[0];
    curve.rows.push_back({kk, measured_mode_omega(b, g, p, mode, 128), discrete_omega(p, g, mode),
                          std::sqrt(p.c2() * kk * kk + p.chi * p.chi)});
  }
  out.series.push_back(std::move(curve));
  return out;
}

struct Direction {
  std::string name;
  std::vector<long> m;
};

// Checks 2–3: modes of (nearly) the same |k| along different lattice
// directions. Exactly equal |k| along an axis and a diagonal is impossible
// on a periodic lattice (it needs m√2 or m√3 to be an integer), so each
// direction is judged by its relative symbol error e = λ/|k|² − 1, which
// depends on |k| only through the small |k|-mismatch times e itself. The
// anisotropy is the spread of e over the directions; to leading order it is
// (kΔx)²/24 (order 2) against (kΔx)⁴/120 (order 4) in 2D, a factor
// (kΔx)²/5, and (kΔx)²/18 against 4(kΔx)⁴/405 in 3D, 8(kΔx)²/45. The predicted factor
// below is the exact one, from the discrete symbols of the modes used.
Outcome isotropy(Backend& b, const Grid& g, double dt, const std::vector<Direction>& directions,
                 std::int64_t stride) {
  Outcome out;
  double spread_measured[2], spread_predicted[2];
  for (const int order : {2, 4}) {
    Params p;
    p.dx = 1;
    p.dt = dt;
    p.stencil_order = order;
    double lo_m = std::numeric_limits<double>::max(), hi_m = -lo_m, lo_p = lo_m, hi_p = -lo_m;
    for (const auto& d : directions) {
      // 64 steps cover more than four periods of every mode used.
      const double omega = measured_mode_omega(b, g, p, d.m, 64, stride);
      out.comparisons.push_back({"omega, order " + std::to_string(order) + ", " + d.name, omega,
                                 discrete_omega(p, g, d.m), omega_tolerance});
      const double k2 = squared_norm(wave_vector(g, d.m, p.dx));
      const double e_measured = symbol_of_omega(omega, 0, p) / k2 - 1;
      const double e_predicted = laplacian_symbol(p, g, d.m) / k2 - 1;
      lo_m = std::min(lo_m, e_measured), hi_m = std::max(hi_m, e_measured);
      lo_p = std::min(lo_p, e_predicted), hi_p = std::max(hi_p, e_predicted);
    }
    spread_measured[order / 4] = hi_m - lo_m;
    spread_predicted[order / 4] = hi_p - lo_p;
  }
  // With ω within 1e-6, λ ∝ sin²(ωΔt/2) is within 2e-6 (x cot(x/2) ≤ 2), so
  // each e within 2e-6, each spread within 4e-6, and the ratio within
  // 4e-6 (1/spread₄ + 1/spread₂) relative.
  const double tolerance = 4e-6 * (1 / spread_predicted[1] + 1 / spread_predicted[0]);
  out.comparisons.push_back({"anisotropy ratio, order 4 / order 2", spread_measured[1] / spread_measured[0],
                             spread_predicted[1] / spread_predicted[0], tolerance});
  return out;
}

// Check 2: 128², |m| = 10 along an axis and 7√2 ≈ 9.9 along the diagonal
// (kΔx ≈ 0.49). Δt = 0.5 is inside the order-4 2D limit √(3/8) ≈ 0.61.
Outcome isotropy_2d(Backend& b) {
  return isotropy(b, Grid({128, 128}), 0.5, {{"axis", {0, 10}}, {"diagonal", {7, 7}}}, 1);
}

// Check 3: 32³, |m| = 7 along an axis, 5√2 ≈ 7.07 along a face diagonal and
// 4√3 ≈ 6.93 along the body diagonal. Δt = 0.4 is inside the order-4 3D
// limit 0.5. The field is sampled every 4 steps, so that a blocked backend
// (cpu_temporal) runs its wavefront, not single steps: 4ωΔt ≤ 4 · 1.4 · 0.4
// ≈ 2.2 < π (|k| ≈ 1.37 and ω ≤ |k| for these modes, χ = 0), as the
// stride's fit needs.
Outcome isotropy_3d(Backend& b) {
  return isotropy(b, Grid({32, 32, 32}), 0.4,
                  {{"axis", {0, 0, 7}}, {"face diagonal", {0, 5, 5}}, {"body diagonal", {4, 4, 4}}}, 4);
}

// Sub-cell position of the largest value of f in [from, to): the vertex of
// the parabola through the maximum and its two neighbours.
double peak_position(const Field<double>& f, std::size_t from, std::size_t to) {
  std::size_t j = from + 1;
  for (std::size_t i = from + 1; i + 1 < to; ++i) {
    if (f[i] > f[j]) j = i;
  }
  const double l = f[j - 1], c = f[j], r = f[j + 1];
  return static_cast<double>(j) + (l - r) / (2 * (l - 2 * c + r));
}

// Check 4: a cos² pulse of half-width 24 cells at rest in the middle of
// 1024 cells, c = 1.5, χ = 0. Each step reaches `radius` cells further, so
// after n steps the field is exactly zero (no rounding: sums of exact
// zeros) more than radius·n cells beyond the initial support. The two
// halves travel at ±c: the pulse's spectrum lies below k ≈ π/24, where the
// group velocity of either stencil differs from c by at most
// (1 − (cΔt/Δx)²)(kΔx)²/8 ≈ 1e-3, and the parabolic peak position is good
// to ~0.1 cell over 150+ cells of travel, so both errors sit well inside
// the 2 %.
Outcome causality(Backend& b) {
  const std::size_t n_cells = 1024, centre = 512, half_width = 24;
  const Grid g({n_cells});
  Outcome out;
  struct Run {
    int order;
    double dt;  // Courant number 0.9 (order 2) and 0.75 (order 4, limit 0.87)
    std::int64_t first, last;
  };
  for (const Run run : {Run{2, 0.6, 200, 400}, Run{4, 0.5, 100, 200}}) {
    Params p;
    p.dx = 1;
    p.dt = run.dt;
    p.alpha = 2.25;
    p.stencil_order = run.order;
    State<double> s = at_rest(g, [&](const Grid::Index& c) {
      const double x = static_cast<double>(c[0]) - static_cast<double>(centre);
      if (std::abs(x) >= static_cast<double>(half_width)) return 0.0;
      const double v = std::cos(std::numbers::pi * x / (2.0 * half_width));
      return v * v;
    });
    b.advance(s, p, run.first);
    const double left_1 = peak_position(s.E, 1, centre), right_1 = peak_position(s.E, centre, n_cells - 1);
    b.advance(s, p, run.last - run.first);
    const double left_2 = peak_position(s.E, 1, centre), right_2 = peak_position(s.E, centre, n_cells - 1);
    const double elapsed = static_cast<double>(run.last - run.first) * p.dt;
    const std::string order = "order " + std::to_string(run.order);
    const double c = std::sqrt(p.c2());
    out.comparisons.push_back({"right peak velocity, " + order, (right_2 - right_1) / elapsed, c, 0.02});
    out.comparisons.push_back({"left peak velocity, " + order, (left_2 - left_1) / elapsed, -c, 0.02});

    const std::size_t reach = static_cast<std::size_t>(p.stencil_radius() * run.last);
    const std::size_t first_inside = centre - (half_width - 1) - reach;
    const std::size_t last_inside = centre + (half_width - 1) + reach;
    double outside = 0;
    for (std::size_t i = 0; i < n_cells; ++i) {
      if (i < first_inside || i > last_inside) outside = std::max(outside, std::abs(s.E[i]));
    }
    out.comparisons.push_back({"max |E| beyond the domain of dependence, " + order, outside, 0, 0, Judge::at_most});
  }
  return out;
}

// Check 5: a Gaussian packet moving diagonally on 64² (both orders,
// χ = 0.4). P is conserved exactly by the update (D commutes with A and is
// antisymmetric), so only rounding moves it: ~1e-16 relative per step, a
// few times 1e-13 after 1000 steps, well inside the 1e-10.
Outcome momentum_conservation(Backend& b) {
  const Grid g({64, 64});
  Outcome out;
  for (const int order : {2, 4}) {
    Params p;
    p.dx = 1;
    p.dt = 0.4;
    p.chi = 0.4;
    p.stencil_order = order;
    const double k0[2] = {2 * std::numbers::pi * 4 / 64, 2 * std::numbers::pi * 6 / 64};
    State<double> s = travelling_wave(g, p, [&](const Grid::Index& c) {
      const double y = static_cast<double>(c[0]) - 32, x = static_cast<double>(c[1]) - 32;
      return std::exp(-(x * x + y * y) / (2 * 8.0 * 8.0)) * std::polar(1.0, k0[0] * y + k0[1] * x);
    });
    const double start[2] = {momentum(s, p, 0), momentum(s, p, 1)};
    double worst[2] = {start[0], start[1]};
    for (int chunk = 0; chunk < 10; ++chunk) {
      b.advance(s, p, 100);
      for (int axis = 0; axis < 2; ++axis) {
        const double now = momentum(s, p, axis);
        if (std::abs(now - start[axis]) > std::abs(worst[axis] - start[axis])) worst[axis] = now;
      }
    }
    for (int axis = 0; axis < 2; ++axis) {
      out.comparisons.push_back({"P along axis " + std::to_string(axis) + ", order " + std::to_string(order) +
                                     ", worst of 1000 steps",
                                 worst[axis], start[axis], 1e-10});
    }
  }
  return out;
}

}  // namespace

std::vector<Check> relativistic_checks() {
  return {
      {1, 1, "dispersion", "standing modes follow the discrete dispersion relation", dispersion},
      {1, 2, "isotropy_2d", "axis and diagonal modes in 2D; order 4 more isotropic", isotropy_2d},
      {1, 3, "isotropy_3d", "axis, face and body diagonal modes in 3D", isotropy_3d},
      {1, 4, "causality", "nothing beyond the domain of dependence; halves travel at ±c", causality},
      {1, 5, "momentum", "momentum conserved exactly with constant chi", momentum_conservation},
  };
}

}  // namespace lfm::tiers
