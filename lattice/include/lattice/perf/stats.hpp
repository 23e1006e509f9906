#pragma once
// Statistics for timings: robust summaries, bootstrap confidence intervals
// and a rank test for regressions. Timings are noisy and skewed (a shared
// machine adds outliers on one side), so medians and resampling are used
// rather than means and normal-theory intervals.
#include <cstdint>
#include <span>

namespace lfm::stats {

struct Summary {
  std::size_t n = 0;
  double median = 0, mean = 0, stddev = 0, min = 0, max = 0;
  // 95 % confidence interval of the median (bootstrap percentile).
  double ci_low = 0, ci_high = 0;
};

// Throws std::invalid_argument for an empty sample.
Summary summarize(std::span<const double> samples, std::uint64_t seed = 1,
                  int resamples = 10000);

struct Ratio {
  double estimate = 0;  // median(numerator) / median(denominator)
  double ci_low = 0, ci_high = 0;  // 95 %, bootstrap percentile
};

// Speedup of `candidate` over `reference` from two samples of times:
// median(reference) / median(candidate), its 95 % CI by resampling each
// sample independently.
Ratio speedup(std::span<const double> reference_times, std::span<const double> candidate_times,
              std::uint64_t seed = 1, int resamples = 10000);

struct RankTest {
  double u = 0;        // Mann–Whitney U of the first sample
  double z = 0;        // normal approximation with tie correction
  double p_value = 1;  // two-sided
};

// Mann–Whitney U test (Wilcoxon rank-sum) of two independent samples.
RankTest mann_whitney(std::span<const double> a, std::span<const double> b);

}  // namespace lfm::stats
