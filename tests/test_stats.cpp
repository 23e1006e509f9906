#include "lattice/perf/stats.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <stdexcept>
#include <vector>

namespace {

using lfm::stats::mann_whitney;
using lfm::stats::speedup;
using lfm::stats::summarize;

// Log-normal timings around `center`: skewed like real runs on a shared machine.
std::vector<double> timings(std::size_t n, double center, double noise, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::lognormal_distribution<double> dist(std::log(center), noise);
  std::vector<double> v(n);
  for (double& x : v) x = dist(rng);
  return v;
}

std::vector<double> scaled(std::vector<double> v, double factor) {
  for (double& x : v) x *= factor;
  return v;
}

TEST(Summarize, MedianOfOddCountIsMiddleValue) {
  const std::vector<double> v{5, 1, 3};
  EXPECT_DOUBLE_EQ(summarize(v).median, 3);
}

TEST(Summarize, MedianOfEvenCountIsMeanOfMiddlePair) {
  const std::vector<double> v{4, 1, 3, 2};
  EXPECT_DOUBLE_EQ(summarize(v).median, 2.5);
}

TEST(Summarize, MeanStddevMinMaxOfKnownSample) {
  // Sum of squared deviations is 32, so the sample sd is sqrt(32 / 7).
  const std::vector<double> v{2, 4, 4, 4, 5, 5, 7, 9};
  const auto s = summarize(v);
  EXPECT_EQ(s.n, 8u);
  EXPECT_DOUBLE_EQ(s.mean, 5);
  EXPECT_NEAR(s.stddev, 2.13808993529939, 1e-12);
  EXPECT_DOUBLE_EQ(s.min, 2);
  EXPECT_DOUBLE_EQ(s.max, 9);
}

TEST(Summarize, SingleSampleHasZeroSpreadAndPointInterval) {
  const std::vector<double> v{3.5};
  const auto s = summarize(v);
  EXPECT_DOUBLE_EQ(s.stddev, 0);
  EXPECT_DOUBLE_EQ(s.ci_low, 3.5);
  EXPECT_DOUBLE_EQ(s.ci_high, 3.5);
}

TEST(Summarize, CiContainsMedianAndLiesWithinRange) {
  const auto v = timings(15, 10.0, 0.2, 7);
  const auto s = summarize(v);
  EXPECT_LE(s.ci_low, s.median);
  EXPECT_GE(s.ci_high, s.median);
  EXPECT_GE(s.ci_low, s.min);
  EXPECT_LE(s.ci_high, s.max);
}

TEST(Summarize, CiNarrowsAsSampleGrows) {
  const auto small = summarize(timings(10, 10.0, 0.2, 11));
  const auto large = summarize(timings(1000, 10.0, 0.2, 11));
  EXPECT_LT(large.ci_high - large.ci_low, small.ci_high - small.ci_low);
}

TEST(Summarize, SameSeedGivesSameInterval) {
  const auto v = timings(12, 10.0, 0.3, 3);
  const auto a = summarize(v, 42), b = summarize(v, 42);
  EXPECT_EQ(a.ci_low, b.ci_low);
  EXPECT_EQ(a.ci_high, b.ci_high);
}

TEST(Summarize, RejectsEmptyAndNonFiniteInput) {
  EXPECT_THROW(summarize({}), std::invalid_argument);
  const std::vector<double> nan{1, std::numeric_limits<double>::quiet_NaN(), 3};
  EXPECT_THROW(summarize(nan), std::invalid_argument);
  const std::vector<double> inf{1, std::numeric_limits<double>::infinity()};
  EXPECT_THROW(summarize(inf), std::invalid_argument);
}

TEST(Speedup, IdenticalSamplesGiveOne) {
  const auto v = timings(15, 10.0, 0.1, 5);
  const auto r = speedup(v, v);
  EXPECT_DOUBLE_EQ(r.estimate, 1);
  EXPECT_LE(r.ci_low, 1);
  EXPECT_GE(r.ci_high, 1);
}

TEST(Speedup, CandidateTwiceAsFastGivesTwo) {
  const auto ref = timings(15, 10.0, 0.02, 9);
  const auto cand = scaled(timings(15, 10.0, 0.02, 10), 0.5);
  const auto same_noise = scaled(ref, 0.5);
  EXPECT_NEAR(speedup(ref, same_noise).estimate, 2, 1e-12);
  const auto r = speedup(ref, cand);
  EXPECT_LE(r.ci_low, 2);
  EXPECT_GE(r.ci_high, 2);
  EXPECT_GT(r.ci_low, 1);
}

TEST(Speedup, RejectsEmptyAndNonPositiveCandidate) {
  const std::vector<double> v{1, 2, 3};
  EXPECT_THROW(speedup({}, v), std::invalid_argument);
  EXPECT_THROW(speedup(v, {}), std::invalid_argument);
  const std::vector<double> zeros{0, 0, 1};
  EXPECT_THROW(speedup(v, zeros), std::invalid_argument);
}

TEST(MannWhitney, FullySeparatedSamplesGiveUZero) {
  // Every a is below every b, so a holds ranks 1..10: R_a = 55 and
  // U = 55 - 10*11/2 = 0. sigma^2 = 10*10*21/12 = 175, |U - 50| - 0.5 = 49.5,
  // z = -49.5 / 13.229 = -3.742, p = 1.8e-4.
  std::vector<double> a, b;
  for (int i = 1; i <= 10; ++i) a.push_back(i);
  for (int i = 11; i <= 20; ++i) b.push_back(i);
  const auto r = mann_whitney(a, b);
  EXPECT_DOUBLE_EQ(r.u, 0);
  EXPECT_NEAR(r.z, -49.5 / std::sqrt(175.0), 1e-12);
  EXPECT_LT(r.p_value, 1e-3);
  EXPECT_DOUBLE_EQ(mann_whitney(b, a).u, 100);
}

TEST(MannWhitney, TiesUseMidRanks) {
  // Pooled: 1(a) 2(a) 2(b) 3(b); the tied 2s share rank 2.5, so
  // R_a = 1 + 2.5 = 3.5 and U = 3.5 - 3 = 0.5.
  const std::vector<double> a{1, 2}, b{2, 3};
  EXPECT_DOUBLE_EQ(mann_whitney(a, b).u, 0.5);
}

TEST(MannWhitney, IdenticalSamplesAreNotSignificant) {
  const auto v = timings(12, 10.0, 0.2, 21);
  EXPECT_GT(mann_whitney(v, v).p_value, 0.5);
}

TEST(MannWhitney, ShiftedSampleIsSignificant) {
  const auto a = timings(12, 10.0, 0.05, 31);
  const auto b = timings(12, 12.0, 0.05, 32);
  EXPECT_LT(mann_whitney(a, b).p_value, 0.01);
}

TEST(MannWhitney, AllEqualGivesPOne) {
  const std::vector<double> v(9, 4.0);
  const auto r = mann_whitney(v, v);
  EXPECT_DOUBLE_EQ(r.z, 0);
  EXPECT_DOUBLE_EQ(r.p_value, 1);
}

TEST(MannWhitney, RejectsEmptyAndNaNInput) {
  const std::vector<double> v{1, 2, 3};
  const std::vector<double> nan{1, std::numeric_limits<double>::quiet_NaN()};
  EXPECT_THROW(mann_whitney({}, v), std::invalid_argument);
  EXPECT_THROW(mann_whitney(v, nan), std::invalid_argument);
}

}  // namespace
