// No input is silently ignored or bent: every value lfm is given either
// takes effect or is refused before anything runs, with exit status 2, one
// line naming the input and what would have been accepted.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "cli_helpers.hpp"
#include "lattice/diagnostic_stride.hpp"
#include "lattice/backend.hpp"
#include "lattice/npy.hpp"
#include "lattice/run.hpp"
#include "lattice/workloads.hpp"
#include "support/test_states.hpp"

namespace fs = std::filesystem;

namespace lfm::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

int lines(const std::string& s) { return static_cast<int>(std::count(s.begin(), s.end(), '\n')); }

// Exit 2 with exactly one "lfm: error:" line holding every one of `parts`.
void expect_refused(const CliResult& r, const std::vector<std::string>& parts) {
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_TRUE(r.err.starts_with("lfm: error: ")) << r.err;
  EXPECT_EQ(lines(r.err), 1) << r.err;
  for (const auto& part : parts) EXPECT_THAT(r.err, HasSubstr(part));
}

class Inputs : public ::testing::Test {
 protected:
  // A 16x16 config run's inputs in both dtypes, and an 8x8 χ of the wrong shape.
  void SetUp() override {
    write_file(dir / "cfg.json", R"({"dt": 0.2, "dx": 1.0})");
    const State<double> s = random_state(cube(2, 16), 7, true);
    write_npy(dir / "E64.npy", s.E);
    write_npy(dir / "Eprev64.npy", s.E_prev);
    write_npy(dir / "E32.npy", convert_field<float>(s.E));
    write_npy(dir / "Eprev32.npy", convert_field<float>(s.E_prev));
    chi = *s.chi_field;
    write_npy(dir / "chi.npy", chi);
    write_npy(dir / "chi_small.npy", *random_state(cube(2, 8), 8, true).chi_field);
  }

  std::vector<std::string> workload_run(std::vector<std::string> extra = {}) const {
    std::vector<std::string> args{"run", "wave_packet", "--dim", "2", "--n", "16", "--steps", "5",
                                  "--quiet", "--backend", "baseline", "--out", (dir / "out").string()};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }

  std::vector<std::string> config_run(const std::string& config, const std::string& init,
                                      const std::string& prev, std::vector<std::string> extra = {}) const {
    std::vector<std::string> args{"run", "--config", (dir / config).string(), "--init", (dir / init).string(),
                                  "--init-prev", (dir / prev).string(), "--steps", "3", "--quiet",
                                  "--out", (dir / "out").string()};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }

  TempDir dir;
  Field<double> chi;
};

// ---- --chi with a workload ----

TEST_F(Inputs, ChiReplacesTheWorkloadsChi) {
  const CliResult r = run_lfm(workload_run({"--chi", (dir / "chi.npy").string()}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  Problem expected = make_workload("wave_packet", 2, 16, Precision::float64);
  std::get<State<double>>(expected.state).chi_field = chi;
  advance(*make_backend("baseline"), expected.state, expected.params, 5);
  const auto E = read_npy_as<double>(dir / "out" / "E.npy");
  const auto& want = std::get<State<double>>(expected.state).E;
  for (std::size_t i = 0; i < E.size(); ++i) ASSERT_EQ(E[i], want[i]) << i;
}

TEST_F(Inputs, ChiOfAnotherShapeThanTheWorkloadIsRefused) {
  const std::string file = (dir / "chi_small.npy").string();
  expect_refused(run_lfm(workload_run({"--chi", file})), {file, "8x8", "16x16", "workload"});
  EXPECT_FALSE(fs::exists(dir / "out"));
}

// ---- derived quantities ----

struct Derived {
  std::string name, config, expected;
  friend void PrintTo(const Derived& d, std::ostream* os) { *os << d.name; }
};

class DerivedQuantity : public Inputs, public ::testing::WithParamInterface<Derived> {};

TEST_P(DerivedQuantity, IsRefusedBeforeTheRun) {
  write_file(dir / "bad.json", GetParam().config);
  const bool f32 = GetParam().config.find("float32") != std::string::npos;
  const CliResult r =
      run_lfm(config_run("bad.json", f32 ? "E32.npy" : "E64.npy", f32 ? "Eprev32.npy" : "Eprev64.npy"));
  expect_refused(r, {GetParam().expected});
  EXPECT_FALSE(fs::exists(dir / "out"));
}

INSTANTIATE_TEST_SUITE_P(
    EveryCase, DerivedQuantity,
    ::testing::Values(
        Derived{"dx_squared_overflows", R"({"dt": 0.2, "dx": 1e308})", "dx² = inf (from dx = 1e+308) overflows float64"},
        Derived{"dt_squared_underflows", R"({"dt": 1e-200, "dx": 1})", "dt² = 0 (from dt = 1e-200) underflows float64"},
        Derived{"c2_overflows", R"({"dt": 0.2, "dx": 1, "alpha": 1e300, "beta": 1e-300})", "c² = alpha/beta = inf"},
        Derived{"courant_underflows", R"({"dt": 1e-150, "dx": 1e150})", "dt²c²/dx²"},
        Derived{"float32_dx_squared", R"({"dt": 0.2, "dx": 1e20, "precision": "float32"})",
                "overflows float32"},
        Derived{"chi_squared_overflows", R"({"dt": 0.2, "dx": 1, "chi": 1e200})", "χ² = inf"}),
    [](const auto& info) { return info.param.name; });

// In 3D, dx³ overflows before dx² does: the energy's cell volume.
TEST_F(Inputs, CellVolumeOverflowIsRefused) {
  const State<double> s = random_state(cube(3, 6), 9, false);
  write_npy(dir / "E3.npy", s.E);
  write_npy(dir / "Eprev3.npy", s.E_prev);
  write_file(dir / "wide.json", R"({"dt": 1e100, "dx": 1e120})");
  expect_refused(run_lfm(config_run("wide.json", "E3.npy", "Eprev3.npy")),
                 {"dx^3 (the cell volume) = inf (from dx = 1e+120) overflows float64"});
  EXPECT_FALSE(fs::exists(dir / "out"));
}

// ---- integers and numbers outside their range ----

struct Bad {
  std::string name;
  std::vector<std::string> args;
  std::vector<std::string> expected;
  friend void PrintTo(const Bad& b, std::ostream* os) { *os << b.name; }
};

class BadOption : public Inputs, public ::testing::WithParamInterface<Bad> {};

TEST_P(BadOption, IsRefusedOnOneLineNamingItsRange) {
  std::vector<std::string> args = GetParam().args;
  for (auto& a : args) {
    if (a == "OUT") a = (dir / "out").string();
  }
  const CliResult r = run_lfm(args);
  expect_refused(r, GetParam().expected);
  EXPECT_FALSE(fs::exists(dir / "out")) << "an output was created";
  EXPECT_THAT(r.out, Not(HasSubstr("validat"))) << "bench validated before checking its arguments";
}

const std::string int64_max = "9223372036854775807";

INSTANTIATE_TEST_SUITE_P(
    EveryCase, BadOption,
    ::testing::Values(
        Bad{"n_negative", {"run", "wave_packet", "--n", "-1", "--out", "OUT"}, {"--n = -1 is out of range", ">= 1"}},
        Bad{"steps_beyond_int64",
            {"run", "wave_packet", "--steps", "99999999999999999999", "--out", "OUT"},
            {"--steps = 99999999999999999999 is out of range", int64_max}},
        Bad{"dim_huge", {"run", "wave_packet", "--dim", "99999999999", "--out", "OUT"}, {"--dim", "1 to 3"}},
        Bad{"checkpoint_every_negative",
            {"run", "wave_packet", "--checkpoint-every", "-1", "--out", "OUT"}, {"--checkpoint-every = -1", ">= 0"}},
        Bad{"keep_checkpoints_beyond_int",
            {"run", "wave_packet", "--checkpoint-every", "2", "--keep-checkpoints", "99999999999", "--out", "OUT"},
            {"--keep-checkpoints = 99999999999", "2147483647"}},
        Bad{"diagnostics_every_negative",
            {"run", "wave_packet", "--diagnostics-every", "-5", "--out", "OUT"}, {"--diagnostics-every = -5"}},
        Bad{"snapshot_every_beyond_int64",
            {"run", "wave_packet", "--snapshot-every", "1e30", "--out", "OUT"}, {"--snapshot-every = 1e30", "integer"}},
        Bad{"n_not_a_number", {"run", "wave_packet", "--n", "abc", "--out", "OUT"}, {"--n = abc is not an integer"}},
        Bad{"resume_steps_total_negative", {"resume", "OUT", "--steps-total", "-1"}, {"--steps-total = -1"}},
        Bad{"bench_min_time_negative",
            {"bench", "cpu", "--min-time", "-1", "--out", "OUT"}, {"--min-time = -1", "finite number > 0"}},
        Bad{"bench_min_time_zero", {"bench", "cpu", "--min-time", "0", "--out", "OUT"}, {"--min-time = 0"}},
        Bad{"bench_min_time_nan", {"bench", "cpu", "--min-time", "nan", "--out", "OUT"}, {"--min-time = nan"}},
        Bad{"bench_reps_few", {"bench", "cpu", "--reps", "9", "--out", "OUT"}, {"--reps = 9", ">= 10"}},
        Bad{"bench_warmup_negative", {"bench", "cpu", "--warmup", "-1", "--out", "OUT"}, {"--warmup = -1"}},
        Bad{"bench_size_too_small", {"bench", "cpu", "--n", "16", "--n", "3", "--out", "OUT"}, {"--n = 3"}},
        Bad{"bench_unknown_workload", {"bench", "cpu", "--workload", "nope", "--out", "OUT"}, {"unknown workload"}},
        Bad{"profile_unknown_workload", {"profile", "nope", "--out", "OUT"}, {"unknown workload 'nope'"}},
        Bad{"profile_unknown_backend", {"profile", "wave_packet", "--backend", "nope", "--out", "OUT"},
            {"unknown backend 'nope'"}},
        Bad{"profile_steps_zero", {"profile", "wave_packet", "--steps", "0", "--out", "OUT"}, {"--steps = 0"}},
        Bad{"baseline_second_size_too_small",
            {"baseline", "wave_packet", "--dim", "1", "--n", "16", "--n", "3", "--dir", "OUT"}, {"--n = 3"}},
        Bad{"tier_out_of_range", {"tiers", "--tier", "5", "--out", "OUT"}, {"--tier = 5", "1 to 4"}},
        // Options that have no effect without another.
        Bad{"keep_checkpoints_alone", {"run", "wave_packet", "--keep-checkpoints", "3", "--out", "OUT"},
            {"--keep-checkpoints needs --checkpoint-every"}},
        Bad{"bench_numpy_other_workload",
            {"bench", "cpu", "--numpy", "--workload", "plane_wave", "--out", "OUT"}, {"--numpy", "wave_packet"}},
        // Command-line errors.
        Bad{"unknown_option", {"run", "wave_packet", "--bogus", "--out", "OUT"}, {"--bogus", "lfm run --help"}},
        Bad{"missing_out", {"run", "wave_packet"}, {"--out is required"}},
        Bad{"empty_out", {"run", "wave_packet", "--out", ""}, {"--out is empty"}},
        Bad{"no_subcommand", {}, {"subcommand"}}),
    [](const auto& info) { return info.param.name; });

TEST_F(Inputs, SizeOptionsWithAConfigAreRefused) {
  for (const char* size : {"--dim", "--n"}) {
    expect_refused(run_lfm(config_run("cfg.json", "E64.npy", "Eprev64.npy", {size, "2"})),
                   {std::string(size) + " sizes a standard workload"});
  }
  EXPECT_FALSE(fs::exists(dir / "out"));
}

// ---- dtypes ----

TEST_F(Inputs, MixedDtypesAreRefusedNamingBothFiles) {
  const CliResult r = run_lfm(config_run("cfg.json", "E32.npy", "Eprev64.npy"));
  expect_refused(r, {"E32.npy is float32", "Eprev64.npy is float64", "--precision"});
  EXPECT_FALSE(fs::exists(dir / "out"));
  expect_refused(run_lfm(config_run("cfg.json", "E64.npy", "Eprev64.npy", {"--chi", (dir / "chi32.npy").string()})),
                 {"chi32.npy"});  // no such file yet: the chi file is read like the others
  write_npy(dir / "chi32.npy", convert_field<float>(chi));
  expect_refused(run_lfm(config_run("cfg.json", "E64.npy", "Eprev64.npy", {"--chi", (dir / "chi32.npy").string()})),
                 {"E64.npy is float64", "chi32.npy is float32"});
}

TEST_F(Inputs, MixedDtypesRunInTheChosenPrecision) {
  const CliResult r = run_lfm(config_run("cfg.json", "E32.npy", "Eprev64.npy", {"--precision", "float32"}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(std::holds_alternative<Field<float>>(read_npy(dir / "out" / "E.npy")));
}

// ---- what is echoed ----

TEST_F(Inputs, ABinaryFileGivenAsJsonIsNotEchoed) {
  write_file(dir / "binary.json", std::string("\x93NUMPY\x01\x00\xff", 9));
  const CliResult r = run_lfm(config_run("binary.json", "E64.npy", "Eprev64.npy"));
  expect_refused(r, {"binary.json: malformed JSON", "\\x93"});
  for (const char c : r.err) {
    const auto b = static_cast<unsigned char>(c);
    EXPECT_TRUE(c == '\n' || (b >= 0x20 && b < 0x7f)) << "byte " << static_cast<int>(b) << " in: " << r.err;
  }
}

// A path the filesystem refuses to resolve is bad input, not an internal error.
TEST_F(Inputs, ASymlinkLoopAsConfigIsRefused) {
  fs::create_symlink(dir / "loop.json", dir / "loop.json");
  expect_refused(run_lfm(config_run("loop.json", "E64.npy", "Eprev64.npy")), {"loop.json: cannot read file (Too many levels of symbolic links)"});
  EXPECT_FALSE(fs::exists(dir / "out"));
}

// ---- help and version ----

TEST_F(Inputs, HelpAndVersionSucceed) {
  const CliResult help = run_lfm({"run", "--help"});
  EXPECT_EQ(help.exit_code, 0) << help.err;
  EXPECT_THAT(help.out, HasSubstr("default " + default_backend_name()));
  // The stride rule's numbers, as the run loop holds them (CLI11 may wrap
  // the text, so each is looked for on its own).
  const RunStrideLimits limits;
  EXPECT_THAT(help.out, HasSubstr(std::to_string(static_cast<int>(100 * limits.budget)) + "%"));
  EXPECT_THAT(help.out, HasSubstr("at most " + std::to_string(limits.max_records)));
  const CliResult version = run_lfm({"--version"});
  EXPECT_EQ(version.exit_code, 0) << version.err;
  EXPECT_THAT(version.out, HasSubstr("lfm "));
}

}  // namespace
}  // namespace lfm::testing
