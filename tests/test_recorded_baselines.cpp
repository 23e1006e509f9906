// The recorded reference outputs in baselines/ still come out of today's
// baseline: each committed small-grid record is re-run and compared within
// SPEC §6's tolerance for its precision. A change to the baseline's results
// must come with re-recorded baselines (ci/update-baselines), in view.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "lattice/backend.hpp"
#include "lattice/npy.hpp"
#include "lattice/perf/validation.hpp"
#include "lattice/workloads.hpp"
#include "support/matchers.hpp"

namespace fs = std::filesystem;

namespace lfm::testing {
namespace {

std::vector<std::string> committed_records() {
  std::vector<std::string> out;
  const fs::path root = fs::path(LFM_SOURCE_DIR) / "baselines";
  if (!fs::exists(root)) return out;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (entry.path().filename() == "perf.json" && fs::exists(entry.path().parent_path() / "E.npy")) {
      out.push_back(fs::relative(entry.path().parent_path(), root).string());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

class RecordedBaseline : public ::testing::TestWithParam<std::string> {};

TEST_P(RecordedBaseline, TodaysBaselineReproducesIt) {
  const fs::path dir = fs::path(LFM_SOURCE_DIR) / "baselines" / GetParam();
  std::ifstream f(dir / "perf.json");
  const auto j = nlohmann::json::parse(f);
  const Precision precision = parse_precision(j["precision"].get<std::string>());
  Problem problem = make_workload(j["workload"].get<std::string>(), j["dims"], j["n"], precision);
  advance(*make_backend("baseline"), problem.state, problem.params, j["outputs"]["steps"].get<int>());
  const double tol = perf::field_tolerance(precision);
  std::visit(
      [&](const auto& s) {
        using T = typename std::decay_t<decltype(s.E)>::value_type;
        EXPECT_THAT(s.E, FieldNear(read_npy_as<T>(dir / "E.npy"), tol));
        EXPECT_THAT(s.E_prev, FieldNear(read_npy_as<T>(dir / "E_prev.npy"), tol));
      },
      problem.state);
}

INSTANTIATE_TEST_SUITE_P(Committed, RecordedBaseline, ::testing::ValuesIn(committed_records()),
                         [](const auto& info) { return info.param.substr(0, info.param.find('/')) + "_" +
                                                       info.param.substr(info.param.find('/') + 1); });

// An empty baselines/ would make the suite above test nothing.
TEST(RecordedBaselines, SomeAreCommitted) { EXPECT_FALSE(committed_records().empty()); }

}  // namespace
}  // namespace lfm::testing
