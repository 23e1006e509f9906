// cpu_temporal below the narrowest bands its skew allows. A band must stay
// at least 2r rows wide at the deepest level of a block, i.e. hold 2·depth·r
// rows (wavefront.cpp, make_bands); a blocking that asks for fewer — from a
// hand-edited tuning cache, or a tuner change — must fall back to whole
// planes and keep cpu's bits, not cut bands whose reads overtake their
// neighbours'. test_bit_identity covers the narrowest allowed bands; this
// covers every width below them.
#include <gtest/gtest.h>

#include <cstring>

#include "cpu/cpu_backend.hpp"
#include "cpu/cpu_temporal_backend.hpp"
#include "support/matchers.hpp"
#include "support/test_states.hpp"

namespace lfm::testing {
namespace {

TEST(CpuTemporalNarrowBands, EveryWidthBelowTheSkewsKeepsCpusBits) {
  const int depth = 4;
  for (const int order : {2, 4}) {
    const auto r = static_cast<std::size_t>(order / 2);
    const std::size_t narrowest = 2 * static_cast<std::size_t>(depth) * r;
    // Rows enough for at least two bands of any width tried, and planes
    // enough for the wave (4r + 2).
    const Grid g({12, 2 * narrowest + 3, 8});
    for (const Boundary boundary : {Boundary::periodic, Boundary::absorbing}) {
      const Params p = test_params(order, boundary, 0.01);
      for (std::size_t rows = 1; rows < narrowest; ++rows) {
        ASSERT_EQ(cpu::band_count(g.extent(1), r, depth, rows, false), 1u) << rows << " rows";
        State<double> plain = random_state(g, 7, true), blocked = plain;
        CpuBackend().advance(plain, p, 2 * depth + 1);  // two blocks and a partial one
        CpuTemporalBackend({depth, rows}).advance(blocked, p, 2 * depth + 1);
        EXPECT_TRUE(same_bits(plain.E, blocked.E) && same_bits(plain.E_prev, blocked.E_prev))
            << "order " << order << ", " << to_string(boundary) << ", bands of " << rows << " rows";
      }
    }
  }
}

}  // namespace
}  // namespace lfm::testing
