#pragma once
// The step loops of the two hand-written CUDA backends, run on work_stream()
// without synchronizing. Both use the per-cell functions of
// kernels/leapfrog.hpp in the order of the `cpu` rows (x, then y, then z),
// so with --fmad=false their fields are bit-identical to `cpu`'s.
#include <cstdint>

#include "cuda/device_fields.cuh"
#include "cuda/tuning_cache.hpp"
#include "lattice/params.hpp"

namespace lfm::cuda {

// `cuda`: one fused launch per step (stencil, χ, damping and the absorbing
// sponge), one more on the boundary faces for reflective boundaries.
template <class T>
void fused_steps(Levels<T>& l, const Params& p, const TileShape& t, std::int64_t steps);

// `cuda_baseline`: a launch per term and per boundary axis, a third buffer
// for E_next and two scratch fields. The three level buffers rotate, so
// afterwards `l` and `scratch.spare` may point at any of them.
template <class T>
struct BaselineScratch {
  T* sum;    // Laplacian sum, one field
  T* chi2;   // χ² per cell, one field
  T* spare;  // where the next E_next goes, one field
};
template <class T>
void baseline_steps(Levels<T>& l, BaselineScratch<T>& scratch, const Params& p, std::int64_t steps);

// The tile shape for this grid on this GPU: from the tuning cache, else
// timed on copies of the levels (never on the levels themselves) and saved.
template <class T>
TileShape tuned_shape(const Levels<T>& l, const Params& p);

}  // namespace lfm::cuda
