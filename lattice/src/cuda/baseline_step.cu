// `cuda_baseline`: the first GPU port one would write, kept as the yardstick
// for `cuda`. One thread per cell with its coordinates recovered by
// division, and one launch per term: the Laplacian sum into a scratch field,
// χ² into another, the leapfrog combination into a third buffer, then one
// launch per axis for the boundary. Same per-cell functions as `cpu`.
#include "cuda/step_args.cuh"
#include "cuda/steps.cuh"

namespace lfm::cuda {
namespace {

constexpr int threads = 256;

unsigned blocks_for(long n) { return static_cast<unsigned>((n + threads - 1) / threads); }

template <class T>
__global__ void stencil_sum(const T* e, T* sum, Extents d, int order) {
  const long i = blockIdx.x * static_cast<long>(blockDim.x) + threadIdx.x;
  if (i >= d.cells()) return;
  const int x = static_cast<int>(i % d.nx);
  const int y = static_cast<int>((i / d.nx) % d.ny);
  const int z = static_cast<int>(i / (static_cast<long>(d.nx) * d.ny));
  // E at this cell moved by (dz, dy, dx), wrapped.
  const auto at = [&](int dz, int dy, int dx) {
    return e[(static_cast<long>(kernels::wrap(z, dz, d.nz)) * d.ny + kernels::wrap(y, dy, d.ny)) * d.nx +
             kernels::wrap(x, dx, d.nx)];
  };
  const T c = e[i];
  T s;
  if (order == 2) {
    s = kernels::axis_o2(at(0, 0, -1), c, at(0, 0, 1));
    if (d.dims >= 2) s += kernels::axis_o2(at(0, -1, 0), c, at(0, 1, 0));
    if (d.dims == 3) s += kernels::axis_o2(at(-1, 0, 0), c, at(1, 0, 0));
  } else {
    s = kernels::axis_o4(at(0, 0, -2), at(0, 0, -1), c, at(0, 0, 1), at(0, 0, 2));
    if (d.dims >= 2) s += kernels::axis_o4(at(0, -2, 0), at(0, -1, 0), c, at(0, 1, 0), at(0, 2, 0));
    if (d.dims == 3) s += kernels::axis_o4(at(-2, 0, 0), at(-1, 0, 0), c, at(1, 0, 0), at(2, 0, 0));
  }
  sum[i] = s;
}

template <class T>
__global__ void chi_squared(const T* chi, T scalar_chi2, T* out, long cells) {
  const long i = blockIdx.x * static_cast<long>(blockDim.x) + threadIdx.x;
  if (i >= cells) return;
  out[i] = chi ? chi[i] * chi[i] : scalar_chi2;
}

template <class T>
__global__ void combine(const T* e, const T* prev, const T* sum, const T* chi2, T* next,
                        kernels::LeapfrogCoefficients<T> k, long cells) {
  const long i = blockIdx.x * static_cast<long>(blockDim.x) + threadIdx.x;
  if (i >= cells) return;
  next[i] = kernels::leapfrog(e[i], prev[i], sum[i], chi2[i], k);
}

// Absorbing along one axis: every cell is visited, those in the axis's band
// are multiplied (or zeroed) once.
template <class T>
__global__ void absorb_axis(T* f, Extents d, int axis, int width, T factor) {
  const long i = blockIdx.x * static_cast<long>(blockDim.x) + threadIdx.x;
  if (i >= d.cells()) return;
  const long stride = axis == 2 ? 1 : axis == 1 ? d.nx : static_cast<long>(d.nx) * d.ny;
  const int n = axis == 2 ? d.nx : axis == 1 ? d.ny : d.nz;
  const int c = static_cast<int>((i / stride) % n);
  if (kernels::in_band(c, n, width)) f[i] = kernels::absorb(f[i], 1, factor);
}

// Reflective along one axis: thread j copies one cell of each end plane.
template <class T>
__global__ void reflect_axis(T* f, Extents d, int axis) {
  const long j = blockIdx.x * static_cast<long>(blockDim.x) + threadIdx.x;
  const int n = axis == 2 ? d.nx : axis == 1 ? d.ny : d.nz;
  if (j >= d.cells() / n) return;
  const long stride = axis == 2 ? 1 : axis == 1 ? d.nx : static_cast<long>(d.nx) * d.ny;
  kernels::reflect_line(f, kernels::line_start(j, stride, static_cast<long>(n)), stride, static_cast<long>(n));
}

}  // namespace

template <class T>
void baseline_steps(Levels<T>& l, BaselineScratch<T>& scratch, const Params& p, std::int64_t steps) {
  const cudaStream_t stream = work_stream();
  const Extents d = l.d;
  const long cells = d.cells();
  T* sum = scratch.sum;
  T* chi2 = scratch.chi2;
  T* next = scratch.spare;
  const auto k = kernels::coefficients<T>(p);
  for (std::int64_t n = 0; n < steps; ++n) {
    stencil_sum<T><<<blocks_for(cells), threads, 0, stream>>>(l.e, sum, d, p.stencil_order);
    chi_squared<T><<<blocks_for(cells), threads, 0, stream>>>(l.chi, k.chi2, chi2, cells);
    combine<T><<<blocks_for(cells), threads, 0, stream>>>(l.e, l.prev, sum, chi2, next, k, cells);
    // Axis by axis, slowest first, as SPEC §3 orders them.
    for (int axis = 3 - d.dims; axis < 3; ++axis) {
      if (p.boundary == Boundary::absorbing) {
        absorb_axis<T><<<blocks_for(cells), threads, 0, stream>>>(next, d, axis, p.absorb_width,
                                                                  static_cast<T>(p.absorb_factor));
      } else if (p.boundary == Boundary::reflective) {
        const int extent = axis == 2 ? d.nx : axis == 1 ? d.ny : d.nz;
        reflect_axis<T><<<blocks_for(cells / extent), threads, 0, stream>>>(next, d, axis);
      }
    }
    // Rotate the three buffers: E_prev <- E <- E_next, the old E_prev becomes scratch.
    T* old_prev = l.prev;
    l.prev = l.e;
    l.e = next;
    next = old_prev;
  }
  scratch.spare = next;
  LFM_CUDA_CHECK(cudaGetLastError());
}

template void baseline_steps(Levels<double>&, BaselineScratch<double>&, const Params&, std::int64_t);
template void baseline_steps(Levels<float>&, BaselineScratch<float>&, const Params&, std::int64_t);

}  // namespace lfm::cuda
