#pragma once
// The GPU backends as the rest of the library sees them: host C++ only, so
// the registry, tests and gates include it with a host compiler. Built only
// with LFM_CUDA (LFM_HAVE_CUDA defined); every function needs a device
// unless it says otherwise.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "cuda/tuning_cache.hpp"
#include "lattice/backend.hpp"
#include "lattice/workloads.hpp"

namespace lfm::cuda {

// "" when a CUDA device can be used, else why not ("no CUDA device: ..."),
// asked of the runtime once per process. Safe without a GPU or driver.
const std::string& device_unavailable_reason();

// "NVIDIA H100 80GB HBM3": the key of the tuning cache.
std::string device_name();

// "NVIDIA H100 80GB HBM3, compute 9.0, 81559 MiB, driver 13.0" for reports.
std::string device_description();

std::unique_ptr<Backend> make_cuda_baseline_backend();
std::unique_ptr<Backend> make_cuda_backend();
std::unique_ptr<Backend> make_thrust_backend();

// `cuda` stepping every grid with block shape `tile` instead of the tuned
// one, so that tests can cover each of tile_candidates() (tile_candidates.hpp).
// advance() throws InputError, naming the tile, when it cannot run the grid.
std::unique_ptr<Backend> make_cuda_backend_with_tile(const TileShape& tile);

// Largest number of bytes the backends held on the device at once.
std::size_t peak_device_bytes();

// On-device diagnostics of SPEC §4 (CUB reductions, accumulated in
// float64): the state is uploaded once and nothing but the four scalars
// comes back.
struct DeviceDiagnostics {
  double energy = 0;
  double invariant = 0;  // H
  double max_abs = 0;
  bool finite = true;
};
template <class T>
DeviceDiagnostics diagnose_on_device(const State<T>& s, const Params& p);

// A whole run with the fields resident on the device: `steps` steps of the
// `cuda` backend, diagnostics on the device at a stride chosen so they cost
// at most ~2 % of step time (first and last step always recorded), one
// download at the end. Stops at the first record whose field is not finite.
struct DeviceRecord {
  std::int64_t step = 0;
  DeviceDiagnostics d;
};
struct DeviceRunResult {
  std::vector<DeviceRecord> trace;
  std::int64_t final_stride = 1;  // the stride the chooser settled on
  double step_s = 0;              // device time in steps (CUDA events)
  double diagnostics_s = 0;
};
template <class T>
DeviceRunResult run_on_device(State<T>& s, const Params& p, std::int64_t steps);

// Device-resident timing for the GPU gates, where per-call transfers would
// hide the kernels: both backends (`cuda` or `cuda_baseline`) step the same
// uploaded state, alternately, `reps` times `steps` steps after one warm-up;
// seconds per step from CUDA events.
struct DevicePairTimings {
  std::vector<double> reference_s, candidate_s;
};
DevicePairTimings time_on_device(const std::string& reference, const std::string& candidate,
                                 const Problem& problem, int reps, std::int64_t steps);

// Device-to-device copy bandwidth (bytes read + written per second) of a
// buffer of `bytes`, the best of `reps` cudaMemcpyAsync calls.
double device_copy_bandwidth(std::size_t bytes, int reps);

}  // namespace lfm::cuda
