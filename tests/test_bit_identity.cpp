// cpu_temporal claims the same arithmetic per cell as cpu, so its fields
// must be bit-identical to cpu's (SPEC §6): tested with exact equality over
// every configuration, for block depths of both parities and step counts
// that leave a partial block.
#include <gtest/gtest.h>

#include <cstring>

#include "cpu/cpu_backend.hpp"
#include "cpu/cpu_temporal_backend.hpp"
#include "lattice/perf/validation.hpp"
#include "support/backends.hpp"
#include "support/matchers.hpp"
#include "support/test_states.hpp"

namespace lfm::testing {
namespace {

template <class T>
std::size_t first_difference(const Field<T>& a, const Field<T>& b) {
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::memcmp(&a[i], &b[i], sizeof(T)) != 0) return i;
  }
  return a.size();
}

// 14 planes: enough for the order-4 wave (it needs at least 10).
Grid small_grid(int dims) { return cube(dims, dims == 1 ? 64 : dims == 2 ? 20 : 14); }

// Runs `reference` and `candidate` from the same state for one validation
// case (the grid sized by dimension unless given) and expects identical bits.
template <class T>
void expect_identical(Backend& reference, Backend& candidate, const perf::ValidationCase& c,
                      std::int64_t steps, const std::string& label, const Grid* grid = nullptr) {
  const Grid g = grid ? *grid : small_grid(c.dims);
  Params p = test_params(c.order, c.boundary, c.gamma);
  p.absorb_factor = 0.9;
  p.precision = c.precision;
  const State<T> initial = convert_state<T>(random_state(g, 17, c.chi_field));
  State<T> plain = initial, other = initial;
  reference.advance(plain, p, steps);
  candidate.advance(other, p, steps);
  EXPECT_EQ(other.step, plain.step);
  EXPECT_EQ(first_difference(plain.E, other.E), plain.E.size()) << c.name() << " " << label;
  EXPECT_EQ(first_difference(plain.E_prev, other.E_prev), plain.E_prev.size()) << c.name() << " " << label;
}

// The same over the whole validation matrix, both precisions.
void expect_identical_everywhere(Backend& reference, Backend& candidate, std::int64_t steps,
                                 const std::string& label, const Grid* grid = nullptr) {
  for (const auto& c : perf::validation_matrix({Precision::float64, Precision::float32})) {
    if (grid && c.dims != grid->dims()) continue;
    if (c.precision == Precision::float64) {
      expect_identical<double>(reference, candidate, c, steps, label, grid);
    } else {
      expect_identical<float>(reference, candidate, c, steps, label, grid);
    }
  }
}

class CpuTemporalBitIdentical : public ::testing::TestWithParam<int> {};

TEST_P(CpuTemporalBitIdentical, EveryConfiguration) {
  CpuBackend cpu;
  CpuTemporalBackend blocked({GetParam()});
  expect_identical_everywhere(cpu, blocked, 11, "depth " + std::to_string(GetParam()));
}

std::string depth_name(const ::testing::TestParamInfo<int>& info) { return "depth" + std::to_string(info.param); }

INSTANTIATE_TEST_SUITE_P(BlockDepth, CpuTemporalBitIdentical, ::testing::Values(2, 3, 4, 8), depth_name);

// Skewed bands of rows: the narrowest bands the skew allows (2·depth·r rows
// for order 4), a last band wider than the rest, and a step count that leaves
// a partial block, so that every band shape and the wrap past ny are hit.
class CpuTemporalBandsBitIdentical : public ::testing::TestWithParam<int> {};

TEST_P(CpuTemporalBandsBitIdentical, EveryConfiguration) {
  const int depth = GetParam();
  const Grid g({12, 4 * static_cast<std::size_t>(depth) * 3 + 5, 16});
  CpuBackend cpu;
  CpuTemporalBackend blocked({depth, 4 * static_cast<std::size_t>(depth)});
  expect_identical_everywhere(cpu, blocked, 2 * depth + 1, "depth " + std::to_string(depth) + ", bands", &g);
}

INSTANTIATE_TEST_SUITE_P(BlockDepth, CpuTemporalBandsBitIdentical, ::testing::Values(2, 3, 4), depth_name);

// The configuration the speedup gate times — depth 8, bands of 64 rows —
// on a grid above the threading threshold, so that the bands run on
// several threads and wait on each other's progress counters; 200 rows
// leave a last band wider than the rest, and 19 steps a partial block.
TEST(CpuTemporalThreadedBands, BitIdenticalAtTheGatedBlocking) {
  const Grid g({20, 200, 16});
  ASSERT_GE(g.cells(), 32768u);
  CpuBackend cpu;
  CpuTemporalBackend blocked({8, 64});
  expect_identical_everywhere(cpu, blocked, 19, "depth 8, bands of 64 rows, threaded", &g);
}

// The depth the autotuner picks must not change the result either.
TEST(CpuTemporal, TunedDepthIsBitIdenticalToo) {
  const Grid g = cube(3, 16);
  Params p = test_params(4, Boundary::reflective);
  State<double> plain = random_state(g, 3, true), blocked = plain;
  CpuBackend().advance(plain, p, 20);
  CpuTemporalBackend tuned;
  tuned.advance(blocked, p, 20);
  EXPECT_GE(tuned.blocking().depth, 2);
  EXPECT_EQ(first_difference(plain.E, blocked.E), plain.E.size());
}


// Grids above the threading threshold (32k cells), so that the parallel
// rows and the shared wavefront schedule run on several threads: equal to
// cpu bit for bit, and to the baseline within SPEC §6.
TEST(CpuThreaded, LargeGridsMatchTheBaselineAndEachOther) {
  const Grid g = cube(3, 40);
  for (int order : {2, 4}) {
    for (Boundary b : {Boundary::periodic, Boundary::reflective, Boundary::absorbing}) {
      Params p = test_params(order, b, 0.01);
      p.absorb_factor = 0.9;
      const State<double> initial = random_state(g, 29, true);
      State<double> reference = initial, plain = initial, blocked = initial;
      make_backend("baseline")->advance(reference, p, 9);
      CpuBackend().advance(plain, p, 9);
      CpuTemporalBackend({3}).advance(blocked, p, 9);
      EXPECT_THAT(plain.E, FieldNear(reference.E, 1e-12)) << "order " << order << " " << to_string(b);
      EXPECT_EQ(first_difference(plain.E, blocked.E), plain.E.size()) << "order " << order << " " << to_string(b);
      EXPECT_EQ(first_difference(plain.E_prev, blocked.E_prev), plain.E.size());
    }
  }
}


// A 1D line is one row, cut into pieces of 8192 cells for the threads
// (cpu/cpu_backend.cpp): 4 whole pieces and a short one, with the wrapped
// ends, the absorbing band and the reflective faces in the first and last.
TEST(CpuThreaded, LongLinesInPiecesMatchTheBaseline) {
  const Grid g({4 * 8192 + 37});
  for (int order : {2, 4}) {
    for (Boundary b : {Boundary::periodic, Boundary::reflective, Boundary::absorbing}) {
      Params p = test_params(order, b, 0.01);
      p.absorb_factor = 0.9;
      const State<double> initial = random_state(g, 41, true);
      State<double> reference = initial, plain = initial;
      make_backend("baseline")->advance(reference, p, 9);
      CpuBackend().advance(plain, p, 9);
      EXPECT_THAT(plain.E, FieldNear(reference.E, 1e-12)) << "order " << order << " " << to_string(b);
      EXPECT_THAT(plain.E_prev, FieldNear(reference.E_prev, 1e-12)) << "order " << order << " " << to_string(b);
    }
  }
}


// thrust_omp sums each cell in cpu's order through the same kernel, so it
// claims bit-identical fields to cpu: exact equality over every
// configuration, on a small grid and on one above the threading threshold.
TEST(ThrustOmp, BitIdenticalToCpu) {
  LFM_BACKEND_OR_SKIP(thrust, std::string("thrust_omp"));
  CpuBackend cpu;
  expect_identical_everywhere(cpu, *thrust, 7, "thrust_omp");
  State<double> big = random_state(cube(3, 40), 43, true), big_other = big;
  CpuBackend().advance(big, test_params(4, Boundary::reflective), 5);
  thrust->advance(big_other, test_params(4, Boundary::reflective), 5);
  EXPECT_EQ(first_difference(big.E, big_other.E), big.E.size());
}

}  // namespace
}  // namespace lfm::testing
