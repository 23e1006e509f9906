#pragma once
#include "lattice/backend.hpp"

namespace lfm {

// `cpu`: one fused pass per step over rows of the contiguous axis, OpenMP
// threads across rows, SIMD along them, the new level written in place over
// E_prev (each cell reads its own E_prev once before overwriting it), then
// the two levels swapped. Boundaries act inside the pass (absorbing) or on
// the boundary planes only (reflective): no extra sweep over the field.
class CpuBackend final : public Backend {
 public:
  void advance(State<double>& s, const Params& p, std::int64_t steps) override;
  void advance(State<float>& s, const Params& p, std::int64_t steps) override;
};

}  // namespace lfm
