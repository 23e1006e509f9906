// `lfm bench --peer`: another framework timed on the same equation. Without
// its Python environment the bench still measures lfm and says in one line
// how to create it; an unknown peer is refused before anything runs. With
// build/peers-venv present (perf_tests/peers/setup_venv.sh) Devito's figures
// are reported, and Devito's field agrees with lfm's to SPEC §6. No timing
// is asserted here, only what the tool reports.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "cli_helpers.hpp"

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace lfm::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

const fs::path venv = fs::path(LFM_SOURCE_DIR) / "build" / "peers-venv";
const fs::path devito_script = fs::path(LFM_SOURCE_DIR) / "perf_tests" / "peers" / "devito_step.py";

// Sets an environment variable for the scope, which `lfm` inherits.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::string& value) : name_(name) { ::setenv(name, value.c_str(), 1); }
  ~ScopedEnv() { ::unsetenv(name_); }

 private:
  const char* name_;
};

// A bench small enough for the correctness label: validation is skipped
// (test_pipeline covers it), each repetition a few steps.
std::vector<std::string> small_bench(const fs::path& out, std::vector<std::string> extra) {
  std::vector<std::string> args = {"bench", "cpu", "--n", "16", "--reps", "10", "--warmup", "1",
                                   "--min-time", "0.01", "--skip-validation", "--out", out.string()};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

TEST(PeerBench, WithoutItsEnvironmentSaysHowToCreateItAndStillBenchesLfm) {
  const TempDir dir;
  const ScopedEnv env("LFM_PEERS_VENV", (dir / "no-venv").string());
  const CliResult r = run_lfm(small_bench(dir / "out", {"--peer", "devito"}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("devito not timed: no Python environment at " + (dir / "no-venv").string() +
                               "; create it with " + (devito_script.parent_path() / "setup_venv.sh").string()));
  EXPECT_THAT(r.out, Not(HasSubstr("speedup over devito")));
  const json j = json::parse(read_file(dir / "out" / "bench.json"));
  ASSERT_EQ(j["sizes"].size(), 1u);
  EXPECT_EQ(j["sizes"][0]["candidate"]["samples"].size(), 10u);
  EXPECT_GT(j["sizes"][0]["speedup"]["estimate"].get<double>(), 0.0);
  EXPECT_FALSE(j["sizes"][0].contains("devito"));
}

TEST(PeerBench, RefusesAnUnknownPeerNamingTheKnownOnes) {
  const TempDir dir;
  const CliResult r = run_lfm(small_bench(dir / "out", {"--peer", "firedrake"}));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("--peer = 'firedrake'; expected one of: devito"));
  EXPECT_FALSE(fs::exists(dir / "out"));  // refused before the results directory
}

TEST(PeerBench, RefusesAStencilOrderOtherThan2Or4) {
  const TempDir dir;
  const CliResult r = run_lfm(small_bench(dir / "out", {"--order", "3"}));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("stencil order = 3; expected 2 or 4"));
}

TEST(PeerBench, RefusesPeerAndOrderWithEndToEnd) {
  for (const std::vector<std::string> extra : {std::vector<std::string>{"--peer", "devito"}, {"--order", "4"}}) {
    const TempDir dir;
    std::vector<std::string> args = {"bench", "cpu", "--end-to-end", "--n", "8", "--steps", "1", "--reps", "10",
                                     "--skip-validation", "--out", (dir / "out").string()};
    args.insert(args.end(), extra.begin(), extra.end());
    const CliResult r = run_lfm(args);
    EXPECT_EQ(r.exit_code, 2) << extra[0];
    EXPECT_THAT(r.err, HasSubstr("--peer and --order time the step loop")) << extra[0];
  }
}

void skip_without_venv() {
  if (!fs::exists(venv / "bin" / "python")) {
    GTEST_SKIP() << "no " << venv.string() << ": create it with perf_tests/peers/setup_venv.sh to test Devito";
  }
}

TEST(PeerBench, WithItsEnvironmentReportsDevitoFigures) {
  skip_without_venv();
  if (::testing::Test::IsSkipped()) return;
  const TempDir dir;
  const CliResult r = run_lfm(small_bench(dir / "out", {"--peer", "devito", "--order", "4"}));
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  EXPECT_THAT(r.out, HasSubstr("speedup over devito"));
  EXPECT_THAT(r.out, HasSubstr("order 4"));
  const json j = json::parse(read_file(dir / "out" / "bench.json"));
  EXPECT_EQ(j["stencil_order"], 4);
  const auto& size = j["sizes"][0];
  ASSERT_TRUE(size.contains("devito")) << size.dump();
  EXPECT_EQ(size["devito"]["samples"].size(), 10u);
  EXPECT_EQ(size["devito"]["operator_seconds_per_step"]["samples"].size(), 10u);
  EXPECT_EQ(size["devito"]["stencil_order"], 4);
  EXPECT_EQ(size["devito"]["opt"], "advanced");
  EXPECT_EQ(size["devito"]["language"], "openmp");
  EXPECT_THAT(size["devito"]["boundary"].get<std::string>(), HasSubstr("periodic"));
  EXPECT_GT(size["speedup_over_devito"]["estimate"].get<double>(), 0.0);
  EXPECT_GT(size["speedup_over_devito_operator"]["estimate"].get<double>(), 0.0);
}

struct Check {
  int exit_code;
  json result;
};

// devito_step.py --check against lfm's wave packet after 100 steps.
Check devito_check(const fs::path& init, const fs::path& final_dir, const std::string& precision,
                   const std::string& laplace) {
  const std::string cmd = "'" + (venv / "bin" / "python").string() + "' '" + devito_script.string() + "' --check '" +
                          init.string() + "' '" + final_dir.string() + "' --precision " + precision +
                          " --laplace " + laplace;
  FILE* pipe = popen(cmd.c_str(), "r");
  std::string text;
  char buf[4096];
  while (pipe && std::fgets(buf, sizeof buf, pipe)) text += buf;
  const int status = pipe ? pclose(pipe) : -1;
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, json::parse(text)};
}

TEST(PeerDevito, AgreesWithLfmToSpecTolerances) {
  skip_without_venv();
  if (::testing::Test::IsSkipped()) return;
  const TempDir dir;
  for (const char* order : {"2", "4"}) {
    const fs::path init = dir / (std::string("init") + order), final_dir = dir / (std::string("final") + order);
    const std::string set = std::string("stencil_order=") + order;
    for (const auto& [out, steps] : {std::pair{init, "0"}, std::pair{final_dir, "100"}}) {
      const CliResult r = run_lfm({"run", "wave_packet", "--n", "16", "--steps", steps, "--set", set, "--quiet",
                                   "--out", out.string()});
      ASSERT_EQ(r.exit_code, 0) << r.err;
    }
    for (const char* precision : {"float64", "float32"}) {
      const Check c = devito_check(init, final_dir, precision, "spec");
      EXPECT_EQ(c.exit_code, 0) << c.result.dump();
      EXPECT_TRUE(c.result["agrees"].get<bool>()) << c.result.dump();
      EXPECT_EQ(c.result["steps"], 100);
    }
  }
  // Devito's own E.laplace at space_order=4 prints its weights with nine
  // digits; the check must see that as a different formula in float64.
  const Check c = devito_check(dir / "init4", dir / "final4", "float64", "devito");
  EXPECT_EQ(c.exit_code, 1) << c.result.dump();
  EXPECT_FALSE(c.result["agrees"].get<bool>());
  EXPECT_GT(c.result["relative"].get<double>(), 1e-12);
}

}  // namespace
}  // namespace lfm::testing
