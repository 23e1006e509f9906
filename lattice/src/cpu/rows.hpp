#pragma once
// The row machinery shared by the `cpu` and `cpu_temporal` backends: both
// update a cell through the same functions in the same order, which is what
// makes their fields bit-identical. A grid is seen as (nz, ny, nx) rows of
// the contiguous axis (cpu/shape.hpp).
//
// Each file that includes this compiles its own copy of the row loops, so
// each must take the optimized CPU flags; one that did not would step with
// slower code, or round differently, and no test of the results would say.
#ifndef LFM_CPU_FLAGS
#error "cpu/rows.hpp needs the optimized CPU flags: add this file to lfm_cpu_sources in lattice/CMakeLists.txt"
#endif
#include <algorithm>
#include <cstddef>
#include <type_traits>

#include "cpu/shape.hpp"
#include "lattice/grid.hpp"
#include "lattice/kernels/boundary.hpp"
#include "lattice/kernels/leapfrog.hpp"
#include "lattice/kernels/periodic.hpp"
#include "lattice/params.hpp"

namespace lfm::cpu {

// One step's inputs: E (read with neighbours), E_prev (read at each cell,
// then overwritten in place with E_next), χ when it is a field.
template <class T>
struct StepArgs {
  const T* e;
  T* prev_out;
  const T* chi;
  Shape3 s;
  kernels::LeapfrogCoefficients<T> k;
  bool absorbing;
  std::size_t width;
  T factor;
  // Where the slices of axis 0 (z in 3D, y in 2D, the cells x in 1D) lie
  // in the whole lattice, for the absorbing band: slice i is slice
  // (i + outer_shift) mod outer_n there. The whole lattice: shift 0, its
  // own extent. A rank's padded part of a distributed lattice sets them.
  long outer_shift;
  std::size_t outer_n;
  // The same for the rows of a 3D plane (axis 1), when a rank holds a part
  // of them too.
  long middle_shift;
  std::size_t middle_n;
  std::size_t outer(std::size_t i) const { return wrapped(i, outer_shift, outer_n); }
  std::size_t middle(std::size_t i) const { return wrapped(i, middle_shift, middle_n); }
  static std::size_t wrapped(std::size_t i, long shift, std::size_t extent) {
    const long n = static_cast<long>(extent), g = (static_cast<long>(i) + shift) % n;
    return static_cast<std::size_t>(g < 0 ? g + n : g);
  }
};

template <class T>
StepArgs<T> step_args(const T* e, T* prev_out, const T* chi, const Grid& g, const Params& p) {
  const Shape3 s = shape3(g);
  return {e, prev_out, chi, s, kernels::coefficients<T>(p), p.boundary == Boundary::absorbing,
          static_cast<std::size_t>(p.absorb_width), static_cast<T>(p.absorb_factor), 0,
          g.dims() == 3 ? s.nz : g.dims() == 2 ? s.ny : s.nx, 0, s.ny};
}

namespace detail {

template <class T>
struct Rows {
  const T* e;
  T* prev_out;
  const T* y[4];  // rows y−2, y−1, y+1, y+2
  const T* z[4];
  const T* chi;
};

template <class T, int Dims, int Order, bool ChiField>
inline void cell(const Rows<T>& r, std::size_t x, std::size_t xm2, std::size_t xm1, std::size_t xp1,
                 std::size_t xp2, const kernels::LeapfrogCoefficients<T>& k) {
  const T c = r.e[x];
  T s;
  if constexpr (Order == 2) {
    s = kernels::axis_o2(r.e[xm1], c, r.e[xp1]);
    if constexpr (Dims >= 2) s += kernels::axis_o2(r.y[1][x], c, r.y[2][x]);
    if constexpr (Dims == 3) s += kernels::axis_o2(r.z[1][x], c, r.z[2][x]);
  } else {
    s = kernels::axis_o4(r.e[xm2], r.e[xm1], c, r.e[xp1], r.e[xp2]);
    if constexpr (Dims >= 2) s += kernels::axis_o4(r.y[0][x], r.y[1][x], c, r.y[2][x], r.y[3][x]);
    if constexpr (Dims == 3) s += kernels::axis_o4(r.z[0][x], r.z[1][x], c, r.z[2][x], r.z[3][x]);
  }
  const T chi2 = ChiField ? r.chi[x] * r.chi[x] : k.chi2;
  r.prev_out[x] = kernels::leapfrog(c, r.prev_out[x], s, chi2, k);
}

}  // namespace detail

// Cells [x_begin, x_end) of row (z, y): the wrapped ends cell by cell, the
// interior as one clean loop the compiler vectorizes, then the absorbing
// sponge while the row is hot. A cell's update does not depend on which
// range it falls in, so a row may be cut anywhere.
template <class T, int Dims, int Order, bool ChiField>
void update_cells(const StepArgs<T>& a, std::size_t z, std::size_t y, std::size_t x_begin, std::size_t x_end) {
  const Shape3& s = a.s;
  const std::size_t at = z * s.plane() + y * s.nx;
  detail::Rows<T> r{a.e + at, a.prev_out + at, {}, {}, ChiField ? a.chi + at : nullptr};
  for (int j = 0; j < 4; ++j) {
    const long off = j < 2 ? j - 2 : j - 1;
    if (Dims >= 2) r.y[j] = a.e + z * s.plane() + kernels::wrap(y, off, s.ny) * s.nx;
    if (Dims == 3) r.z[j] = a.e + kernels::wrap(z, off, s.nz) * s.plane() + y * s.nx;
  }
  constexpr std::size_t radius = Order / 2;
  constexpr std::size_t o4 = Order == 4 ? 1 : 0;
  const std::size_t nx = s.nx;
  const auto wrapped = [&](std::size_t x) {
    detail::cell<T, Dims, Order, ChiField>(r, x, kernels::wrap(x, -2, nx), kernels::wrap(x, -1, nx),
                                           kernels::wrap(x, 1, nx), kernels::wrap(x, 2, nx), a.k);
  };
  const std::size_t lo = std::clamp(radius, x_begin, x_end), hi = std::clamp(nx - radius, lo, x_end);
  for (std::size_t x = x_begin; x < lo; ++x) wrapped(x);
#pragma omp simd
  for (std::size_t x = lo; x < hi; ++x) {
    detail::cell<T, Dims, Order, ChiField>(r, x, x - 2 * o4, x - 1, x + 1, x + 2 * o4, a.k);
  }
  for (std::size_t x = hi; x < x_end; ++x) wrapped(x);
  if (a.absorbing) {
    const std::size_t w = a.width;
    const std::size_t gz = Dims == 3 ? a.outer(z) : z, nz = Dims == 3 ? a.outer_n : s.nz;
    const std::size_t gy = Dims == 2 ? a.outer(y) : Dims == 3 ? a.middle(y) : y;
    const std::size_t ny = Dims == 2 ? a.outer_n : Dims == 3 ? a.middle_n : s.ny;
    const int band = (Dims == 3 && kernels::in_band(gz, nz, w)) + (Dims >= 2 && kernels::in_band(gy, ny, w));
    T* out = a.prev_out + at;
    if (Dims == 1 && (a.outer_shift != 0 || a.outer_n != nx)) {  // a rank's part of a line
      for (std::size_t x = x_begin; x < x_end; ++x) {
        out[x] = kernels::absorb(out[x], kernels::in_band(a.outer(x), a.outer_n, w), a.factor);
      }
      return;
    }
    for (std::size_t x = x_begin; x < x_end; ++x) {
      out[x] = kernels::absorb(out[x], band + kernels::in_band(x, nx, w), a.factor);
    }
  }
}

// The whole row (z, y).
template <class T, int Dims, int Order, bool ChiField>
void update_row(const StepArgs<T>& a, std::size_t z, std::size_t y) {
  update_cells<T, Dims, Order, ChiField>(a, z, y, 0, a.s.nx);
}

// SPEC §3 reflective within plane z of a freshly updated field: rows y = 0
// and ny−1 take their neighbours' values, then the row ends along x. With
// the z planes done afterwards, every cell ends as the update at its
// clamped coordinates, exactly what the axis-by-axis copy gives.
// Called by every thread of a parallel region (or serially).
template <class T>
void reflect_in_plane(T* f, const Shape3& s, int dims, std::size_t z) {
  T* p = f + z * s.plane();
  if (dims >= 2) {
#pragma omp for schedule(static)
    for (std::size_t x = 0; x < s.nx; ++x) kernels::reflect_line(p, x, s.nx, s.ny);
  }
#pragma omp for schedule(static)
  for (std::size_t y = 0; y < s.ny; ++y) kernels::reflect_line(p, y * s.nx, std::size_t{1}, s.nx);
}

// The z part of reflective: both end planes at once.
template <class T>
void reflect_end_planes(T* f, const Shape3& s) {
#pragma omp for schedule(static)
  for (std::size_t i = 0; i < s.plane(); ++i) kernels::reflect_line(f, i, s.plane(), s.nz);
}

// The z part of reflective for end plane z alone (0 or nz − 1), for a
// schedule that reaches the two ends at different times.
template <class T>
void reflect_end_plane(T* f, const Shape3& s, std::size_t z) {
  const std::size_t from = kernels::reflected(z, s.nz);
#pragma omp for schedule(static)
  for (std::size_t i = 0; i < s.plane(); ++i) f[z * s.plane() + i] = f[from * s.plane() + i];
}

}  // namespace lfm::cpu

namespace lfm::cpu {

// Calls f(dims, order, chi_field) with each as a compile-time constant, so
// the row loops are instantiated without branches inside them.
template <class F>
void dispatch(int dims, int order, bool chi_field, F&& f) {
  const auto with_chi = [&](auto d, auto o) {
    if (chi_field) {
      f(d, o, std::true_type{});
    } else {
      f(d, o, std::false_type{});
    }
  };
  const auto with_order = [&](auto d) {
    if (order == 2) {
      with_chi(d, std::integral_constant<int, 2>{});
    } else {
      with_chi(d, std::integral_constant<int, 4>{});
    }
  };
  switch (dims) {
    case 1: with_order(std::integral_constant<int, 1>{}); break;
    case 2: with_order(std::integral_constant<int, 2>{}); break;
    default: with_order(std::integral_constant<int, 3>{}); break;
  }
}

}  // namespace lfm::cpu
