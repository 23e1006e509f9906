// The `cuda` backend's block shape: timed once per GPU model and grid shape
// on copies of the fields, then kept in the tuning cache file.
#include <cuda_runtime.h>

#include <map>
#include <mutex>
#include <vector>

#include "cuda/cuda_backends.hpp"
#include "cuda/steps.cuh"
#include "cuda/tile_candidates.hpp"
#include "lattice/grid.hpp"

namespace lfm::cuda {
namespace {

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
  const Grid g = grid_of(l.d);
  const Precision precision = sizeof(T) == 8 ? Precision::float64 : Precision::float32;
  const std::string key = shape_key(g, precision, p.stencil_order);
  const std::string gpu = device_name();
  if (const auto it = tuned_in_process().find(key); it != tuned_in_process().end()) return it->second;

  const auto path = tuning_cache_path();
  TuningCache cache = load_tuning_cache(path);
  if (const auto cached = cache.find(gpu, key); cached && tile_usable(*cached, g)) {
    tuned_in_process()[key] = *cached;
    return *cached;
  }
  DeviceBuffer<T> scratch(2 * static_cast<std::size_t>(l.d.cells()));
  const std::vector<TileShape> candidates = tile_candidates(g);
  TileShape best = candidates.front();
  float best_ms = -1;
  for (const TileShape& t : candidates) {
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
