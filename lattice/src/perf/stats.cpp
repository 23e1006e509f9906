#include "lattice/perf/stats.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

namespace lfm::stats {
namespace {

// Sorts `v` in place; the caller owns a scratch copy, so no extra allocation.
double median_of(std::vector<double>& v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

// Linear interpolation between order statistics (Hyndman–Fan type 7), so a
// small number of resamples still gives a smooth, monotone percentile.
double percentile(std::vector<double>& v, double q) {
  std::sort(v.begin(), v.end());
  const double pos = q * static_cast<double>(v.size() - 1);
  const auto lo = static_cast<std::size_t>(pos);
  const std::size_t hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (pos - static_cast<double>(lo)) * (v[hi] - v[lo]);
}

void check_sample(std::span<const double> s, const char* name) {
  if (s.empty()) throw std::invalid_argument(std::string(name) + ": sample is empty");
  for (std::size_t i = 0; i < s.size(); ++i)
    if (!std::isfinite(s[i]))
      throw std::invalid_argument(std::string(name) + ": sample " + std::to_string(i) +
                                  " is not finite (" + std::to_string(s[i]) + ")");
}

void check_resamples(int resamples) {
  if (resamples < 1)
    throw std::invalid_argument("resamples must be >= 1, got " + std::to_string(resamples));
}

// Median of one bootstrap resample of `s`, drawn with replacement into `scratch`.
double resampled_median(std::span<const double> s, std::mt19937_64& rng,
                        std::vector<double>& scratch) {
  std::uniform_int_distribution<std::size_t> pick(0, s.size() - 1);
  scratch.resize(s.size());
  for (double& x : scratch) x = s[pick(rng)];
  return median_of(scratch);
}

}  // namespace

Summary summarize(std::span<const double> samples, std::uint64_t seed, int resamples) {
  check_sample(samples, "summarize");
  check_resamples(resamples);
  std::vector<double> sorted(samples.begin(), samples.end());
  Summary s;
  s.n = sorted.size();
  s.median = median_of(sorted);
  s.min = sorted.front();
  s.max = sorted.back();
  s.mean = std::accumulate(sorted.begin(), sorted.end(), 0.0) / static_cast<double>(s.n);
  if (s.n > 1) {
    double ss = 0;
    for (double x : sorted) ss += (x - s.mean) * (x - s.mean);
    s.stddev = std::sqrt(ss / static_cast<double>(s.n - 1));
  }
  if (s.n == 1) {
    s.ci_low = s.ci_high = s.median;
    return s;
  }
  std::mt19937_64 rng(seed);
  std::vector<double> medians(static_cast<std::size_t>(resamples)), scratch;
  for (double& m : medians) m = resampled_median(samples, rng, scratch);
  s.ci_low = percentile(medians, 0.025);
  s.ci_high = percentile(medians, 0.975);
  return s;
}

Ratio speedup(std::span<const double> reference_times, std::span<const double> candidate_times,
              std::uint64_t seed, int resamples) {
  check_sample(reference_times, "speedup reference");
  check_sample(candidate_times, "speedup candidate");
  check_resamples(resamples);
  std::vector<double> ref(reference_times.begin(), reference_times.end());
  std::vector<double> cand(candidate_times.begin(), candidate_times.end());
  const double cand_median = median_of(cand);
  // A zero or negative time means a broken timer; a ratio of it is meaningless.
  if (cand_median <= 0)
    throw std::invalid_argument("speedup: candidate median must be > 0, got " +
                                std::to_string(cand_median));
  Ratio r;
  r.estimate = median_of(ref) / cand_median;
  std::mt19937_64 rng(seed);
  std::vector<double> ratios(static_cast<std::size_t>(resamples)), scratch;
  for (double& q : ratios) {
    const double num = resampled_median(reference_times, rng, scratch);
    const double den = resampled_median(candidate_times, rng, scratch);
    // A resample can hit a median of 0 only if the candidate has such times;
    // an infinite ratio then sorts to the top and widens the upper bound.
    q = num / den;
  }
  r.ci_low = percentile(ratios, 0.025);
  r.ci_high = percentile(ratios, 0.975);
  return r;
}

// The normal approximation to U is adequate for n >= 8 per group, which the
// tools always satisfy (they record >= 9 repetitions), so no exact table.
RankTest mann_whitney(std::span<const double> a, std::span<const double> b) {
  check_sample(a, "mann_whitney a");
  check_sample(b, "mann_whitney b");
  struct Obs { double value; bool in_a; };
  std::vector<Obs> all;
  all.reserve(a.size() + b.size());
  for (double x : a) all.push_back({x, true});
  for (double x : b) all.push_back({x, false});
  std::sort(all.begin(), all.end(), [](const Obs& l, const Obs& r) { return l.value < r.value; });

  const double N = static_cast<double>(all.size());
  double rank_sum_a = 0, tie_term = 0;
  for (std::size_t i = 0; i < all.size();) {
    std::size_t j = i;
    while (j < all.size() && all[j].value == all[i].value) ++j;
    const double t = static_cast<double>(j - i);
    const double mid_rank = 0.5 * static_cast<double>(i + 1 + j);  // mean of ranks i+1..j
    for (std::size_t k = i; k < j; ++k)
      if (all[k].in_a) rank_sum_a += mid_rank;
    tie_term += t * t * t - t;
    i = j;
  }

  const double na = static_cast<double>(a.size()), nb = static_cast<double>(b.size());
  RankTest r;
  r.u = rank_sum_a - na * (na + 1) / 2;
  const double var = na * nb / 12 * ((N + 1) - (N > 1 ? tie_term / (N * (N - 1)) : 0));
  if (var <= 0) return r;  // all values equal: no evidence either way (z = 0, p = 1)
  const double diff = r.u - na * nb / 2;
  // Continuity correction toward zero, never past it.
  const double corrected = std::copysign(std::max(std::abs(diff) - 0.5, 0.0), diff);
  r.z = corrected / std::sqrt(var);
  r.p_value = std::erfc(std::abs(r.z) / std::sqrt(2.0));
  return r;
}

}  // namespace lfm::stats
