// The `cuda_baseline` and `cuda` backends, the device probe, and the
// device-resident entry points (whole runs, gate timings).
#include "cuda/cuda_backends.hpp"

#include <cuda_runtime.h>

#include <chrono>
#include <optional>
#include <stdexcept>

#include "lattice/diagnostic_stride.hpp"
#include "cuda/diagnostics.cuh"
#include "cuda/steps.cuh"
#include "cuda/tile_candidates.hpp"
#include "lattice/error.hpp"
#include "lattice/phase.hpp"

namespace lfm::cuda {
namespace {

// Seconds between two events recorded on work_stream().
class DeviceClock {
 public:
  DeviceClock() {
    LFM_CUDA_CHECK(cudaEventCreate(&start_));
    LFM_CUDA_CHECK(cudaEventCreate(&stop_));
  }
  ~DeviceClock() {
    cudaEventDestroy(start_);
    cudaEventDestroy(stop_);
  }
  DeviceClock(const DeviceClock&) = delete;
  DeviceClock& operator=(const DeviceClock&) = delete;
  void start() { LFM_CUDA_CHECK(cudaEventRecord(start_, work_stream())); }
  double stop() {
    LFM_CUDA_CHECK(cudaEventRecord(stop_, work_stream()));
    LFM_CUDA_CHECK(cudaEventSynchronize(stop_));
    float ms = 0;
    LFM_CUDA_CHECK(cudaEventElapsedTime(&ms, start_, stop_));
    return 1e-3 * ms;
  }

 private:
  cudaEvent_t start_ = nullptr, stop_ = nullptr;
};

// The tile a forced `cuda` backend steps with, refused when it cannot run the grid.
TileShape checked_tile(const TileShape& t, const Extents& d) {
  const Grid g = grid_of(d);
  if (!tile_usable(t, g)) {
    throw InputError("cuda tile " + to_string(t) + " cannot run a " + std::to_string(d.dims) +
                     "D grid: blocks hold 32 to 1024 threads, at least 2 along x and y in 3D, "
                     "and one plane (z chunk 1) in 1D and 2D");
  }
  return t;
}

// One of the two hand-written kernels' step loops on device-resident levels;
// `cuda` with the tuned tile unless one is forced.
template <class T>
class Stepper {
 public:
  Stepper(bool fused, const Levels<T>& l, const Params& p, const std::optional<TileShape>& forced = std::nullopt)
      : fused_(fused), p_(p) {
    if (fused_) {
      tile_ = forced ? checked_tile(*forced, l.d) : tuned_shape(l, p);
    } else {
      scratch_.resize(3 * static_cast<std::size_t>(l.d.cells()));
      const long cells = l.d.cells();
      s_ = {scratch_.data(), scratch_.data() + cells, scratch_.data() + 2 * cells};
    }
  }
  void steps(Levels<T>& l, std::int64_t n) {
    if (fused_) {
      fused_steps(l, p_, tile_, n);
    } else {
      baseline_steps(l, s_, p_, n);
    }
  }

 private:
  bool fused_;
  Params p_;
  TileShape tile_;
  DeviceBuffer<T> scratch_;
  BaselineScratch<T> s_{};
};

template <class T>
void advance_on_device(bool fused, const std::optional<TileShape>& forced, State<T>& s, const Params& p,
                       std::int64_t steps) {
  const ScopedPhase phase(fused ? "cuda fused update (copy in, steps, copy out)"
                                : "cuda_baseline update (copy in, steps, copy out)");
  DeviceFields<T> fields;
  fields.upload(s);
  Levels<T> l = fields.levels();
  Stepper<T> stepper(fused, l, p, forced);
  stepper.steps(l, steps);
  download(s, l);
  s.step += steps;
}

class CudaBackend final : public Backend {
 public:
  explicit CudaBackend(bool fused, std::optional<TileShape> forced = std::nullopt) : fused_(fused), forced_(forced) {}
  void advance(State<double>& s, const Params& p, std::int64_t steps) override {
    advance_on_device(fused_, forced_, s, p, steps);
  }
  void advance(State<float>& s, const Params& p, std::int64_t steps) override {
    advance_on_device(fused_, forced_, s, p, steps);
  }

 private:
  bool fused_;
  std::optional<TileShape> forced_;
};

bool is_fused(const std::string& name) {
  if (name == "cuda") return true;
  if (name == "cuda_baseline") return false;
  throw InputError("device timing covers 'cuda' and 'cuda_baseline', not '" + name + "'");
}

template <class T>
DevicePairTimings time_pair(bool ref_fused, bool cand_fused, const State<T>& s, const Params& p, int reps,
                            std::int64_t steps) {
  DeviceFields<T> ref_fields, cand_fields;
  ref_fields.upload(s);
  cand_fields.upload(s);
  Levels<T> ref = ref_fields.levels(), cand = cand_fields.levels();
  Stepper<T> ref_stepper(ref_fused, ref, p), cand_stepper(cand_fused, cand, p);
  DeviceClock clock;
  const auto time = [&](Stepper<T>& st, Levels<T>& l) {
    clock.start();
    st.steps(l, steps);
    return clock.stop() / static_cast<double>(steps);
  };
  time(ref_stepper, ref);  // warm-up
  time(cand_stepper, cand);
  DevicePairTimings out;
  for (int r = 0; r < reps; ++r) {
    // Alternate which side goes first, as the host gates do.
    if (r % 2 == 0) {
      out.reference_s.push_back(time(ref_stepper, ref));
      out.candidate_s.push_back(time(cand_stepper, cand));
    } else {
      out.candidate_s.push_back(time(cand_stepper, cand));
      out.reference_s.push_back(time(ref_stepper, ref));
    }
  }
  return out;
}

}  // namespace

const std::string& device_unavailable_reason() {
  static const std::string reason = [] {
    int count = 0;
    const cudaError_t status = cudaGetDeviceCount(&count);
    if (status != cudaSuccess) {
      cudaGetLastError();
      return std::string("no CUDA device: ") + cudaGetErrorString(status);
    }
    if (count == 0) return std::string("no CUDA device: the runtime found 0 devices");
    return std::string();
  }();
  return reason;
}

std::string device_description() {
  if (!device_unavailable_reason().empty()) return device_unavailable_reason();
  int device = 0, driver = 0;
  LFM_CUDA_CHECK(cudaGetDevice(&device));
  cudaDeviceProp prop{};
  LFM_CUDA_CHECK(cudaGetDeviceProperties(&prop, device));
  LFM_CUDA_CHECK(cudaDriverGetVersion(&driver));
  return std::string(prop.name) + ", compute " + std::to_string(prop.major) + "." + std::to_string(prop.minor) +
         ", " + std::to_string(prop.totalGlobalMem >> 20) + " MiB, driver " + std::to_string(driver / 1000) + "." +
         std::to_string(driver % 1000 / 10);
}

std::unique_ptr<Backend> make_cuda_baseline_backend() { return std::make_unique<CudaBackend>(false); }
std::unique_ptr<Backend> make_cuda_backend() { return std::make_unique<CudaBackend>(true); }
std::unique_ptr<Backend> make_cuda_backend_with_tile(const TileShape& tile) {
  return std::make_unique<CudaBackend>(true, tile);
}

template <class T>
DeviceDiagnostics diagnose_on_device(const State<T>& s, const Params& p) {
  DeviceFields<T> fields;
  fields.upload(s);
  return diagnose(fields.levels(), p);
}

template <class T>
DeviceRunResult run_on_device(State<T>& s, const Params& p, std::int64_t steps) {
  DeviceFields<T> fields;
  fields.upload(s);
  Levels<T> l = fields.levels();
  Stepper<T> stepper(true, l, p);
  StrideChooser chooser;
  DeviceClock clock;
  DeviceRunResult out;
  const auto record = [&] {
    const auto t0 = std::chrono::steady_clock::now();
    const DeviceDiagnostics d = diagnose(l, p);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    chooser.record_diagnostics(seconds);
    out.diagnostics_s += seconds;
    out.trace.push_back({s.step, d});
    return d.finite;
  };
  bool finite = record();
  for (std::int64_t done = 0; done < steps && finite;) {
    const std::int64_t chunk = std::min(chooser.stride(), steps - done);
    clock.start();
    stepper.steps(l, chunk);
    const double seconds = clock.stop();
    chooser.record_steps(chunk, seconds);
    out.step_s += seconds;
    done += chunk;
    s.step += chunk;
    finite = record();
  }
  out.final_stride = chooser.stride();
  download(s, l);
  return out;
}

DevicePairTimings time_on_device(const std::string& reference, const std::string& candidate,
                                 const Problem& problem, int reps, std::int64_t steps) {
  if (reps < 1 || steps < 1) throw InputError("device timing needs reps >= 1 and steps >= 1");
  const bool ref_fused = is_fused(reference), cand_fused = is_fused(candidate);
  return std::visit([&](const auto& s) { return time_pair(ref_fused, cand_fused, s, problem.params, reps, steps); },
                    problem.state);
}

double device_copy_bandwidth(std::size_t bytes, int reps) {
  DeviceBuffer<unsigned char> from(bytes), to(bytes);
  LFM_CUDA_CHECK(cudaMemsetAsync(from.data(), 1, bytes, work_stream()));
  DeviceClock clock;
  double best = 0;
  for (int r = 0; r <= reps; ++r) {  // the first copy is a warm-up
    clock.start();
    LFM_CUDA_CHECK(cudaMemcpyAsync(to.data(), from.data(), bytes, cudaMemcpyDeviceToDevice, work_stream()));
    const double seconds = clock.stop();
    if (r > 0) best = std::max(best, 2.0 * static_cast<double>(bytes) / seconds);
  }
  return best;
}

template DeviceDiagnostics diagnose_on_device(const State<double>&, const Params&);
template DeviceDiagnostics diagnose_on_device(const State<float>&, const Params&);
template DeviceRunResult run_on_device(State<double>&, const Params&, std::int64_t);
template DeviceRunResult run_on_device(State<float>&, const Params&, std::int64_t);

}  // namespace lfm::cuda
