// `thrust`: the Thrust step of thrust_backend.cpp compiled by nvcc for
// Thrust's CUDA device system. Fields are copied in and out per call by
// thrust::device_vector, as `thrust_omp` does on the host.
#include "cuda/cuda_backends.hpp"
#include "thrust/thrust_step.hpp"

namespace lfm::cuda {
namespace {

class ThrustCudaBackend final : public Backend {
 public:
  void advance(State<double>& s, const Params& p, std::int64_t steps) override { advance_thrust(s, p, steps); }
  void advance(State<float>& s, const Params& p, std::int64_t steps) override { advance_thrust(s, p, steps); }
};

}  // namespace

std::unique_ptr<Backend> make_thrust_backend() { return std::make_unique<ThrustCudaBackend>(); }

}  // namespace lfm::cuda
