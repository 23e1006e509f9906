// Promotion cannot skip a step: every optimized backend in the registry has
// its validation (the tests are instantiated over every registered name),
// at least one speedup gate in perf_tests/, and a report in
// docs/optimizations/.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>

#include "lattice/perf/validation.hpp"
#include "support/backends.hpp"

namespace lfm::testing {
namespace {

std::vector<std::string> gated_backends() {
  std::vector<std::string> out;
  std::stringstream list(LFM_GATED_BACKENDS);
  for (std::string name; std::getline(list, name, ',');) out.push_back(name);
  return out;
}

// What `name` still lacks before it may be promoted.
std::vector<std::string> promotion_gaps(const std::string& name) {
  std::vector<std::string> gaps;
  const auto registered = backend_names();
  if (std::find(registered.begin(), registered.end(), name) == registered.end()) {
    gaps.push_back("not registered, so no validation instantiation");
  }
  const auto gated = gated_backends();
  if (std::find(gated.begin(), gated.end(), name) == gated.end()) {
    gaps.push_back("no lfm_add_speedup_gate(... BACKEND " + name + " ...) in perf_tests/");
  }
  const auto report = std::filesystem::path(LFM_SOURCE_DIR) / "docs" / "optimizations" / (name + ".md");
  if (!std::filesystem::exists(report)) gaps.push_back("no report " + report.string() + " (lfm report " + name + ")");
  return gaps;
}

TEST(Promotion, EveryOptimizedBackendHasValidationGateAndReport) {
  EXPECT_FALSE(perf::validation_matrix({Precision::float64}).empty());
  for (const auto& name : backend_names()) {
    if (name == "baseline") continue;  // the reference is not promoted; it is the truth
    EXPECT_THAT(promotion_gaps(name), ::testing::IsEmpty()) << "backend '" << name << "'";
  }
}

// The check itself must be able to fail.
TEST(Promotion, AnUnknownBackendLacksEverything) {
  EXPECT_EQ(promotion_gaps("no_such_backend").size(), 3u);
}

}  // namespace
}  // namespace lfm::testing
