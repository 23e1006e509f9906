// On-device diagnostics: each is a transform-reduce over the cells (CUB),
// the per-cell term computed from E, E_prev and χ where they lie, so no
// field leaves the device. Terms and sums are in float64 whatever the run's
// precision, as on the host (diagnostics.cpp).
#include <cub/device/device_reduce.cuh>
#include <thrust/iterator/counting_iterator.h>

#include <cmath>

#include "cuda/device_memory.cuh"
#include "cuda/diagnostics.cuh"

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
  __device__ long moved(const int c[3], int axis, int offset) const {
    int k[3] = {c[0], c[1], c[2]};
    const int n = axis == 0 ? d.nz : axis == 1 ? d.ny : d.nx;
    k[axis] += offset;
    k[axis] += k[axis] < 0 ? n : (k[axis] >= n ? -n : 0);
    return (static_cast<long>(k[0]) * d.ny + k[1]) * d.nx + k[2];
  }
};

template <class T>
struct Terms {
  const T* e;
  const T* prev;
  const T* chi;
  CellIndex at;
  double dt, dx, c2, chi_scalar;
  int order;

  __device__ double chi_at(long i) const { return chi ? static_cast<double>(chi[i]) : chi_scalar; }
};

// ½ (E_t² + c² |∇E|² + χ² E²), central differences.
template <class T>
struct EnergyTerm {
  Terms<T> t;
  __device__ double operator()(long i) const {
    int c[3];
    t.at.coords(i, c);
    const double e = t.e[i];
    const double e_t = (e - static_cast<double>(t.prev[i])) / t.dt;
    double grad2 = 0;
    for (int axis = 3 - t.at.d.dims; axis < 3; ++axis) {
      const double g = (static_cast<double>(t.e[t.at.moved(c, axis, 1)]) - t.e[t.at.moved(c, axis, -1)]) / (2 * t.dx);
      grad2 += g * g;
    }
    const double chi = t.chi_at(i);
    return 0.5 * (e_t * e_t + t.c2 * grad2 + chi * chi * e * e);
  }
};

// ½ ((E − E_prev)/Δt)² + ½ E · (A E_prev), A = −c²∇²_h + χ² (SPEC §4).
template <class T>
struct InvariantTerm {
  Terms<T> t;
  __device__ double operator()(long i) const {
    int c[3];
    t.at.coords(i, c);
    const double older = t.prev[i];
    double lap = 0;
    for (int axis = 3 - t.at.d.dims; axis < 3; ++axis) {
      const auto p = [&](int o) { return static_cast<double>(t.prev[t.at.moved(c, axis, o)]); };
      lap += t.order == 2 ? p(-1) - 2 * older + p(1) : (-p(-2) + 16 * p(-1) - 30 * older + 16 * p(1) - p(2)) / 12;
    }
    lap /= t.dx * t.dx;
    const double chi = t.chi_at(i);
    const double e = t.e[i];
    const double e_t = (e - older) / t.dt;
    return 0.5 * e_t * e_t + 0.5 * e * (-t.c2 * lap + chi * chi * older);
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
  const Terms<T> t{l.e, l.prev, l.chi, CellIndex{l.d}, p.dt, p.dx, p.c2(),
                     static_cast<double>(static_cast<T>(p.chi)), p.stencil_order};  // χ rounded as State::chi_at does
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
