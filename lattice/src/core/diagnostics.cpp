// Diagnostics are accumulated in float64 for either precision, so that the
// conservation checks measure the update's error, not the diagnostic's.
#include "lattice/diagnostics.hpp"

#include <cmath>
#include <vector>

#include "lattice/kernels/diagnostics.hpp"
#include "lattice/kernels/periodic.hpp"

namespace lfm {
namespace {

// Σ f(i, c) over every cell, stepping the coordinates instead of dividing
// the flat index. Slices of the slowest axis are summed in parallel into
// their own partial sums, which are then added in slice order: the result
// is the same whatever the number of threads.
template <class F>
double sum_over_cells(const Grid& g, F&& f) {
  const std::size_t n0 = g.extent(0);
  const std::size_t n1 = g.dims() > 1 ? g.extent(1) : 1;
  const std::size_t n2 = g.dims() > 2 ? g.extent(2) : 1;
  std::vector<double> partial(n0, 0.0);
#pragma omp parallel for schedule(static) if (g.worth_threads())
  for (std::size_t i0 = 0; i0 < n0; ++i0) {
    Grid::Index c{i0, 0, 0};
    std::size_t i = i0 * n1 * n2;
    double sum = 0;
    for (c[1] = 0; c[1] < n1; ++c[1])
      for (c[2] = 0; c[2] < n2; ++c[2]) sum += f(i++, c);
    partial[i0] = sum;
  }
  double total = 0;
  for (const double p : partial) total += p;
  return total;
}

// Value of f at cell (i, c) moved by `offset` (|offset| < extent) along
// `axis`, with periodic wrap.
template <class T>
double at(const Field<T>& f, std::size_t i, const Grid::Index& c, int axis, long offset) {
  const Grid& g = f.grid();
  const std::size_t k = kernels::wrap(c[axis], offset, g.extent(axis));
  const long shift = (static_cast<long>(k) - static_cast<long>(c[axis])) * static_cast<long>(g.stride(axis));
  return static_cast<double>(f[static_cast<std::size_t>(static_cast<long>(i) + shift)]);
}

double cell_volume(const Params& p, int dims) { return std::pow(p.dx, dims); }

// SPEC §4's energy integrand at cell (i, c), shared by energy() and
// energy_density().
template <class T>
double energy_integrand(const State<T>& s, const kernels::DiagnosticCoefficients& k, const Params& p, std::size_t i,
                        const Grid::Index& c) {
  const auto e_at = [&](int axis, long offset) { return at(s.E, i, c, axis, offset); };
  return kernels::energy_term(s.E[i], s.E_prev[i], s.chi_at(i, p), s.grid().dims(), e_at, k);
}

}  // namespace

template <class T>
double energy(const State<T>& s, const Params& p) {
  const auto k = kernels::diagnostic_coefficients(p);
  const double sum = sum_over_cells(s.grid(), [&](std::size_t i, const Grid::Index& c) {
    return energy_integrand(s, k, p, i, c);
  });
  return cell_volume(p, s.grid().dims()) * sum;
}

template <class T>
void energy_density(const State<T>& s, const Params& p, Field<double>& out) {
  const Grid& g = s.grid();
  if (!(out.grid() == g)) out = Field<double>(g);
  const std::size_t n1 = g.dims() > 1 ? g.extent(1) : 1;
  const std::size_t n2 = g.dims() > 2 ? g.extent(2) : 1;
  const auto k = kernels::diagnostic_coefficients(p);
  std::size_t i = 0;
  Grid::Index c{0, 0, 0};
  for (c[0] = 0; c[0] < g.extent(0); ++c[0])
    for (c[1] = 0; c[1] < n1; ++c[1])
      for (c[2] = 0; c[2] < n2; ++c[2], ++i) out[i] = energy_integrand(s, k, p, i, c);
}

template <class T>
double invariant(const State<T>& s, const Params& p) {
  const Grid& g = s.grid();
  const auto k = kernels::diagnostic_coefficients(p);
  const double sum = sum_over_cells(g, [&](std::size_t i, const Grid::Index& c) {
    const auto prev_at = [&](int axis, long offset) { return at(s.E_prev, i, c, axis, offset); };
    return kernels::invariant_term(s.E[i], s.E_prev[i], s.chi_at(i, p), g.dims(), prev_at, k);
  });
  return cell_volume(p, g.dims()) * sum;
}

template <class T>
double momentum(const State<T>& s, const Params& p, int axis) {
  const Grid& g = s.grid();
  const double sum = sum_over_cells(g, [&](std::size_t i, const Grid::Index& c) {
    const double e_t = (static_cast<double>(s.E[i]) - static_cast<double>(s.E_prev[i])) / p.dt;
    const double d = kernels::central_difference(at(s.E_prev, i, c, axis, 1), at(s.E_prev, i, c, axis, -1), p.dx);
    return e_t * d;
  });
  return cell_volume(p, g.dims()) * sum;
}

template <class T>
double max_abs(const Field<T>& f) {
  double m = 0;
  for (const T v : f.values()) {
    const double a = std::abs(static_cast<double>(v));
    if (std::isnan(a)) return a;  // a blown-up field is never reported as finite
    if (a > m) m = a;
  }
  return m;
}

template <class T>
bool all_finite(const Field<T>& f) {
  for (const T v : f.values()) {
    if (!std::isfinite(v)) return false;
  }
  return true;
}

#define LFM_INSTANTIATE(T)                                       \
  template double energy(const State<T>&, const Params&);        \
  template double invariant(const State<T>&, const Params&);     \
  template double momentum(const State<T>&, const Params&, int); \
  template double max_abs(const Field<T>&);                      \
  template bool all_finite(const Field<T>&);
LFM_INSTANTIATE(double)
LFM_INSTANTIATE(float)
#undef LFM_INSTANTIATE
template void energy_density(const State<double>&, const Params&, Field<double>&);
template void energy_density(const State<float>&, const Params&, Field<double>&);

double energy(const AnyState& s, const Params& p) {
  return std::visit([&](const auto& st) { return energy(st, p); }, s);
}
double invariant(const AnyState& s, const Params& p) {
  return std::visit([&](const auto& st) { return invariant(st, p); }, s);
}
double max_abs(const AnyState& s) {
  return std::visit([](const auto& st) { return max_abs(st.E); }, s);
}
bool all_finite(const AnyState& s) {
  return std::visit([](const auto& st) { return all_finite(st.E) && all_finite(st.E_prev); }, s);
}

}  // namespace lfm
