// The reference backend: SPEC §1–3 spelled out, one cell at a time, with no
// code shared with the optimized backends, so that one bug cannot hide on
// both sides of a comparison. Clarity over speed, deliberately.
#include "baseline/baseline.hpp"

#include "lattice/phase.hpp"

#include <utility>

namespace lfm {
namespace {

// E at the cell `c` moved by `offset` along `axis`, wrapping periodically.
template <class T>
T neighbour(const Field<T>& E, Grid::Index c, int axis, long offset) {
  const long n = static_cast<long>(E.grid().extent(axis));
  c[axis] = static_cast<std::size_t>(((static_cast<long>(c[axis]) + offset) % n + n) % n);
  return E[E.grid().flat(c)];
}

// SPEC §2: the per-axis second difference, order 2 or 4.
template <class T>
T axis_laplacian(const Field<T>& E, const Grid::Index& c, int axis, int order, T dx) {
  const T centre = neighbour(E, c, axis, 0);
  if (order == 2) {
    return (neighbour(E, c, axis, -1) - T(2) * centre + neighbour(E, c, axis, +1)) / (dx * dx);
  }
  return (-neighbour(E, c, axis, -2) + T(16) * neighbour(E, c, axis, -1) - T(30) * centre +
          T(16) * neighbour(E, c, axis, +1) - neighbour(E, c, axis, +2)) /
         (T(12) * dx * dx);
}

// SPEC §3 reflective: per axis in order, the first plane takes the values of
// the second, the last plane those of the second-to-last.
template <class T>
void reflect(Field<T>& E) {
  const Grid& g = E.grid();
  for (int axis = 0; axis < g.dims(); ++axis) {
    const std::size_t n = g.extent(axis);
    for (std::size_t i = 0; i < g.cells(); ++i) {
      Grid::Index c = g.coords(i);
      if (c[axis] == 0) {
        c[axis] = 1;
        E[i] = E[g.flat(c)];
      } else if (c[axis] == n - 1) {
        c[axis] = n - 2;
        E[i] = E[g.flat(c)];
      }
    }
  }
}

// SPEC §3 absorbing: per axis in order, the `width` planes at each end are
// zeroed (factor >= 1) or multiplied by the factor, so a corner is
// multiplied once per axis that reaches it.
template <class T>
void absorb(Field<T>& E, std::size_t width, T factor) {
  const Grid& g = E.grid();
  for (int axis = 0; axis < g.dims(); ++axis) {
    const std::size_t n = g.extent(axis);
    for (std::size_t i = 0; i < g.cells(); ++i) {
      const std::size_t k = g.coords(i)[axis];
      if (k < width || k >= n - width) E[i] = factor >= T(1) ? T(0) : E[i] * factor;
    }
  }
}

// SPEC §1: E_next = (2 − γ) E − (1 − γ) E_prev + Δt² (c² ∇²_h E − χ² E).
template <class T>
void update(const State<T>& s, const Params& p, Field<T>& E_next) {
  const Grid& g = s.grid();
  const T dt = static_cast<T>(p.dt);
  const T dx = static_cast<T>(p.dx);
  const T c2 = static_cast<T>(p.alpha) / static_cast<T>(p.beta);
  const T gamma = static_cast<T>(p.gamma_damp);

  const ScopedPhase update_phase("stencil update");
  for (std::size_t i = 0; i < g.cells(); ++i) {
    const Grid::Index c = g.coords(i);
    T laplacian = 0;
    for (int axis = 0; axis < g.dims(); ++axis) {
      laplacian += axis_laplacian(s.E, c, axis, p.stencil_order, dx);
    }
    const T chi = s.chi_at(i, p);
    E_next[i] = (T(2) - gamma) * s.E[i] - (T(1) - gamma) * s.E_prev[i] +
                dt * dt * (c2 * laplacian - chi * chi * s.E[i]);
  }
}

// SPEC §3: the boundary operator acts on E_next after the update.
template <class T>
void apply_boundary(const Params& p, Field<T>& E_next) {
  const ScopedPhase boundary_phase("boundaries");
  if (p.boundary == Boundary::reflective) reflect(E_next);
  if (p.boundary == Boundary::absorbing) {
    absorb(E_next, static_cast<std::size_t>(p.absorb_width), static_cast<T>(p.absorb_factor));
  }
}

template <class T>
void step(State<T>& s, const Params& p, Field<T>& E_next) {
  update(s, p, E_next);
  apply_boundary(p, E_next);

  // E_prev <- E, E <- E_next; the old E_prev becomes the next scratch field.
  std::swap(s.E_prev, s.E);
  std::swap(s.E, E_next);
  ++s.step;
}

template <class T>
void advance_baseline(State<T>& s, const Params& p, std::int64_t steps) {
  Field<T> scratch = [&] {
    const ScopedPhase allocation_phase("allocation");
    return Field<T>(s.grid());
  }();
  for (std::int64_t n = 0; n < steps; ++n) step(s, p, scratch);
}

}  // namespace

void BaselineBackend::advance(State<double>& s, const Params& p, std::int64_t steps) {
  advance_baseline(s, p, steps);
}

void BaselineBackend::advance(State<float>& s, const Params& p, std::int64_t steps) {
  advance_baseline(s, p, steps);
}

}  // namespace lfm
