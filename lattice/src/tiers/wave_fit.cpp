#include "tiers/wave_fit.hpp"

#include <cmath>
#include <numbers>
#include <stdexcept>

namespace lfm::tiers::detail {

double recurrence_cosine(std::span<const double> a) {
  if (a.size() < 3) throw std::logic_error("a recurrence fit needs at least three samples");
  double cross = 0, square = 0;
  for (std::size_t n = 1; n + 1 < a.size(); ++n) {
    cross += a[n] * (a[n + 1] + a[n - 1]);
    square += a[n] * a[n];
  }
  return cross / (2 * square);
}

double recurrence_omega(std::span<const double> a, double dt) {
  return std::acos(recurrence_cosine(a)) / dt;
}

double axis_symbol(double k, const Params& p) {
  const double s_half = std::sin(k * p.dx / 2);
  const double s_full = std::sin(k * p.dx);
  return p.stencil_order == 2 ? 4 * s_half * s_half / (p.dx * p.dx)
                              : (16 * s_half * s_half - s_full * s_full) / (3 * p.dx * p.dx);
}

double axis_symbol_slope(double k, const Params& p) {
  return p.stencil_order == 2 ? 2 * std::sin(k * p.dx) / p.dx
                              : (8 * std::sin(k * p.dx) - std::sin(2 * k * p.dx)) / (3 * p.dx);
}

double omega_of_symbol(double lambda, double chi, const Params& p) {
  return 2 / p.dt * std::asin(p.dt * std::sqrt(p.c2() * lambda + chi * chi) / 2);
}

double symbol_of_omega(double omega, double chi, const Params& p) {
  const double s = std::sin(omega * p.dt / 2);
  return (4 * s * s / (p.dt * p.dt) - chi * chi) / p.c2();
}

double wavenumber_of(double omega, double chi, const Params& p) {
  const double target = symbol_of_omega(omega, chi, p);
  double lo = 0, hi = std::numbers::pi / p.dx;
  if (!(target > 0 && target < axis_symbol(hi, p))) {
    throw std::logic_error("no propagating wave at that frequency and chi");
  }
  for (int i = 0; i < 200 && hi - lo > 1e-15 * hi; ++i) {
    const double mid = (lo + hi) / 2;
    (axis_symbol(mid, p) < target ? lo : hi) = mid;
  }
  return (lo + hi) / 2;
}

double group_velocity(double k, double chi, const Params& p) {
  const double omega = omega_of_symbol(axis_symbol(k, p), chi, p);
  return p.c2() * axis_symbol_slope(k, p) * p.dt / (2 * std::sin(omega * p.dt));
}

std::vector<double> wave_vector(const Grid& g, const std::vector<long>& m, double dx) {
  std::vector<double> k(g.dims());
  for (int a = 0; a < g.dims(); ++a) {
    k[a] = 2 * std::numbers::pi * static_cast<double>(m[a]) / (static_cast<double>(g.extent(a)) * dx);
  }
  return k;
}

std::vector<double> cosine_mode(const Grid& g, const std::vector<long>& m) {
  std::vector<double> w(g.cells());
  for (std::size_t i = 0; i < g.cells(); ++i) {
    const Grid::Index c = g.coords(i);
    double phase = 0;
    for (int a = 0; a < g.dims(); ++a) {
      // The integer product modulo N keeps the phase exact for any m.
      const long turns = (m[a] * static_cast<long>(c[a])) % static_cast<long>(g.extent(a));
      phase += 2 * std::numbers::pi * static_cast<double>(turns) / static_cast<double>(g.extent(a));
    }
    w[i] = std::cos(phase);
  }
  return w;
}

State<double> at_rest(const Grid& g, const std::function<double(const Grid::Index&)>& f) {
  State<double> s{Field<double>(g), Field<double>(g), std::nullopt, 0};
  for (std::size_t i = 0; i < g.cells(); ++i) s.E[i] = f(g.coords(i));
  s.E_prev = s.E;
  return s;
}

std::vector<double> record_every(Backend& b, State<double>& s, const Params& p, std::int64_t steps,
                                 std::int64_t stride, const std::function<double(const State<double>&)>& probe) {
  std::vector<double> samples;
  samples.reserve(static_cast<std::size_t>(steps / stride) + 1);
  samples.push_back(probe(s));
  for (std::int64_t n = 0; n + stride <= steps; n += stride) {
    b.advance(s, p, stride);
    samples.push_back(probe(s));
  }
  return samples;
}

std::vector<double> record_each_step(Backend& b, State<double>& s, const Params& p, std::int64_t steps,
                                     const std::function<double(const State<double>&)>& probe) {
  return record_every(b, s, p, steps, 1, probe);
}

double measured_mode_omega(Backend& b, const Grid& g, const Params& p, const std::vector<long>& m,
                           std::int64_t steps, std::int64_t stride) {
  const std::vector<double> w = cosine_mode(g, m);
  State<double> s = at_rest(g, [&](const Grid::Index& c) { return w[g.flat(c)]; });
  const auto a = record_every(b, s, p, steps, stride, [&](const State<double>& st) { return project(st.E, w); });
  return std::acos(recurrence_cosine(a)) / (static_cast<double>(stride) * p.dt);
}

double log_slope(std::span<const double> x, std::span<const double> y) {
  if (x.size() != y.size() || x.size() < 2) throw std::logic_error("log_slope needs two or more points");
  const double count = static_cast<double>(x.size());
  double mean_x = 0, mean_l = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    mean_x += x[i] / count;
    mean_l += std::log(std::abs(y[i])) / count;
  }
  double sxy = 0, sxx = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    sxy += (x[i] - mean_x) * (std::log(std::abs(y[i])) - mean_l);
    sxx += (x[i] - mean_x) * (x[i] - mean_x);
  }
  return sxy / sxx;
}

}  // namespace lfm::tiers::detail
