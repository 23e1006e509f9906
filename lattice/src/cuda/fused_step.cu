// `cuda`: one fused launch per step. 3D grids use 2.5D tiling: a block
// owns a block_x × block_y column of the x–y plane and walks z_chunk planes
// along z; the current plane (with a halo of the stencil radius along x and
// y) sits in shared memory, the 2R+1 values along z in each thread's
// registers, so every value of E is read from memory about once per step.
// 1D and 2D grids run one thread per cell, x fastest (coalesced), with
// neighbours through the cache. Reflective boundaries are one more launch
// over the boundary faces only.
#include <algorithm>

#include "cuda/step_args.cuh"
#include "cuda/steps.cuh"

namespace lfm::cuda {
namespace {

template <class T, int R>
__global__ void fused_3d(StepArgs<T> a, int z_chunk) {
  extern __shared__ __align__(16) unsigned char shared[];
  T* tile = reinterpret_cast<T*>(shared);
  const int bx = blockDim.x, by = blockDim.y, tx = threadIdx.x, ty = threadIdx.y;
  const int pitch = bx + 2 * R;
  const int x0 = blockIdx.x * bx, y0 = blockIdx.y * by;
  const int x = x0 + tx, y = y0 + ty;
  const bool owner = x < a.d.nx && y < a.d.ny;
  // Threads past the edge of a partial block still load the (wrapped)
  // cells the owners' stencils need there; they just write nothing.
  const int lx = kernels::wrap_any(x, a.d.nx), ly = kernels::wrap_any(y, a.d.ny);
  const long plane = static_cast<long>(a.d.ny) * a.d.nx;
  const long column = static_cast<long>(ly) * a.d.nx + lx;
  const int halo_x_low = kernels::wrap_any(x0 - R + tx, a.d.nx), halo_x_high = kernels::wrap_any(x0 + bx + tx, a.d.nx);
  const int halo_y_low = kernels::wrap_any(y0 - R + ty, a.d.ny), halo_y_high = kernels::wrap_any(y0 + by + ty, a.d.ny);
  const int z_begin = blockIdx.z * z_chunk;
  const int z_end = min(z_begin + z_chunk, a.d.nz);

  T q[2 * R + 1];  // E at (z − R .. z + R, ly, lx)
#pragma unroll
  for (int j = 0; j <= 2 * R; ++j) q[j] = a.e[kernels::wrap_any(z_begin - R + j, a.d.nz) * plane + column];
  T* centre = tile + (ty + R) * pitch + tx + R;

  for (int z = z_begin; z < z_end; ++z) {
    const T* ez = a.e + z * plane;
    // The plane R + 1 ahead, requested now so its latency hides behind this plane's work.
    const T ahead = z + 1 < z_end ? a.e[kernels::wrap_any(z + R + 1, a.d.nz) * plane + column] : T(0);
    __syncthreads();  // every thread is done with the previous plane's tile
    *centre = q[R];
    if (tx < R) {
      centre[-R] = ez[static_cast<long>(ly) * a.d.nx + halo_x_low];
      centre[bx] = ez[static_cast<long>(ly) * a.d.nx + halo_x_high];
    }
    if (ty < R) {
      centre[-R * pitch] = ez[static_cast<long>(halo_y_low) * a.d.nx + lx];
      centre[by * pitch] = ez[static_cast<long>(halo_y_high) * a.d.nx + lx];
    }
    __syncthreads();
    if (owner) {
      T s;
      if constexpr (R == 1) {
        s = kernels::axis_o2(centre[-1], q[1], centre[1]);
        s += kernels::axis_o2(centre[-pitch], q[1], centre[pitch]);
        s += kernels::axis_o2(q[0], q[1], q[2]);
      } else {
        s = kernels::axis_o4(centre[-2], centre[-1], q[2], centre[1], centre[2]);
        s += kernels::axis_o4(centre[-2 * pitch], centre[-pitch], q[2], centre[pitch], centre[2 * pitch]);
        s += kernels::axis_o4(q[0], q[1], q[2], q[3], q[4]);
      }
      const long i = z * plane + static_cast<long>(y) * a.d.nx + x;
      const T chi2 = a.chi ? a.chi[i] * a.chi[i] : a.k.chi2;
      T v = kernels::leapfrog(q[R], a.prev[i], s, chi2, a.k);
      if (a.absorbing) {
        const int band = kernels::in_band(z, a.d.nz, a.width) + kernels::in_band(y, a.d.ny, a.width) +
                         kernels::in_band(x, a.d.nx, a.width);
        v = kernels::absorb(v, band, a.factor);
      }
      a.prev[i] = v;
    }
#pragma unroll
    for (int j = 0; j < 2 * R; ++j) q[j] = q[j + 1];
    q[2 * R] = ahead;
  }
}

// 1D and 2D: one thread per cell of the (ny, nx) plane.
template <class T, int R>
__global__ void fused_plane(StepArgs<T> a) {
  const int x = blockIdx.x * blockDim.x + threadIdx.x, y = blockIdx.y * blockDim.y + threadIdx.y;
  if (x >= a.d.nx || y >= a.d.ny) return;
  const int nx = a.d.nx, ny = a.d.ny;
  const T* row = a.e + static_cast<long>(y) * nx;
  const auto at_y = [&](int dy) { return a.e[static_cast<long>(kernels::wrap(y, dy, ny)) * nx + x]; };
  const T c = row[x];
  T s;
  if constexpr (R == 1) {
    s = kernels::axis_o2(row[kernels::wrap(x, -1, nx)], c, row[kernels::wrap(x, 1, nx)]);
    if (a.d.dims == 2) s += kernels::axis_o2(at_y(-1), c, at_y(1));
  } else {
    s = kernels::axis_o4(row[kernels::wrap(x, -2, nx)], row[kernels::wrap(x, -1, nx)], c, row[kernels::wrap(x, 1, nx)],
                         row[kernels::wrap(x, 2, nx)]);
    if (a.d.dims == 2) s += kernels::axis_o4(at_y(-2), at_y(-1), c, at_y(1), at_y(2));
  }
  const long i = static_cast<long>(y) * nx + x;
  const T chi2 = a.chi ? a.chi[i] * a.chi[i] : a.k.chi2;
  T v = kernels::leapfrog(c, a.prev[i], s, chi2, a.k);
  if (a.absorbing) {
    const int band = (a.d.dims == 2 ? kernels::in_band(y, ny, a.width) : 0) + kernels::in_band(x, nx, a.width);
    v = kernels::absorb(v, band, a.factor);
  }
  a.prev[i] = v;
}

// SPEC §3 reflective, all axes in one launch: every cell on a boundary face
// takes the value at its kernels::reflected coordinates on each axis, which
// is what the axis-by-axis copy leaves (extents are >= 3). Threads
// enumerate the two faces of each axis in turn; edge cells are written by
// several threads with the same value read from an interior cell.
template <class T>
__global__ void reflect_faces(T* f, Extents d) {
  long j = blockIdx.x * static_cast<long>(blockDim.x) + threadIdx.x;
  const int n[3] = {d.nz, d.ny, d.nx};
  const long cells = d.cells();
  for (int axis = 3 - d.dims; axis < 3; ++axis) {
    const long face = cells / n[axis];
    if (j >= 2 * face) {
      j -= 2 * face;
      continue;
    }
    const bool high = j >= face;
    long rest = high ? j - face : j;
    int c[3];
    for (int b = 2; b >= 0; --b) {
      if (b == axis) continue;
      c[b] = static_cast<int>(rest % n[b]);
      rest /= n[b];
    }
    c[axis] = high ? n[axis] - 1 : 0;
    int from[3];
    for (int b = 0; b < 3; ++b) from[b] = b < 3 - d.dims ? c[b] : kernels::reflected(c[b], n[b]);
    const auto flat = [&](const int* k) { return (static_cast<long>(k[0]) * d.ny + k[1]) * d.nx + k[2]; };
    f[flat(c)] = f[flat(from)];
    return;
  }
}

long face_cells(const Extents& d) {
  const long n[3] = {d.nz, d.ny, d.nx};
  long total = 0;
  for (int axis = 3 - d.dims; axis < 3; ++axis) total += 2 * (d.cells() / n[axis]);
  return total;
}

template <class T, int R>
void launch_step(const StepArgs<T>& a, const TileShape& t, cudaStream_t stream) {
  const dim3 block(t.block_x, t.block_y);
  if (a.d.dims == 3) {
    const dim3 grid((a.d.nx + t.block_x - 1) / t.block_x, (a.d.ny + t.block_y - 1) / t.block_y,
                    (a.d.nz + t.z_chunk - 1) / t.z_chunk);
    const std::size_t shared = sizeof(T) * (t.block_x + 2 * R) * (t.block_y + 2 * R);
    fused_3d<T, R><<<grid, block, shared, stream>>>(a, t.z_chunk);
  } else {
    const dim3 grid((a.d.nx + t.block_x - 1) / t.block_x, (a.d.ny + t.block_y - 1) / t.block_y);
    fused_plane<T, R><<<grid, block, 0, stream>>>(a);
  }
}

}  // namespace

template <class T>
void fused_steps(Levels<T>& l, const Params& p, const TileShape& t, std::int64_t steps) {
  const cudaStream_t stream = work_stream();
  const bool reflective = p.boundary == Boundary::reflective;
  const long faces = face_cells(l.d);
  for (std::int64_t n = 0; n < steps; ++n) {
    const StepArgs<T> a = step_args(l, p);
    if (p.stencil_order == 2) {
      launch_step<T, 1>(a, t, stream);
    } else {
      launch_step<T, 2>(a, t, stream);
    }
    if (reflective) reflect_faces<T><<<(faces + 255) / 256, 256, 0, stream>>>(l.prev, l.d);
    std::swap(l.e, l.prev);
  }
  LFM_CUDA_CHECK(cudaGetLastError());
}

template void fused_steps(Levels<double>&, const Params&, const TileShape&, std::int64_t);
template void fused_steps(Levels<float>&, const Params&, const TileShape&, std::int64_t);

}  // namespace lfm::cuda
