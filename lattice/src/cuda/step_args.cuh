#pragma once
// What every step kernel reads: the two levels, χ, extents and the
// coefficients, passed by value (kernel parameters live in constant memory).
#include "cuda/device_fields.cuh"
#include "lattice/kernels/leapfrog.hpp"

namespace lfm::cuda {

template <class T>
struct StepArgs {
  const T* e;
  T* prev;       // read at each cell, then overwritten with E_next
  const T* chi;  // nullptr: k.chi2
  Extents d;
  kernels::LeapfrogCoefficients<T> k;
  bool absorbing;
  int width;
  T factor;
};

template <class T>
StepArgs<T> step_args(const Levels<T>& l, const Params& p) {
  return {l.e, l.prev, l.chi, l.d, kernels::coefficients<T>(p), p.boundary == Boundary::absorbing,
          p.absorb_width, static_cast<T>(p.absorb_factor)};
}

// i mod n for any i (a block past the edge of a small axis can reach 2n).
__device__ inline int wrap_any(int i, int n) {
  const int m = i % n;
  return m < 0 ? m + n : m;
}

// i + offset for |offset| < n: one compare instead of a division.
__device__ inline int wrap_near(int i, int n) { return i < 0 ? i + n : i >= n ? i - n : i; }

// 1 when coordinate i of an axis of n cells lies in the absorbing band.
__device__ inline int in_band(int i, int n, int width) { return i < width || i >= n - width; }

}  // namespace lfm::cuda
