#pragma once
// What every step kernel reads: the two levels, χ, extents and the
// coefficients, passed by value (kernel parameters live in constant memory).
#include "cuda/device_fields.cuh"
#include "lattice/kernels/boundary.hpp"
#include "lattice/kernels/leapfrog.hpp"
#include "lattice/kernels/periodic.hpp"

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

}  // namespace lfm::cuda
