#pragma once
#include <cstddef>
#include <string>

#include "cpu/wavefront.hpp"
#include "lattice/backend.hpp"

namespace lfm {

// `cpu_temporal`: wavefront temporal blocking along the slowest axis. Each
// pass over memory advances `depth` steps: level k of plane z is computed as
// soon as level k−1 holds planes z−r … z+r, so the planes a wave needs are
// still in cache when the next level reads them. Large planes are cut into
// bands of rows, skewed from level to level; each thread runs whole bands,
// waiting only on the band ahead of it, so that a band's wave fits in one
// core's L2 and a thread delayed by another process stalls no barrier. The
// two time levels are updated in place as in `cpu`, with the same row
// function, so the fields are bit-identical to `cpu` for every
// configuration. 1D and 2D grids, which have no plane to pipeline, and 3D
// grids with too few planes step as `cpu` does.
class CpuTemporalBackend final : public Backend {
 public:
  // No blocking given: chosen per problem, from the tuning cache or by timing
  // candidates on first use (then cached for the next process).
  explicit CpuTemporalBackend(Blocking blocking = {}) : blocking_(blocking), fixed_(blocking.depth > 0) {}
  void advance(State<double>& s, const Params& p, std::int64_t steps) override;
  void advance(State<float>& s, const Params& p, std::int64_t steps) override;
  void prepare(const State<double>& s, const Params& p, bool retune) override;
  void prepare(const State<float>& s, const Params& p, bool retune) override;
  const Blocking& blocking() const { return blocking_; }
  std::int64_t preferred_step_multiple() const override { return blocking_.depth > 0 ? blocking_.depth : 1; }
  std::string tuning() const override;
  double tuning_seconds() const override { return tuning_seconds_; }
  int tuning_trials() const override { return trials_; }

 private:
  template <class T>
  void run(State<T>& s, const Params& p, std::int64_t steps);
  template <class T>
  void choose(const State<T>& s, const Params& p, bool retune);
  Blocking blocking_;
  bool fixed_;
  std::string chosen_for_;  // the problem key blocking_ was chosen for
  double tuning_seconds_ = 0;
  int trials_ = 0;
};

// Whether cpu_temporal blocks this grid at all (3D with more planes than
// its wave spans); otherwise it steps as `cpu`.
bool temporal_blocks(const Grid& g, const Params& p);

}  // namespace lfm
