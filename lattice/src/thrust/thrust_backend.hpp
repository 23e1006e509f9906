#pragma once
#include "lattice/backend.hpp"

namespace lfm {

// `thrust_omp`: the step as Thrust algorithms over the shared per-cell
// kernel, built with Thrust's OpenMP device system on the host. The same
// functors are what a CUDA device build runs; this build compiles and tests
// that code path on machines without a GPU. Cells are summed in the same
// order as `cpu`, so its fields are bit-identical to `cpu`'s.
class ThrustOmpBackend final : public Backend {
 public:
  void advance(State<double>& s, const Params& p, std::int64_t steps) override;
  void advance(State<float>& s, const Params& p, std::int64_t steps) override;
};

}  // namespace lfm
