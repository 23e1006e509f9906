#pragma once
#include "lattice/backend.hpp"

namespace lfm {

// `cpu_temporal`: wavefront temporal blocking along the slowest axis. Each
// pass over memory advances `depth` steps: level k of plane z is computed as
// soon as level k−1 holds planes z−r … z+r, so the planes a wave needs are
// still in cache when the next level reads them. The two time levels are
// updated in place as in `cpu`, with the same row function, so the fields
// are bit-identical to `cpu` for every configuration. 1D and 2D grids,
// which have no plane to pipeline, step as `cpu` does.
class CpuTemporalBackend final : public Backend {
 public:
  // depth 0: choose by timing a few candidates on first use per grid.
  explicit CpuTemporalBackend(int depth = 0) : depth_(depth) {}
  void advance(State<double>& s, const Params& p, std::int64_t steps) override;
  void advance(State<float>& s, const Params& p, std::int64_t steps) override;
  int depth() const { return depth_; }
  std::int64_t preferred_step_multiple() const override { return depth_ > 0 ? depth_ : 1; }

 private:
  template <class T>
  void run(State<T>& s, const Params& p, std::int64_t steps);
  int depth_;
};

}  // namespace lfm
