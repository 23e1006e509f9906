#include "lattice/oracle.hpp"

#include <fftw3.h>

#include <cmath>
#include <complex>
#include <memory>
#include <numbers>

#include "lattice/error.hpp"

namespace lfm {
namespace {

using Complex = std::complex<double>;

using Plan = std::unique_ptr<fftw_plan_s, decltype(&fftw_destroy_plan)>;

// A plan for `lines` transforms of n points, `stride` apart within a line
// and `distance` apart from line to line, in place. FFTW_UNALIGNED: the plan
// runs on any batch's start, and no choice of FFTW's depends on where the
// allocation happened to fall.
Plan plan_lines(int n, int lines, int stride, int distance, fftw_complex* buf, int sign) {
  Plan plan(fftw_plan_many_dft(1, &n, lines, buf, nullptr, stride, distance, buf, nullptr, stride, distance, sign,
                               FFTW_ESTIMATE | FFTW_UNALIGNED),
            &fftw_destroy_plan);
  if (!plan) throw std::runtime_error("FFTW could not plan " + std::to_string(lines) + " lines of " +
                                      std::to_string(n) + " points");
  return plan;
}

// Transforms every line of the lattice along `axis`, in batches of
// neighbouring lines. A batch's size and plan depend on the shape alone and
// batches share no cell, so the threads that take them change no value.
void transform_axis(std::vector<Complex>& data, const Grid& g, int axis, int sign) {
  const auto n = static_cast<int>(g.extent(axis));
  std::size_t inner = 1;  // the distance between neighbours along the axis
  for (int a = axis + 1; a < g.dims(); ++a) inner *= g.extent(a);
  // Along the last axis a line is contiguous and a batch is lines one after
  // another; across it, a batch is lines starting in neighbouring cells,
  // so that each cache line fetched serves the whole batch.
  const bool contiguous = inner == 1;
  const std::size_t blocks = contiguous ? 1 : g.cells() / (g.extent(axis) * inner);
  const std::size_t lines = contiguous ? g.cells() / g.extent(axis) : inner;
  const std::size_t batch = std::min<std::size_t>(lines, contiguous ? 8 : 16);
  const std::size_t batches = (lines + batch - 1) / batch;
  const std::size_t rest = lines - (batches - 1) * batch;
  const int stride = contiguous ? 1 : static_cast<int>(inner);
  const int distance = contiguous ? n : 1;
  auto* buf = reinterpret_cast<fftw_complex*>(data.data());
  const Plan full = plan_lines(n, static_cast<int>(batch), stride, distance, buf, sign);
  const Plan last = plan_lines(n, static_cast<int>(rest), stride, distance, buf, sign);
  const auto tasks = static_cast<std::ptrdiff_t>(blocks * batches);
#pragma omp parallel for schedule(static) if (g.worth_threads())
  for (std::ptrdiff_t t = 0; t < tasks; ++t) {
    const std::size_t block = static_cast<std::size_t>(t) / batches;
    const std::size_t b = static_cast<std::size_t>(t) % batches;
    const std::size_t first_line = b * batch;
    const std::size_t start = contiguous ? first_line * g.extent(axis) : block * g.extent(axis) * inner + first_line;
    fftw_execute_dft(b + 1 < batches ? full.get() : last.get(), buf + start, buf + start);
  }
}

// Unnormalized in-place complex DFT over the whole lattice, one axis at a time.
void transform(std::vector<Complex>& data, const Grid& g, int sign) {
  for (int a = 0; a < g.dims(); ++a) transform_axis(data, g, a, sign);
}

std::vector<Complex> to_complex(const Field<double>& f) {
  return {f.values().begin(), f.values().end()};
}

}  // namespace

namespace {

// One axis's term of the symbol for mode m on an axis of n cells.
double axis_symbol(const Params& p, std::size_t n, long m) {
  const double k = 2 * std::numbers::pi * static_cast<double>(m) / (static_cast<double>(n) * p.dx);
  const double s_half = std::sin(k * p.dx / 2);
  const double s_full = std::sin(k * p.dx);
  return p.stencil_order == 2 ? 4 * s_half * s_half / (p.dx * p.dx)
                              : (16 * s_half * s_half - s_full * s_full) / (3 * p.dx * p.dx);
}

// Each axis's terms for every mode, so that a cell's symbol is a sum of
// table entries, added in axis order exactly as laplacian_symbol adds them.
std::vector<std::vector<double>> axis_symbols(const Params& p, const Grid& g) {
  std::vector<std::vector<double>> t(static_cast<std::size_t>(g.dims()));
  for (int a = 0; a < g.dims(); ++a) {
    for (std::size_t m = 0; m < g.extent(a); ++m) t[a].push_back(axis_symbol(p, g.extent(a), static_cast<long>(m)));
  }
  return t;
}

// The symbol of the mode at cell c: its axes' table entries.
double mode_symbol(const std::vector<std::vector<double>>& symbols, const Grid::Index& c) {
  double lambda = 0;
  for (std::size_t a = 0; a < symbols.size(); ++a) lambda += symbols[a][c[a]];
  return lambda;
}

}  // namespace

double laplacian_symbol(const Params& p, const Grid& g, const std::vector<long>& m) {
  double lambda = 0;
  for (int a = 0; a < g.dims(); ++a) lambda += axis_symbol(p, g.extent(a), m[a]);
  return lambda;
}

double discrete_omega(const Params& p, const Grid& g, const std::vector<long>& m) {
  const double rhs = p.c2() * laplacian_symbol(p, g, m) + p.chi * p.chi;
  return 2 / p.dt * std::asin(p.dt * std::sqrt(rhs) / 2);
}

void exact_advance(State<double>& s, const Params& p, std::int64_t steps) {
  if (p.boundary != Boundary::periodic) {
    throw InputError("the exact reference needs periodic boundaries, got '" +
                     std::string(to_string(p.boundary)) + "'");
  }
  if (s.chi_field) {
    throw InputError("the exact reference needs a scalar chi, got a chi field");
  }
  const Grid& g = s.grid();
  std::vector<Complex> a_now = to_complex(s.E);
  std::vector<Complex> a_old = to_complex(s.E_prev);
  transform(a_now, g, FFTW_FORWARD);
  transform(a_old, g, FFTW_FORWARD);

  const double keep = 1 - p.gamma_damp;
  const auto symbols = axis_symbols(p, g);
  const auto cells = static_cast<std::ptrdiff_t>(g.cells());
  // Each mode is its own recurrence, so threads change no value.
#pragma omp parallel for schedule(static) if (g.worth_threads())
  for (std::ptrdiff_t i = 0; i < cells; ++i) {
    const double lambda = mode_symbol(symbols, g.coords(static_cast<std::size_t>(i)));
    const double growth = 2 - p.gamma_damp - p.dt * p.dt * (p.c2() * lambda + p.chi * p.chi);
    Complex now = a_now[i], old = a_old[i];
    for (std::int64_t n = 0; n < steps; ++n) {
      const Complex next = growth * now - keep * old;
      old = now;
      now = next;
    }
    a_now[i] = now;
    a_old[i] = old;
  }

  transform(a_now, g, FFTW_BACKWARD);
  transform(a_old, g, FFTW_BACKWARD);
  const double scale = 1.0 / static_cast<double>(g.cells());
#pragma omp parallel for schedule(static) if (g.worth_threads())
  for (std::ptrdiff_t i = 0; i < cells; ++i) {
    s.E[i] = a_now[i].real() * scale;
    s.E_prev[i] = a_old[i].real() * scale;
  }
  s.step += steps;
}

State<double> travelling_wave(const Grid& g, const Params& p,
                              const std::function<Complex(const Grid::Index&)>& psi) {
  const auto cells = static_cast<std::ptrdiff_t>(g.cells());
  State<double> s{Field<double>(g), Field<double>(g), std::nullopt, 0};
  std::vector<Complex> wave(g.cells());
  // Cell by cell and independent, so threads change no value.
#pragma omp parallel for schedule(static) if (g.worth_threads())
  for (std::ptrdiff_t i = 0; i < cells; ++i) {
    wave[i] = psi(g.coords(static_cast<std::size_t>(i)));
    s.E[i] = wave[i].real();
  }
  transform(wave, g, FFTW_FORWARD);
  const auto symbols = axis_symbols(p, g);
  const double chi2 = p.chi * p.chi;
#pragma omp parallel for schedule(static) if (g.worth_threads())
  for (std::ptrdiff_t i = 0; i < cells; ++i) {
    const double lambda = mode_symbol(symbols, g.coords(static_cast<std::size_t>(i)));
    // e^{i(k·x − ωt)} at t = −Δt, ω from discrete_omega's formula.
    const double omega = 2 / p.dt * std::asin(p.dt * std::sqrt(p.c2() * lambda + chi2) / 2);
    wave[i] *= std::polar(1.0 / static_cast<double>(g.cells()), omega * p.dt);
  }
  transform(wave, g, FFTW_BACKWARD);
#pragma omp parallel for schedule(static) if (g.worth_threads())
  for (std::ptrdiff_t i = 0; i < cells; ++i) s.E_prev[i] = wave[i].real();
  return s;
}

}  // namespace lfm
