// The `cuda` backend's block shape: timed once per GPU model and grid shape
// on copies of the fields, then kept in the tuning cache file.
#include <cuda_runtime.h>

#include <map>
#include <mutex>
#include <vector>

#include "cuda/cuda_backends.hpp"
#include "cuda/steps.cuh"
#include "lattice/grid.hpp"

namespace lfm::cuda {
namespace {

// Shapes worth timing: 128 to 512 threads, x a multiple of the warp so
// that rows are read coalesced; 3D adds how many planes a block streams
// (short chunks give more blocks on small grids, long ones reuse the
// register queue longer).
std::vector<TileShape> candidates(const Extents& d) {
  std::vector<TileShape> out;
  if (d.dims == 1) {
    for (int bx : {128, 256, 512, 1024}) out.push_back({bx, 1, 1});
  } else if (d.dims == 2) {
    for (const auto& [bx, by] : {std::pair{32, 4}, {32, 8}, {64, 4}, {128, 2}, {256, 1}, {32, 16}}) {
      out.push_back({bx, by, 1});
    }
  } else {
    for (const auto& [bx, by] : {std::pair{32, 4}, {32, 8}, {64, 4}, {64, 8}, {128, 2}, {128, 4}, {32, 16}}) {
      for (int chunk : {16, 64}) out.push_back({bx, by, std::min(chunk, d.nz)});
    }
  }
  return out;
}

// The 3D kernel loads its halo with the first R threads of each row and
// column, so a block needs at least 2 threads along x and y.
bool usable(const TileShape& t, const Extents& d) {
  return is_valid(t) && (d.dims != 3 || (t.block_x >= 2 && t.block_y >= 2)) && (d.dims == 3 || t.z_chunk == 1);
}

// Device seconds per step of shape `t` on scratch copies of the levels.
template <class T>
float time_shape(const Levels<T>& l, const Params& p, const TileShape& t, T* scratch) {
  const long cells = l.d.cells();
  const cudaStream_t stream = work_stream();
  LFM_CUDA_CHECK(cudaMemcpyAsync(scratch, l.e, cells * sizeof(T), cudaMemcpyDeviceToDevice, stream));
  LFM_CUDA_CHECK(cudaMemcpyAsync(scratch + cells, l.prev, cells * sizeof(T), cudaMemcpyDeviceToDevice, stream));
  Levels<T> copy{scratch, scratch + cells, l.chi, l.d};
  constexpr int timed = 8;
  fused_steps(copy, p, t, 2);  // warm-up: instruction cache, first touch
  cudaEvent_t start, stop;
  LFM_CUDA_CHECK(cudaEventCreate(&start));
  LFM_CUDA_CHECK(cudaEventCreate(&stop));
  LFM_CUDA_CHECK(cudaEventRecord(start, stream));
  fused_steps(copy, p, t, timed);
  LFM_CUDA_CHECK(cudaEventRecord(stop, stream));
  LFM_CUDA_CHECK(cudaEventSynchronize(stop));
  float ms = 0;
  LFM_CUDA_CHECK(cudaEventElapsedTime(&ms, start, stop));
  cudaEventDestroy(start);
  cudaEventDestroy(stop);
  return ms / timed;
}

std::mutex tuning_mutex;
std::map<std::string, TileShape>& tuned_in_process() {
  static std::map<std::string, TileShape> shapes;
  return shapes;
}

}  // namespace

std::string device_name() {
  int device = 0;
  LFM_CUDA_CHECK(cudaGetDevice(&device));
  cudaDeviceProp prop{};
  LFM_CUDA_CHECK(cudaGetDeviceProperties(&prop, device));
  return prop.name;
}

template <class T>
TileShape tuned_shape(const Levels<T>& l, const Params& p) {
  const std::lock_guard lock(tuning_mutex);
  std::vector<std::size_t> shape;
  for (int axis = 3 - l.d.dims; axis < 3; ++axis) shape.push_back(axis == 0 ? l.d.nz : axis == 1 ? l.d.ny : l.d.nx);
  const Precision precision = sizeof(T) == 8 ? Precision::float64 : Precision::float32;
  const std::string key = shape_key(Grid(shape), precision, p.stencil_order);
  const std::string gpu = device_name();
  if (const auto it = tuned_in_process().find(key); it != tuned_in_process().end()) return it->second;

  const auto path = tuning_cache_path();
  TuningCache cache = load_tuning_cache(path);
  if (const auto cached = cache.find(gpu, key); cached && usable(*cached, l.d)) {
    tuned_in_process()[key] = *cached;
    return *cached;
  }
  DeviceBuffer<T> scratch(2 * static_cast<std::size_t>(l.d.cells()));
  TileShape best = candidates(l.d).front();
  float best_ms = -1;
  for (const TileShape& t : candidates(l.d)) {
    const float ms = time_shape(l, p, t, scratch.data());
    if (best_ms < 0 || ms < best_ms) {
      best = t;
      best_ms = ms;
    }
  }
  cache.put(gpu, key, best);
  save_tuning_cache(path, cache);  // when it cannot be written, the next process tunes again
  tuned_in_process()[key] = best;
  return best;
}

template TileShape tuned_shape(const Levels<double>&, const Params&);
template TileShape tuned_shape(const Levels<float>&, const Params&);

}  // namespace lfm::cuda
