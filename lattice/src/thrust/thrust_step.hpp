#pragma once
// The Thrust step, compiled twice: by thrust_backend.cpp on Thrust's OpenMP
// device system (`thrust_omp`) and by cuda/thrust_cuda.cu on its CUDA
// system (`thrust`). Everything here has internal linkage, so the two
// translation units' copies, built for different device systems, never
// meet at link time. Include it from those two files only.
#include <thrust/copy.h>
#include <thrust/device_vector.h>
#include <thrust/for_each.h>
#include <thrust/iterator/counting_iterator.h>

#include <utility>

#include "lattice/kernels/boundary.hpp"
#include "lattice/kernels/leapfrog.hpp"
#include "lattice/kernels/periodic.hpp"
#include "lattice/phase.hpp"
#include "lattice/state.hpp"

namespace lfm {
namespace {

// Extents and strides as (nz, ny, nx), 1D as (1, 1, n), 2D as (1, ny, nx).
struct Dims3 {
  long nz, ny, nx;
  int dims;
};

Dims3 dims3(const Grid& g) {
  const int d = g.dims();
  return {d == 3 ? static_cast<long>(g.extent(0)) : 1, d >= 2 ? static_cast<long>(g.extent(d - 2)) : 1,
          static_cast<long>(g.extent(d - 1)), d};
}

// One row of the contiguous axis for one step, in place over E_prev: per
// cell the same axis sums in the same order as the `cpu` rows (x, then y,
// then z), then the sponge. A row per work item keeps the index arithmetic
// out of the inner loop, which the compiler can then vectorize.
template <class T>
struct StepRow {
  const T* e;
  T* prev;
  const T* chi;  // nullptr: scalar χ from the coefficients
  Dims3 d;
  int order;
  kernels::LeapfrogCoefficients<T> k;
  bool absorbing;
  long width;
  T factor;

  LFM_HOST_DEVICE void operator()(long row) const {
    const long y = row % d.ny, z = row / d.ny;
    const long at = row * d.nx;
    const T* c = e + at;
    // The row pointers wrap any offset (an axis of 1 cell wraps ±2 onto itself).
    const T* ym1 = e + (z * d.ny + kernels::wrap_any(y - 1, d.ny)) * d.nx;
    const T* yp1 = e + (z * d.ny + kernels::wrap_any(y + 1, d.ny)) * d.nx;
    const T* ym2 = e + (z * d.ny + kernels::wrap_any(y - 2, d.ny)) * d.nx;
    const T* yp2 = e + (z * d.ny + kernels::wrap_any(y + 2, d.ny)) * d.nx;
    const T* zm1 = e + (kernels::wrap_any(z - 1, d.nz) * d.ny + y) * d.nx;
    const T* zp1 = e + (kernels::wrap_any(z + 1, d.nz) * d.ny + y) * d.nx;
    const T* zm2 = e + (kernels::wrap_any(z - 2, d.nz) * d.ny + y) * d.nx;
    const T* zp2 = e + (kernels::wrap_any(z + 2, d.nz) * d.ny + y) * d.nx;
    const int row_band =
        (d.dims == 3 && kernels::in_band(z, d.nz, width)) + (d.dims >= 2 && kernels::in_band(y, d.ny, width));
    for (long x = 0; x < d.nx; ++x) {
      const long xm1 = kernels::wrap(x, -1, d.nx), xp1 = kernels::wrap(x, 1, d.nx);
      T s;
      if (order == 2) {
        s = kernels::axis_o2(c[xm1], c[x], c[xp1]);
        if (d.dims >= 2) s += kernels::axis_o2(ym1[x], c[x], yp1[x]);
        if (d.dims == 3) s += kernels::axis_o2(zm1[x], c[x], zp1[x]);
      } else {
        const long xm2 = kernels::wrap(x, -2, d.nx), xp2 = kernels::wrap(x, 2, d.nx);
        s = kernels::axis_o4(c[xm2], c[xm1], c[x], c[xp1], c[xp2]);
        if (d.dims >= 2) s += kernels::axis_o4(ym2[x], ym1[x], c[x], yp1[x], yp2[x]);
        if (d.dims == 3) s += kernels::axis_o4(zm2[x], zm1[x], c[x], zp1[x], zp2[x]);
      }
      const T chi2 = chi ? chi[at + x] * chi[at + x] : k.chi2;
      T v = kernels::leapfrog(c[x], prev[at + x], s, chi2, k);
      if (absorbing) v = kernels::absorb(v, row_band + kernels::in_band(x, d.nx, width), factor);
      prev[at + x] = v;
    }
  }
};

// SPEC §3 reflective along one axis: index j enumerates the lines that
// cross it, one per cell of a boundary plane; both ends are done by the same j.
template <class T>
struct ReflectAxis {
  T* f;
  long n, stride;  // extent of the axis and its stride

  LFM_HOST_DEVICE void operator()(long j) const {
    kernels::reflect_line(f, kernels::line_start(j, stride, n), stride, n);
  }
};

template <class T>
void advance_thrust(State<T>& s, const Params& p, std::int64_t steps) {
  const ScopedPhase phase("thrust update (stencil, chi, damping, boundaries)");
  const Dims3 d = dims3(s.grid());
  const long cells = d.nz * d.ny * d.nx;
  // Device copies for the whole call (host memory under the OpenMP system).
  thrust::device_vector<T> a(s.E.data(), s.E.data() + cells);
  thrust::device_vector<T> b(s.E_prev.data(), s.E_prev.data() + cells);
  thrust::device_vector<T> chi;
  if (s.chi_field) chi.assign(s.chi_field->data(), s.chi_field->data() + cells);
  T* e = thrust::raw_pointer_cast(a.data());
  T* prev = thrust::raw_pointer_cast(b.data());
  const thrust::counting_iterator<long> first(0);

  for (std::int64_t n = 0; n < steps; ++n) {
    StepRow<T> rows{e, prev, s.chi_field ? thrust::raw_pointer_cast(chi.data()) : nullptr, d,
                    p.stencil_order, kernels::coefficients<T>(p), p.boundary == Boundary::absorbing,
                    p.absorb_width, static_cast<T>(p.absorb_factor)};
    thrust::for_each(first, first + d.nz * d.ny, rows);
    if (p.boundary == Boundary::reflective) {
      // Axis by axis, slowest first, as the specification orders them.
      const long extent[3] = {d.nz, d.ny, d.nx};
      for (int axis = 3 - d.dims; axis < 3; ++axis) {
        const long stride = axis == 2 ? 1 : axis == 1 ? d.nx : d.nx * d.ny;
        thrust::for_each(first, first + cells / extent[axis], ReflectAxis<T>{prev, extent[axis], stride});
      }
    }
    std::swap(e, prev);
    ++s.step;
  }
  thrust::copy(thrust::device_pointer_cast(e), thrust::device_pointer_cast(e) + cells, s.E.data());
  thrust::copy(thrust::device_pointer_cast(prev), thrust::device_pointer_cast(prev) + cells, s.E_prev.data());
}

}  // namespace
}  // namespace lfm
