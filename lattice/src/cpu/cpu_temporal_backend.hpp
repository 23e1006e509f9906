#pragma once
#include <cstddef>
#include <string>

#include "lattice/backend.hpp"

namespace lfm {

// `cpu_temporal`: wavefront temporal blocking along the slowest axis. Each
// pass over memory advances `depth` steps: level k of plane z is computed as
// soon as level k−1 holds planes z−r … z+r, so the planes a wave needs are
// still in cache when the next level reads them. Large planes are cut into
// bands of rows, skewed from level to level, and the wave runs band by
// band so that its working set fits in L2. The two time levels are
// updated in place as in `cpu`, with the same row function, so the fields
// are bit-identical to `cpu` for every configuration. 1D and 2D grids,
// which have no plane to pipeline, step as `cpu` does.
// Steps per pass over memory, and the rows of y each band of a plane holds
// (0: whole planes).
struct Blocking {
  int depth = 0;
  std::size_t band_rows = 0;
};

class CpuTemporalBackend final : public Backend {
 public:
  // depth 0: choose depth and bands by timing a few candidates on first use.
  explicit CpuTemporalBackend(Blocking blocking = {}) : blocking_(blocking) {}
  void advance(State<double>& s, const Params& p, std::int64_t steps) override;
  void advance(State<float>& s, const Params& p, std::int64_t steps) override;
  const Blocking& blocking() const { return blocking_; }
  std::int64_t preferred_step_multiple() const override { return blocking_.depth > 0 ? blocking_.depth : 1; }
  std::string tuning() const override;

 private:
  template <class T>
  void run(State<T>& s, const Params& p, std::int64_t steps);
  Blocking blocking_;
};

}  // namespace lfm
