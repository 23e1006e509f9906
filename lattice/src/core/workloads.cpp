// The standard workloads. All are in lattice units (dx = 1) on a periodic
// box of n cells per axis, with dt = 0.25: a quarter of dx keeps every
// dimension and both stencil orders well inside the leapfrog limit
// (the tightest, 3D order 4, allows dt = 0.5 at χ = 0).
#include "lattice/workloads.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <numbers>

#include "lattice/error.hpp"
#include "lattice/oracle.hpp"
#include "lattice/suggest.hpp"

namespace lfm {
namespace {

constexpr double two_pi = 2 * std::numbers::pi;

Params standard_params(Precision precision) {
  Params p;
  p.dt = 0.25;
  p.dx = 1.0;
  p.precision = precision;
  return p;
}

// Position of cell `c` along each axis, relative to the box centre.
std::array<double, 3> from_centre(const Grid& g, const Grid::Index& c, double dx) {
  std::array<double, 3> r{0, 0, 0};
  for (int a = 0; a < g.dims(); ++a) {
    r[a] = (static_cast<double>(c[a]) - static_cast<double>(g.extent(a)) / 2) * dx;
  }
  return r;
}

double squared_norm(const std::array<double, 3>& r) {
  return r[0] * r[0] + r[1] * r[1] + r[2] * r[2];
}

// Fills E and E_prev from a closed form f(r, t) at t = 0 and t = −dt; cells
// are independent, so the threads that fill them change no value.
State<double> sample(const Grid& g, const Params& p,
                     const std::function<double(const Grid::Index&, double)>& f) {
  State<double> s{Field<double>(g), Field<double>(g), std::nullopt, 0};
  const auto cells = static_cast<std::ptrdiff_t>(g.cells());
#pragma omp parallel for schedule(static) if (g.worth_threads())
  for (std::ptrdiff_t i = 0; i < cells; ++i) {
    const Grid::Index c = g.coords(static_cast<std::size_t>(i));
    s.E[i] = f(c, 0.0);
    s.E_prev[i] = f(c, -p.dt);
  }
  return s;
}

// One lattice Fourier mode: m cycles across the box on every axis, so the
// discrete dispersion relation (SPEC §5) gives its exact frequency.
std::vector<long> mode(const Grid& g, std::size_t n) {
  return std::vector<long>(g.dims(), static_cast<long>(std::max<std::size_t>(1, n / 16)));
}

double phase(const Grid& g, const Grid::Index& c, const std::vector<long>& m) {
  double ph = 0;
  for (int a = 0; a < g.dims(); ++a) {
    ph += two_pi * static_cast<double>(m[a]) * static_cast<double>(c[a]) /
          static_cast<double>(g.extent(a));
  }
  return ph;
}

// A Gaussian packet (width n/10) moving along the last axis with wave
// number k0 = 2π/16 (16 cells per wavelength), χ = 0.1. E_prev carries every
// Fourier mode back by its discrete frequency, so the pair is an exact
// travelling solution of the lattice update.
State<double> wave_packet(const Grid& g, Params& p, std::size_t n) {
  p.chi = 0.1;
  const double sigma = std::max(1.5, static_cast<double>(n) / 10);
  const double k0 = two_pi / 16;
  const int along = g.dims() - 1;
  return travelling_wave(g, p, [&](const Grid::Index& c) {
    const std::array<double, 3> r = from_centre(g, c, p.dx);
    const double x = static_cast<double>(c[along]) * p.dx;
    return std::exp(-squared_norm(r) / (2 * sigma * sigma)) * std::polar(1.0, k0 * x);
  });
}

// cos(k·x) cos(ωt), an exact standing wave of the lattice, χ = 0.1.
State<double> standing_wave(const Grid& g, Params& p, std::size_t n) {
  p.chi = 0.1;
  const std::vector<long> m = mode(g, n);
  const double omega = discrete_omega(p, g, m);
  return sample(g, p, [&](const Grid::Index& c, double t) {
    return std::cos(phase(g, c, m)) * std::cos(omega * t);
  });
}

// cos(k·x − ωt), an exact travelling wave of the lattice, χ = 0.1.
State<double> plane_wave(const Grid& g, Params& p, std::size_t n) {
  p.chi = 0.1;
  const std::vector<long> m = mode(g, n);
  const double omega = discrete_omega(p, g, m);
  return sample(g, p, [&](const Grid::Index& c, double t) {
    return std::cos(phase(g, c, m) - omega * t);
  });
}

// A smooth χ well, χ(r) = 0.5 (1 − 0.6 exp(−r²/(2s²))) with s = n/8, and a
// Gaussian bump at rest a quarter box from the centre that falls into it.
State<double> gravity_well(const Grid& g, Params& p, std::size_t n) {
  const double s = std::max(1.0, static_cast<double>(n) / 8);
  const double sigma = std::max(1.5, static_cast<double>(n) / 16);
  const int along = g.dims() - 1;
  State<double> st = sample(g, p, [&](const Grid::Index& c, double) {
    std::array<double, 3> r = from_centre(g, c, p.dx);
    r[along] += static_cast<double>(n) * p.dx / 4;
    return std::exp(-squared_norm(r) / (2 * sigma * sigma));
  });
  Field<double> chi(g);
  const auto cells = static_cast<std::ptrdiff_t>(g.cells());
#pragma omp parallel for schedule(static) if (g.worth_threads())
  for (std::ptrdiff_t i = 0; i < cells; ++i) {
    const double r2 = squared_norm(from_centre(g, g.coords(static_cast<std::size_t>(i)), p.dx));
    chi[i] = 0.5 * (1 - 0.6 * std::exp(-r2 / (2 * s * s)));
  }
  st.chi_field = std::move(chi);
  return st;
}

using Maker = State<double> (*)(const Grid&, Params&, std::size_t);

const std::vector<std::pair<std::string, Maker>>& makers() {
  static const std::vector<std::pair<std::string, Maker>> table = {
      {"wave_packet", wave_packet},
      {"standing_wave", standing_wave},
      {"plane_wave", plane_wave},
      {"gravity_well", gravity_well},
  };
  return table;
}

}  // namespace

const std::vector<std::string>& workload_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const auto& [name, make] : makers()) out.push_back(name);
    return out;
  }();
  return names;
}

AnyState to_precision(const State<double>& s, Precision precision) {
  if (precision == Precision::float32) return convert_state<float>(s);
  return s;
}

AnyState to_precision(State<double>&& s, Precision precision) {
  if (precision == Precision::float32) return convert_state<float>(s);
  return std::move(s);
}

Problem make_workload(std::string_view name, int dims, std::size_t n, Precision precision) {
  const auto& table = makers();
  const auto it = std::find_if(table.begin(), table.end(),
                               [&](const auto& entry) { return entry.first == name; });
  if (it == table.end()) {
    throw InputError("unknown workload '" + std::string(name) + "'" +
                     unknown_name_hint(name, workload_names()));
  }
  if (dims < 1 || dims > 3) {
    throw InputError("--dim = " + std::to_string(dims) + " is not supported; expected 1, 2 or 3");
  }
  // Order 4 reads two neighbours each side and must not see itself.
  if (n < 5) {
    throw InputError("--n = " + std::to_string(n) + " is too small; expected n >= 5");
  }
  Params p = standard_params(precision);
  const Grid g(std::vector<std::size_t>(static_cast<std::size_t>(dims), n));
  // The maker sets its own parameters (χ) in p before p is copied.
  State<double> initial = it->second(g, p, n);
  return Problem{it->first, p, to_precision(std::move(initial), precision)};
}

}  // namespace lfm
