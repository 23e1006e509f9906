// The physics validation tiers, written once and run on every registered
// backend: an optimization is usable only if every tier still passes on it.
#include <gtest/gtest.h>

#include "lattice/tiers.hpp"
#include "support/backends.hpp"

namespace {

struct Case {
  std::string backend;
  std::string check;
  // Failure messages name the case, not its bytes.
  friend void PrintTo(const Case& c, std::ostream* os) { *os << c.backend << " " << c.check; }
};

std::vector<Case> all_cases() {
  std::vector<Case> cases;
  for (const auto& b : lfm::testing::backend_names()) {
    for (const auto& c : lfm::tiers::all_checks()) cases.push_back({b, c.id});
  }
  return cases;
}

const lfm::tiers::Check& check_named(const std::string& id) {
  for (const auto& c : lfm::tiers::all_checks()) {
    if (c.id == id) return c;
  }
  throw std::logic_error("no check " + id);
}

class PhysicsTier : public ::testing::TestWithParam<Case> {};

TEST_P(PhysicsTier, MatchesThePhysics) {
  const auto& [backend, id] = GetParam();
  std::string why_not;
  if (!lfm::testing::backend_for(backend, &why_not)) {
    GTEST_SKIP() << "backend '" << backend << "' unavailable: " << why_not;
  }
  const auto result = lfm::tiers::run_check(check_named(id), backend);
  ASSERT_EQ(result.error, "");
  ASSERT_FALSE(result.outcome.comparisons.empty()) << "the check compared nothing";
  for (const auto& c : result.outcome.comparisons) EXPECT_TRUE(c.passed()) << describe(c);
}

INSTANTIATE_TEST_SUITE_P(EveryBackend, PhysicsTier, ::testing::ValuesIn(all_cases()),
                         [](const auto& info) { return info.param.backend + "_" + info.param.check; });

}  // namespace
