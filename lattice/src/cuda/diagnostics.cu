// On-device diagnostics: each is a transform-reduce over the cells (CUB),
// the per-cell term computed from E, E_prev and χ where they lie, so no
// field leaves the device. Terms and sums are in float64 whatever the run's
// precision, as on the host (diagnostics.cpp).
#include <cub/device/device_reduce.cuh>
#include <thrust/iterator/counting_iterator.h>

#include <cmath>

#include "cuda/device_memory.cuh"
#include "cuda/diagnostics.cuh"
#include "lattice/kernels/diagnostics.hpp"
#include "lattice/kernels/periodic.hpp"

namespace lfm::cuda {
namespace {

// Cell i's coordinates and its neighbours at ±offset along an axis, wrapped.
struct CellIndex {
  Extents d;
  __device__ void coords(long i, int c[3]) const {
    c[2] = static_cast<int>(i % d.nx);
    c[1] = static_cast<int>((i / d.nx) % d.ny);
    c[0] = static_cast<int>(i / (static_cast<long>(d.nx) * d.ny));
  }
  // Axis a of the grid's d.dims (0 slowest) is axis 3 − dims + a of (nz, ny, nx).
  __device__ long moved(const int c[3], int grid_axis, int offset) const {
    const int axis = 3 - d.dims + grid_axis;
    int k[3] = {c[0], c[1], c[2]};
    k[axis] = kernels::wrap(k[axis], offset, axis == 0 ? d.nz : axis == 1 ? d.ny : d.nx);
    return (static_cast<long>(k[0]) * d.ny + k[1]) * d.nx + k[2];
  }
};

template <class T>
struct Terms {
  const T* e;
  const T* prev;
  const T* chi;
  CellIndex at;
  kernels::DiagnosticCoefficients k;
  double chi_scalar;

  __device__ double chi_at(long i) const { return chi ? static_cast<double>(chi[i]) : chi_scalar; }
};

// SPEC §4's energy integrand at cell i (kernels/diagnostics.hpp).
template <class T>
struct EnergyTerm {
  Terms<T> t;
  __device__ double operator()(long i) const {
    int c[3];
    t.at.coords(i, c);
    const auto e_at = [&](int axis, int offset) { return static_cast<double>(t.e[t.at.moved(c, axis, offset)]); };
    return kernels::energy_term(t.e[i], t.prev[i], t.chi_at(i), t.at.d.dims, e_at, t.k);
  }
};

// The integrand of the invariant H at cell i (kernels/diagnostics.hpp).
template <class T>
struct InvariantTerm {
  Terms<T> t;
  __device__ double operator()(long i) const {
    int c[3];
    t.at.coords(i, c);
    const auto prev_at = [&](int axis, int offset) { return static_cast<double>(t.prev[t.at.moved(c, axis, offset)]); };
    return kernels::invariant_term(t.e[i], t.prev[i], t.chi_at(i), t.at.d.dims, prev_at, t.k);
  }
};

template <class T>
struct AbsTerm {
  const T* e;
  __device__ double operator()(long i) const { return fabs(static_cast<double>(e[i])); }
};

template <class T>
struct NonFiniteTerm {
  const T* e;
  __device__ long long operator()(long i) const { return isfinite(static_cast<double>(e[i])) ? 0 : 1; }
};

struct Sum {
  template <class V>
  __device__ V operator()(V a, V b) const { return a + b; }
};
struct Max {
  __device__ double operator()(double a, double b) const { return a > b ? a : b; }
};

// One transform-reduce over all cells into *out (device), temp storage from the pool.
template <class V, class Op, class F>
void reduce(long cells, V* out, Op op, F term, V init) {
  const cudaStream_t stream = work_stream();
  const thrust::counting_iterator<long> first(0);
  std::size_t bytes = 0;
  LFM_CUDA_CHECK(cub::DeviceReduce::TransformReduce(nullptr, bytes, first, out, cells, op, term, init, stream));
  DeviceBuffer<unsigned char> temp(bytes);
  LFM_CUDA_CHECK(cub::DeviceReduce::TransformReduce(temp.data(), bytes, first, out, cells, op, term, init, stream));
}

}  // namespace

template <class T>
DeviceDiagnostics diagnose(const Levels<T>& l, const Params& p) {
  const long cells = l.d.cells();
  const Terms<T> t{l.e, l.prev, l.chi, CellIndex{l.d}, kernels::diagnostic_coefficients(p),
                   static_cast<double>(static_cast<T>(p.chi))};  // χ rounded as State::chi_at does
  DeviceBuffer<double> sums(3);
  DeviceBuffer<long long> bad(1);
  reduce(cells, sums.data(), Sum{}, EnergyTerm<T>{t}, 0.0);
  reduce(cells, sums.data() + 1, Sum{}, InvariantTerm<T>{t}, 0.0);
  reduce(cells, sums.data() + 2, Max{}, AbsTerm<T>{l.e}, 0.0);
  reduce(cells, bad.data(), Sum{}, NonFiniteTerm<T>{l.e}, 0LL);
  double host[3];
  long long nonfinite = 0;
  LFM_CUDA_CHECK(cudaMemcpyAsync(host, sums.data(), sizeof host, cudaMemcpyDeviceToHost, work_stream()));
  LFM_CUDA_CHECK(cudaMemcpyAsync(&nonfinite, bad.data(), sizeof nonfinite, cudaMemcpyDeviceToHost, work_stream()));
  LFM_CUDA_CHECK(cudaStreamSynchronize(work_stream()));
  const double volume = std::pow(p.dx, l.d.dims);
  DeviceDiagnostics out{volume * host[0], volume * host[1], host[2], nonfinite == 0};
  // As on the host, a field holding NaN never reports a finite maximum.
  if (!out.finite) out.max_abs = NAN;
  return out;
}

template DeviceDiagnostics diagnose(const Levels<double>&, const Params&);
template DeviceDiagnostics diagnose(const Levels<float>&, const Params&);

}  // namespace lfm::cuda
