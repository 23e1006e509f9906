#pragma once
// Matchers that explain themselves: a failure names the worst error, where
// it is, and how many cells fail.
#include <gmock/gmock.h>

#include <cmath>
#include <cstring>
#include <ostream>
#include <string>

#include "lattice/field.hpp"

namespace lfm::testing {

// "(3, 0, 12)": a flat index as lattice coordinates.
std::string index_string(const Grid& g, std::size_t i);

inline bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

// The same grid and the same bytes in every cell (-0.0 and 0.0 differ, a NaN
// equals its copy): what "bit-identical" means throughout the tests.
template <class T>
bool same_bits(const Field<T>& a, const Field<T>& b) {
  return a.grid() == b.grid() && std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) == 0;
}

// Every |actual − expected| <= atol + rtol · max|expected|. The tolerance is
// relative to the field's largest magnitude, as in SPEC §6, so cells near a
// node of the wave are not held to an impossible per-cell relative error.
template <class E>
class FieldNearMatcher {
 public:
  using is_gtest_matcher = void;

  FieldNearMatcher(const Field<E>& expected, double rtol, double atol)
      : expected_(expected), rtol_(rtol), atol_(atol) {}

  template <class A>
  bool MatchAndExplain(const Field<A>& actual, std::ostream* os) const {
    if (!(actual.grid() == expected_.grid())) {
      if (os) *os << "shape " << actual.grid().shape_string() << " differs from expected "
                  << expected_.grid().shape_string();
      return false;
    }
    double scale = 0;
    for (std::size_t i = 0; i < expected_.size(); ++i) {
      scale = std::max(scale, std::abs(static_cast<double>(expected_[i])));
    }
    const double limit = atol_ + rtol_ * scale;
    std::size_t failing = 0, worst = 0;
    double worst_err = -1;
    for (std::size_t i = 0; i < actual.size(); ++i) {
      const double err =
          std::abs(static_cast<double>(actual[i]) - static_cast<double>(expected_[i]));
      const bool bad = !(err <= limit);  // NaN fails
      failing += bad;
      if (bad && std::isnan(err)) {
        worst_err = err;
        worst = i;
      } else if (!std::isnan(worst_err) && err > worst_err) {
        worst_err = err;
        worst = i;
      }
    }
    if (os) {
      *os << "worst |diff| " << worst_err << " at " << index_string(actual.grid(), worst)
          << " (actual " << static_cast<double>(actual[worst]) << ", expected "
          << static_cast<double>(expected_[worst]) << "), relative to max|expected| "
          << (scale > 0 ? worst_err / scale : worst_err) << "; " << failing << " of "
          << actual.size() << " cells exceed " << limit;
    }
    return failing == 0;
  }

  void DescribeTo(std::ostream* os) const {
    *os << "is within " << atol_ << " + " << rtol_ << "·max|expected| of the expected field";
  }
  void DescribeNegationTo(std::ostream* os) const {
    *os << "is not within " << atol_ << " + " << rtol_ << "·max|expected| of the expected field";
  }

 private:
  Field<E> expected_;
  double rtol_, atol_;
};

template <class E>
FieldNearMatcher<E> FieldNear(const Field<E>& expected, double rtol, double atol = 0) {
  return FieldNearMatcher<E>(expected, rtol, atol);
}

class AllFiniteMatcher {
 public:
  using is_gtest_matcher = void;

  template <class T>
  bool MatchAndExplain(const Field<T>& f, std::ostream* os) const {
    std::size_t bad = 0, first = 0;
    for (std::size_t i = 0; i < f.size(); ++i) {
      if (!std::isfinite(f[i])) {
        if (bad++ == 0) first = i;
      }
    }
    if (bad > 0 && os) {
      *os << bad << " non-finite cells, the first at " << index_string(f.grid(), first) << " ("
          << f[first] << ")";
    }
    return bad == 0;
  }
  void DescribeTo(std::ostream* os) const { *os << "has only finite values"; }
  void DescribeNegationTo(std::ostream* os) const { *os << "has a NaN or Inf"; }
};

inline AllFiniteMatcher AllFinite() { return {}; }

}  // namespace lfm::testing
