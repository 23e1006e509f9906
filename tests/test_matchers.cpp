// The matchers every backend is judged by must fail when they should, and
// say where.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <limits>

#include "support/matchers.hpp"

namespace lfm::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

template <class M, class T>
std::string explain(const M& matcher, const Field<T>& f) {
  std::ostringstream os;
  matcher.MatchAndExplain(f, &os);
  return os.str();
}

TEST(FieldNear, PassesWithinToleranceOfTheLargestMagnitude) {
  Field<double> expected(Grid({4, 4}), 1.0);
  expected[0] = 100.0;
  Field<double> actual = expected;
  actual[5] += 0.9e-10;  // 0.9e-12 of max|expected| = 100
  EXPECT_THAT(actual, FieldNear(expected, 1e-12));
}

TEST(FieldNear, ReportsWorstErrorItsIndexAndTheFailingCount) {
  const Field<double> expected(Grid({3, 4}), 1.0);
  Field<double> actual = expected;
  actual[6] += 1e-3;  // (1, 2)
  actual[11] += 1e-6;
  actual[2] += 1e-14;
  EXPECT_THAT(actual, Not(FieldNear(expected, 1e-12)));
  const std::string why = explain(FieldNear(expected, 1e-12), actual);
  EXPECT_THAT(why, HasSubstr("at (1, 2)"));
  EXPECT_THAT(why, HasSubstr("2 of 12 cells"));
}

TEST(FieldNear, NaNNeverMatches) {
  const Field<float> expected(Grid({5}), 1.0f);
  Field<float> actual = expected;
  actual[3] = std::numeric_limits<float>::quiet_NaN();
  EXPECT_THAT(actual, Not(FieldNear(expected, 1.0, 1.0)));
  EXPECT_THAT(explain(FieldNear(expected, 1.0, 1.0), actual), HasSubstr("at (3)"));
}

TEST(FieldNear, ShapeMismatchFails) {
  EXPECT_THAT(Field<double>(Grid({2, 3})), Not(FieldNear(Field<double>(Grid({3, 2})), 1.0)));
}

TEST(AllFinite, FindsTheFirstBadCell) {
  Field<double> f(Grid({2, 2, 2}), 0.5);
  EXPECT_THAT(f, AllFinite());
  f[5] = std::numeric_limits<double>::infinity();
  EXPECT_THAT(f, Not(AllFinite()));
  EXPECT_THAT(explain(AllFinite(), f), HasSubstr("(1, 0, 1)"));
}

}  // namespace
}  // namespace lfm::testing
