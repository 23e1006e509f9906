// How two backends are timed against each other (lattice/perf/bench.hpp):
// interleaved, and each side for long enough that no repetition is one
// short, cold step of the faster side.
#include <gtest/gtest.h>

#include "lattice/perf/bench.hpp"

namespace lfm::testing {
namespace {

TEST(BenchPairing, EachSideRunsEnoughStepsForItsOwnMinimumTime) {
  perf::BenchCase bench;
  bench.n = 48;
  bench.warmup = 1;
  bench.repetitions = 3;
  bench.min_rep_seconds = 0.05;
  // baseline is several times slower per step than cpu at 48³.
  const perf::PairTimings t = perf::measure_interleaved({"baseline"}, {"cpu"}, bench);
  ASSERT_EQ(t.reference.seconds_per_step.size(), 3u);
  ASSERT_EQ(t.candidate.seconds_per_step.size(), 3u);
  EXPECT_GT(t.candidate.steps_per_rep, t.reference.steps_per_rep);
  for (const perf::Timings* side : {&t.reference, &t.candidate}) {
    for (double s : side->seconds_per_step) {
      // Paced from a short probe, so a repetition may fall somewhat short
      // of the minimum on a busy machine, but never to one step's worth.
      EXPECT_GT(s * static_cast<double>(side->steps_per_rep), bench.min_rep_seconds / 4);
    }
  }
}

}  // namespace
}  // namespace lfm::testing
