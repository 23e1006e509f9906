#pragma once
// Fits to amplitudes sampled along a run, shared by the energy and
// quantization checks: the frequency of one mode of the undamped update and
// the rate of an exponential.
#include <cmath>
#include <cstddef>
#include <span>
#include <stdexcept>
#include <vector>

#include "lattice/field.hpp"

namespace lfm::tiers::detail {

// Σ f_i v_i in float64: the amplitude of the field along the vector v.
template <class T>
double project(const Field<T>& f, std::span<const double> v) {
  double sum = 0;
  for (std::size_t i = 0; i < f.size(); ++i) sum += static_cast<double>(f[i]) * v[i];
  return sum;
}

// One mode of the undamped update obeys a_{n+1} + a_{n−1} = 2 cos(ωΔt) a_n
// exactly, so cos(ωΔt) = Σ a_n (a_{n+1} + a_{n−1}) / (2 Σ a_n²) recovers ω
// to round-off from samples taken every step, whatever the mode's phase.
inline double mode_frequency(std::span<const double> a, double dt) {
  if (a.size() < 3) throw std::logic_error("mode_frequency needs at least three samples");
  double cross = 0, square = 0;
  for (std::size_t n = 1; n + 1 < a.size(); ++n) {
    cross += a[n] * (a[n + 1] + a[n - 1]);
    square += a[n] * a[n];
  }
  return std::acos(cross / (2 * square)) / dt;
}

// Least-squares slope of ln|y| against x: the rate of y ∝ e^{rate·x}.
inline double log_slope(std::span<const double> x, std::span<const double> y) {
  if (x.size() != y.size() || x.size() < 2) throw std::logic_error("log_slope needs two or more points");
  const double count = static_cast<double>(x.size());
  double mean_x = 0, mean_l = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    mean_x += x[i] / count;
    mean_l += std::log(std::abs(y[i])) / count;
  }
  double sxy = 0, sxx = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    sxy += (x[i] - mean_x) * (std::log(std::abs(y[i])) - mean_l);
    sxx += (x[i] - mean_x) * (x[i] - mean_x);
  }
  return sxy / sxx;
}

}  // namespace lfm::tiers::detail
