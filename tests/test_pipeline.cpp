// The performance pipeline end to end: validate catches a wrong backend,
// bench, baseline and profile write complete records, compare flags only
// significant changes above the threshold. No timing is asserted here
// (timed assertions live in the performance label); only structure and
// the decisions the tools make from numbers.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cli_helpers.hpp"
#include "lattice/backend.hpp"
#include "lattice/perf/validation.hpp"

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace lfm::testing {
namespace {

using ::testing::HasSubstr;

// The baseline with one wrong digit: E is scaled by (1 + 1e-9) after every
// advance — far below what a plot shows, far above SPEC §6's 1e-12.
class SabotagedBackend final : public Backend {
 public:
  void advance(State<double>& s, const Params& p, std::int64_t steps) override { run(s, p, steps); }
  void advance(State<float>& s, const Params& p, std::int64_t steps) override { run(s, p, steps); }

 private:
  template <class T>
  void run(State<T>& s, const Params& p, std::int64_t steps) {
    make_backend("baseline")->advance(s, p, steps);
    for (std::size_t i = 0; i < s.E.size(); ++i) s.E[i] *= static_cast<T>(1 + 1e-9);
  }
};

TEST(Validate, CatchesAWrongBackend) {
  register_backend({"sabotaged", "baseline with a 1e-9 error", "",
                    [] { return std::make_unique<SabotagedBackend>(); }});
  const auto report = perf::validate_backend("sabotaged", "baseline", {Precision::float64});
  EXPECT_FALSE(report.passed());
  EXPECT_EQ(report.failures(), static_cast<int>(report.cases.size()));
  // The same error is invisible at float32's tolerance: validation uses
  // SPEC §6's numbers, not "anything different".
  EXPECT_TRUE(perf::validate_backend("sabotaged", "baseline", {Precision::float32}).passed());
}

TEST(Validate, BaselineAgainstItselfPassesEveryCase) {
  const TempDir dir;
  const CliResult r = run_lfm({"validate", "baseline", "--out", dir.path().string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::size_t cases = perf::validation_matrix({Precision::float64, Precision::float32}).size();
  EXPECT_THAT(r.out, HasSubstr(std::to_string(cases) + " passed, 0 failed"));
  const json j = json::parse(read_file(dir / "validation.json"));
  EXPECT_TRUE(j["passed"]);
  EXPECT_EQ(j["cases"].size(), cases);
  EXPECT_EQ(j["cases"][0]["max_abs_error"], 0.0);  // identical code, identical bits
  // The matrix reaches the sizes where the host backends thread, and says so.
  int threaded_2d = 0, threaded_3d = 0;
  for (const auto& c : j["cases"]) {
    ASSERT_TRUE(c.contains("shape") && c.contains("threads") && c.contains("steps")) << c.dump();
    std::size_t cells = 1;
    for (const auto& n : c["shape"]) cells *= n.get<std::size_t>();
    if (cells < 32768) continue;  // cpu::Shape3::worth_threads
    (c["shape"].size() == 2 ? threaded_2d : threaded_3d) += 1;
  }
  EXPECT_GT(threaded_2d, 0);
  EXPECT_GT(threaded_3d, 0);
}

TEST(Validate, UnknownBackendIsAnInputError) {
  const CliResult r = run_lfm({"validate", "basline"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("did you mean 'baseline'"));
}

TEST(Bench, WritesStatisticsForEverySize) {
  const TempDir dir;
  const CliResult r = run_lfm({"bench", "baseline", "--n", "8", "--n", "12", "--reps", "10", "--warmup", "1",
                               "--min-time", "0.01", "--out", dir.path().string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("speedup"));
  const json j = json::parse(read_file(dir / "bench.json"));
  EXPECT_TRUE(j["validation"]["passed"]);
  ASSERT_EQ(j["sizes"].size(), 2u);
  for (const auto& size : j["sizes"]) {
    for (const char* side : {"reference", "candidate"}) {
      EXPECT_EQ(size[side]["samples"].size(), 10u);
      EXPECT_LE(size[side]["median_ci95"][0].get<double>(), size[side]["median"].get<double>());
      EXPECT_GE(size[side]["median_ci95"][1].get<double>(), size[side]["median"].get<double>());
      EXPECT_GT(size[side]["fraction_of_triad_1thread"].get<double>(), 0.0);
    }
    EXPECT_GT(size["speedup"]["estimate"].get<double>(), 0.0);
    EXPECT_GT(size["resources"]["peak_rss_bytes"].get<double>(), 0.0);
  }
  EXPECT_GT(j["stream_triad"][0]["best_gbs"].get<double>(), 0.0);
}

TEST(Bench, RefusesTooFewRepetitions) {
  const CliResult r = run_lfm({"bench", "baseline", "--reps", "5"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("--reps = 5"));
}

TEST(Baseline, RecordsOutputsPerformanceAndAReport) {
  const TempDir dir;
  const CliResult r = run_lfm({"baseline", "wave_packet", "--dim", "1", "--n", "64", "--steps", "10",
                               "--reps", "10", "--dir", dir.path().string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const fs::path c = dir / "wave_packet" / "1d_64_float64";
  for (const char* f : {"perf.json", "energy.csv", "E.npy", "E_prev.npy"}) {
    EXPECT_TRUE(fs::exists(c / f)) << f;
  }
  const json j = json::parse(read_file(c / "perf.json"));
  EXPECT_EQ(j["timing"]["samples"].size(), 10u);
  EXPECT_EQ(j["outputs"]["steps"], 10);
  EXPECT_TRUE(j["outputs"]["fields_committed"]);
  for (const char* key : {"cells_per_s", "gb_per_s", "fraction_of_triad_1thread", "machine", "resources",
                          "bytes", "stream_triad", "command"}) {
    EXPECT_TRUE(j.contains(key)) << key;
  }
  // Counters are either recorded or explained, never silently missing.
  const auto& hw = j["hardware_counters"];
  EXPECT_TRUE(hw["available"].get<bool>() || !hw["reason"].get<std::string>().empty());
  EXPECT_THAT(read_file(dir / "wave_packet" / "report.md"), HasSubstr("| 1d_64_float64 |"));
}

TEST(Profile, SplitsTheRunIntoPhases) {
  const TempDir dir;
  const CliResult r = run_lfm({"profile", "wave_packet", "--dim", "2", "--n", "32", "--steps", "5",
                               "--out", dir.path().string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json j = json::parse(read_file(dir / "profile.json"));
  std::vector<std::string> names;
  double shares = 0;
  for (const auto& p : j["phases"]) {
    names.push_back(p["phase"]);
    shares += p["share"].get<double>();
  }
  EXPECT_THAT(names, ::testing::IsSupersetOf({"stencil update", "boundaries", "diagnostics (every step)",
                                              "I/O (write E, E_prev)", "allocation (setup)"}));
  EXPECT_LE(shares, 1.0 + 1e-9);
  EXPECT_THAT(r.out, HasSubstr("<-- over 10%"));
}

class Compare : public ::testing::Test {
 protected:
  // A perf.json as `lfm baseline` writes it, with the given samples.
  fs::path record(const std::string& name, const std::vector<double>& samples,
                  const std::string& workload = "wave_packet") {
    json j{{"kind", "lfm-baseline"}, {"workload", workload}, {"backend", "baseline"},
           {"precision", "float64"}, {"dims", 3}, {"n", 32}, {"timing", {{"samples", samples}}}};
    write_file(dir / name, j.dump());
    return dir / name;
  }
  static std::vector<double> scaled(double factor) {
    std::vector<double> v;
    for (int i = 0; i < 12; ++i) v.push_back(factor * (1.0 + 0.01 * (i % 5)));
    return v;
  }
  TempDir dir;
};

TEST_F(Compare, SameTimingsAreNoRegression) {
  const CliResult r = run_lfm({"compare", record("a.json", scaled(1)).string(), record("b.json", scaled(1)).string()});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("no regression"));
}

TEST_F(Compare, SignificantSlowdownAboveThresholdIsARegression) {
  const CliResult r = run_lfm({"compare", record("a.json", scaled(1)).string(), record("b.json", scaled(1.5)).string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, HasSubstr("REGRESSION"));
}

TEST_F(Compare, SignificantButSmallChangeIsNotARegression) {
  const CliResult r = run_lfm({"compare", record("a.json", scaled(1)).string(), record("b.json", scaled(1.03)).string()});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_THAT(r.out, HasSubstr("below threshold"));
}

TEST_F(Compare, SpeedupIsAnImprovement) {
  const CliResult r = run_lfm({"compare", record("a.json", scaled(1)).string(), record("b.json", scaled(0.5)).string()});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_THAT(r.out, HasSubstr("improvement"));
}

TEST_F(Compare, RefusesRecordsOfDifferentWorkloads) {
  const CliResult r = run_lfm({"compare", record("a.json", scaled(1)).string(),
                               record("b.json", scaled(1), "plane_wave").string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("same workload"));
}

}  // namespace
}  // namespace lfm::testing

namespace lfm::testing {
namespace {

TEST(Tiers, WritesATableJsonAndTheDispersionPlot) {
  TempDir dir;
  const CliResult r = run_lfm({"tiers", "--backend", "cpu", "--check", "dispersion", "--check", "damping",
                               "--out", dir.path().string()});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("2 of 2 checks passed"));
  const json j = json::parse(read_file(dir / "tiers.json"));
  EXPECT_EQ(j["backend"], "cpu");
  EXPECT_TRUE(j["passed"].get<bool>());
  ASSERT_EQ(j["checks"].size(), 2u);
  EXPECT_EQ(j["checks"][0]["id"], "dispersion");
  EXPECT_FALSE(j["checks"][0]["comparisons"].empty());
  EXPECT_EQ(j["checks"][0]["series"][0]["name"], "dispersion");
  EXPECT_EQ(j["checks"][1]["id"], "damping");
  EXPECT_TRUE(fs::exists(dir / "tiers_dispersion.png")) << r.out;  // gnuplot-nox is a dependency
}

TEST(Tiers, UnknownCheckOrTierIsAnInputError) {
  for (const auto& args : {std::vector<std::string>{"tiers", "--check", "dispersoin"},
                           std::vector<std::string>{"tiers", "--tier", "7"}}) {
    const CliResult r = run_lfm(args);
    EXPECT_EQ(r.exit_code, 2) << args.back();
    EXPECT_THAT(r.err, HasSubstr(args.back()));
  }
}

}  // namespace
}  // namespace lfm::testing
