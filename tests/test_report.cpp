// `lfm report` end to end: the report is built from real validate and bench
// records, says what they say (counts, speedups, verdicts), carries its plot
// when gnuplot is present, and refuses missing or foreign inputs.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <future>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli_helpers.hpp"

namespace fs = std::filesystem;
using Json = nlohmann::json;

namespace lfm::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// The speedup as the report prints it ("%.3g" then "x").
std::string speedup_text(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.3gx", v);
  return buf;
}

bool gnuplot_installed() { return std::system("command -v gnuplot >/dev/null 2>&1") == 0; }

// ctest runs each test in its own process, so only the first test pays for
// real validate and bench runs (about 15 s, run side by side); the refusals
// need only hand-written records.
class Report : public ::testing::Test {
 protected:
  // The real records, produced once: validation.json and bench.json.
  static const TempDir& real_results() {
    static const std::unique_ptr<TempDir> dir = [] {
      auto d = std::make_unique<TempDir>();
      const std::string out = d->path().string();
      auto validate = std::async(std::launch::async, [&] {
        return run_lfm({"validate", "baseline", "--out", out});
      });
      const CliResult b = run_lfm(
          {"bench", "baseline", "--n", "16", "--n", "24", "--reps", "10", "--warmup", "1", "--min-time", "0.01", "--out", out});
      const CliResult v = validate.get();
      EXPECT_EQ(v.exit_code, 0) << v.err;
      EXPECT_EQ(b.exit_code, 0) << b.err;
      return d;
    }();
    return *dir;
  }

  static Json record(const std::string& name) { return Json::parse(read_file(real_results() / name)); }

  void stage(const std::vector<std::pair<std::string, std::string>>& files) const {
    for (const auto& [name, text] : files) write_file(dir / name, text);
  }

  CliResult report(const fs::path& results) const {
    return run_lfm({"report", "baseline", "--results", results.string(), "--docs", (dir / "docs").string()});
  }

  std::string markdown() const { return read_file(dir / "docs" / "baseline.md"); }

  TempDir dir;
};

TEST_F(Report, SaysWhatTheRealRecordsSayAndFlagsASlowerCandidate) {
  const CliResult r = report(real_results().path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("baseline.md"));
  std::string md = markdown();
  for (const char* heading :
       {"# Optimization report: `baseline`", "## Strategy", "## Validation", "## Performance", "## Memory",
        "## Hardware", "## Trade-offs", "## Next steps"}) {
    EXPECT_THAT(md, HasSubstr(heading));
  }

  const Json validation = record("validation.json");
  int passed = 0, failed = 0;
  for (const auto& c : validation["cases"]) ++(c["passed"].get<bool>() ? passed : failed);
  EXPECT_THAT(md, HasSubstr(std::to_string(passed) + " passed, " + std::to_string(failed) + " failed"));
  EXPECT_THAT(md, HasSubstr("of " + std::to_string(validation["cases"].size()) + " cases"));
  EXPECT_THAT(md, HasSubstr(std::to_string(validation["steps"].get<int>()) + " steps"));

  Json bench = record("bench.json");
  ASSERT_EQ(bench["sizes"].size(), 2u);
  for (const auto& s : bench["sizes"]) {
    EXPECT_THAT(md, HasSubstr(speedup_text(s["speedup"]["estimate"].get<double>())));
    EXPECT_THAT(md, HasSubstr("### " + std::to_string(s["n"].get<int>()) + "^3"));
  }
  EXPECT_THAT(md, HasSubstr("--n 16 --n 24"));
  EXPECT_THAT(md, HasSubstr("interleaved"));
  // The baseline runs at a few % of triad; a report that hid that would be wrong.
  EXPECT_THAT(md, HasSubstr("lfm profile wave_packet --backend baseline"));

  if (gnuplot_installed()) {
    EXPECT_EQ(read_file(dir / "docs" / "baseline.png").substr(0, 4), "\x89PNG");
    EXPECT_THAT(md, HasSubstr("![ms/step and bandwidth](baseline.png)"));
    EXPECT_THAT(md, Not(HasSubstr("Plot not generated")));
  } else {
    EXPECT_THAT(md, HasSubstr("Plot not generated"));
  }
  for (const auto& entry : fs::directory_iterator(dir / "docs")) {
    EXPECT_THAT(entry.path().filename().string(), Not(HasSubstr("partial"))) << "staging file left behind";
  }

  // The same records with the candidate three times slower.
  for (auto& s : bench["sizes"]) {
    Json& c = s["candidate"];
    for (const char* k : {"median", "mean", "stddev", "min", "max"}) c[k] = 3 * c[k].get<double>();
    for (auto& x : c["samples"]) x = 3 * x.get<double>();
    for (auto& x : c["median_ci95"]) x = 3 * x.get<double>();
    for (const char* k :
         {"cells_per_s", "gb_per_s", "fraction_of_triad_1thread", "fraction_of_triad_all_threads"})
      c[k] = c[k].get<double>() / 3;
    s["speedup"] = {{"estimate", 0.33}, {"ci95", {0.3, 0.36}}};
  }
  stage({{"validation.json", read_file(real_results() / "validation.json")}, {"bench.json", bench.dump(2)}});
  const CliResult slow = report(dir.path());
  ASSERT_EQ(slow.exit_code, 0) << slow.err;
  md = markdown();
  EXPECT_THAT(md, HasSubstr("**NEGATIVE RESULT"));
  EXPECT_THAT(md, HasSubstr("0.33x [0.3, 0.36]"));
  EXPECT_THAT(slow.out, HasSubstr("NEGATIVE RESULT"));
}

// Enough of a validation record to get past it to bench.json.
const std::string stub_validation =
    R"({"backend": "baseline", "reference": "baseline", "steps": 100, "cases": []})";

TEST_F(Report, MissingBenchRecordNamesTheCommandThatMakesIt) {
  stage({{"validation.json", stub_validation}});
  const CliResult r = report(dir.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("bench.json"));
  EXPECT_THAT(r.err, HasSubstr("lfm bench baseline"));
  EXPECT_FALSE(fs::exists(dir / "docs" / "baseline.md"));
}

TEST_F(Report, MissingValidationRecordNamesTheCommandThatMakesIt) {
  const CliResult r = report(dir.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("validation.json"));
  EXPECT_THAT(r.err, HasSubstr("lfm validate baseline"));
}

TEST_F(Report, MalformedOrForeignRecordsAreRefused) {
  stage({{"validation.json", stub_validation}, {"bench.json", "{\"backend\": "}});
  CliResult r = report(dir.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("bench.json"));

  stage({{"bench.json", R"({"backend": "cpu"})"}});
  r = report(dir.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("`cpu`"));

  stage({{"bench.json", R"({"backend": "baseline", "reference": "baseline", "sizes": []})"}});
  r = report(dir.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("malformed"));
  EXPECT_FALSE(fs::exists(dir / "docs" / "baseline.md"));
}

}  // namespace
}  // namespace lfm::testing
