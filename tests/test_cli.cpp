// The `lfm` tool end to end, as a user runs it: outputs, agreement with the
// library, and every bad input refused with one line, a non-zero exit and
// nothing written.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <limits>
#include <nlohmann/json.hpp>

#include "cli_helpers.hpp"
#include "lattice/backend.hpp"
#include "lattice/npy.hpp"
#include "support/matchers.hpp"
#include "support/test_states.hpp"

namespace fs = std::filesystem;

namespace lfm::testing {
namespace {

using ::testing::HasSubstr;

// A .npy file with any header, for the kinds of file lfm must refuse.
void write_raw_npy(const fs::path& p, const std::string& descr, bool fortran,
                   const std::string& shape, std::size_t data_bytes) {
  std::string header = "{'descr': '" + descr + "', 'fortran_order': " +
                       (fortran ? "True" : "False") + ", 'shape': " + shape + ", }";
  while ((10 + header.size() + 1) % 64 != 0) header += ' ';
  header += '\n';
  std::string bytes = "\x93NUMPY";
  bytes += '\x01';
  bytes += '\x00';
  bytes += static_cast<char>(header.size() & 0xff);
  bytes += static_cast<char>(header.size() >> 8);
  write_file(p, bytes + header + std::string(data_bytes, '\0'));
}

class Cli : public ::testing::Test {
 protected:
  // A valid user run: cfg.json, E.npy, E_prev.npy (16x16) and chi.npy.
  void SetUp() override {
    write_file(dir / "cfg.json", R"({"dt": 0.2, "dx": 1.0, "chi": 0.3})");
    initial = random_state(cube(2, 16), 5, true);
    write_npy(dir / "E.npy", initial.E);
    write_npy(dir / "E_prev.npy", initial.E_prev);
    write_npy(dir / "chi.npy", *initial.chi_field);
  }

  std::vector<std::string> config_run(const std::string& out = "out") const {
    return {"run", "--config", (dir / "cfg.json").string(), "--init", (dir / "E.npy").string(),
            "--init-prev", (dir / "E_prev.npy").string(), "--steps", "10", "--quiet",
            "--backend", "baseline", "--out", (dir / out).string()};
  }

  // What the baseline library gives for config_run() (scalar χ = 0.3).
  State<double> baseline_after_config_run() const {
    State<double> expected = initial;
    expected.chi_field.reset();
    Params p = test_params(2);
    p.dt = 0.2;
    p.chi = 0.3;
    make_backend("baseline")->advance(expected, p, 10);
    return expected;
  }

  // Nothing but the inputs: no output directory, no staging leftovers.
  void expect_nothing_written() const {
    for (const auto& entry : fs::directory_iterator(dir.path())) {
      const std::string name = entry.path().filename().string();
      EXPECT_TRUE(name.ends_with(".npy") || name.ends_with(".json") || name == "a_file")
          << "unexpected output: " << name;
    }
  }

  TempDir dir;
  State<double> initial;
};

TEST_F(Cli, WorkloadRunWritesEveryOutput) {
  const CliResult r = run_lfm({"run", "wave_packet", "--dim", "2", "--n", "16", "--steps", "20",
                               "--quiet", "--out", (dir / "out").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("ms/step"));
  const auto summary = nlohmann::json::parse(read_file(dir / "out" / "summary.json"));
  EXPECT_EQ(summary["status"], "completed");
  EXPECT_EQ(summary["backend"], default_backend_name());
  EXPECT_EQ(summary["workload"], "wave_packet");
  EXPECT_EQ(summary["precision"], "float64");
  EXPECT_EQ(summary["steps"], 20);
  EXPECT_EQ(summary["shape"], nlohmann::json::array({16, 16}));
  EXPECT_GT(summary["ms_per_step"].get<double>(), 0.0);
  EXPECT_GT(summary["cells_per_s"].get<double>(), 0.0);
  EXPECT_EQ(summary["parameters"]["dt"], 0.25);
  for (const char* key : {"wall_time_s", "energy_start", "energy_end", "energy_relative_drift",
                          "invariant_start", "invariant_end", "max_abs_E", "version",
                          "compiler", "cpu_model"}) {
    EXPECT_TRUE(summary.contains(key)) << key;
  }
  const std::string csv = read_file(dir / "out" / "energy.csv");
  EXPECT_TRUE(csv.starts_with("step,time,energy,invariant\n"));
  EXPECT_THAT(csv, HasSubstr("\n20,5,"));  // time = step · dt = 20 · 0.25
  const AnyField e = read_npy(dir / "out" / "E.npy");
  ASSERT_TRUE(std::holds_alternative<Field<double>>(e));
  EXPECT_EQ(std::get<Field<double>>(e).grid(), Grid({16, 16}));
  EXPECT_TRUE(fs::exists(dir / "out" / "E_prev.npy"));
}

// An autotuning backend's choice is part of the record of a run.
TEST_F(Cli, SummaryRecordsTheAutotunedBlocking) {
  const CliResult r = run_lfm({"run", "wave_packet", "--dim", "3", "--n", "16", "--steps", "8",
                               "--backend", "cpu_temporal", "--quiet", "--out", (dir / "out").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto summary = nlohmann::json::parse(read_file(dir / "out" / "summary.json"));
  ASSERT_TRUE(summary.contains("backend_tuning"));
  EXPECT_THAT(summary["backend_tuning"].get<std::string>(), HasSubstr("block depth"));
}

TEST_F(Cli, ConfigRunIsBitIdenticalToTheLibrary) {
  const CliResult r = run_lfm(config_run());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const State<double> expected = baseline_after_config_run();
  const auto E = read_npy_as<double>(dir / "out" / "E.npy");
  const auto E_prev = read_npy_as<double>(dir / "out" / "E_prev.npy");
  for (std::size_t i = 0; i < E.size(); ++i) {
    ASSERT_EQ(E[i], expected.E[i]) << i;
    ASSERT_EQ(E_prev[i], expected.E_prev[i]) << i;
  }
}

// Without --backend, the default (validated) backend runs, and agrees with
// the baseline within SPEC §6.
TEST_F(Cli, DefaultBackendAgreesWithTheBaseline) {
  std::vector<std::string> args = config_run();
  args.erase(std::find(args.begin(), args.end(), "--backend"), std::find(args.begin(), args.end(), "--out"));
  ASSERT_EQ(run_lfm(args).exit_code, 0);
  const State<double> expected = baseline_after_config_run();
  EXPECT_THAT(read_npy_as<double>(dir / "out" / "E.npy"), FieldNear(expected.E, 1e-12));
  const auto summary = nlohmann::json::parse(read_file(dir / "out" / "summary.json"));
  EXPECT_EQ(summary["backend"], default_backend_name());
}

TEST_F(Cli, ChiFileOverridesTheScalar) {
  std::vector<std::string> args = config_run();
  args.insert(args.end(), {"--chi", (dir / "chi.npy").string()});
  ASSERT_EQ(run_lfm(args).exit_code, 0);
  State<double> expected = initial;
  Params p = test_params(2);
  p.dt = 0.2;
  make_backend("baseline")->advance(expected, p, 10);
  const auto E = read_npy_as<double>(dir / "out" / "E.npy");
  for (std::size_t i = 0; i < E.size(); ++i) ASSERT_EQ(E[i], expected.E[i]) << i;
  const auto summary = nlohmann::json::parse(read_file(dir / "out" / "summary.json"));
  EXPECT_EQ(summary["chi"], "field");
  // The field is kept with the run, and no scalar χ suggests another value.
  EXPECT_EQ(summary["chi_file"], "chi.npy");
  EXPECT_FALSE(summary["parameters"].contains("chi"));
  EXPECT_EQ(read_file(dir / "out" / "chi.npy"), read_file(dir / "chi.npy"));
  const auto& chi = *expected.chi_field;
  EXPECT_EQ(summary["chi_min"].get<double>(), *std::min_element(chi.values().begin(), chi.values().end()));
  EXPECT_EQ(summary["chi_max"].get<double>(), *std::max_element(chi.values().begin(), chi.values().end()));
}

TEST_F(Cli, Float32RunWritesFloat32Arrays) {
  std::vector<std::string> args = config_run();
  args.insert(args.end(), {"--precision", "float32"});
  ASSERT_EQ(run_lfm(args).exit_code, 0);
  EXPECT_TRUE(std::holds_alternative<Field<float>>(read_npy(dir / "out" / "E.npy")));
}

TEST_F(Cli, SetOverridesAParameter) {
  std::vector<std::string> args = config_run();
  args.insert(args.end(), {"--set", "stencil_order=4", "--set", "boundary=reflective"});
  ASSERT_EQ(run_lfm(args).exit_code, 0);
  const auto summary = nlohmann::json::parse(read_file(dir / "out" / "summary.json"));
  EXPECT_EQ(summary["parameters"]["stencil_order"], 4);
  EXPECT_EQ(summary["parameters"]["boundary"], "reflective");
}

TEST_F(Cli, NonEmptyOutputRefusedUnlessForced) {
  ASSERT_EQ(run_lfm(config_run()).exit_code, 0);
  const CliResult again = run_lfm(config_run());
  EXPECT_EQ(again.exit_code, 2);
  EXPECT_THAT(again.err, HasSubstr("--force"));
  std::vector<std::string> forced = config_run();
  forced.push_back("--force");
  EXPECT_EQ(run_lfm(forced).exit_code, 0) << run_lfm(forced).err;
}

TEST_F(Cli, UnstableRunOnlyWhenAskedFor) {
  write_file(dir / "cfg.json", R"({"dt": 0.8, "dx": 1.0, "chi": 0.3})");
  const CliResult refused = run_lfm(config_run());
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_THAT(refused.err, HasSubstr("largest stable dt"));
  std::vector<std::string> args = config_run();
  args.push_back("--allow-unstable");
  const CliResult ran = run_lfm(args);
  EXPECT_EQ(ran.exit_code, 0) << ran.err;
}

// A run that blows up stops there and keeps what it computed.
TEST_F(Cli, DivergedRunKeepsItsOutputsAndSaysSo) {
  write_file(dir / "cfg.json", R"({"dt": 1.5, "dx": 1.0, "chi": 0.3})");
  std::vector<std::string> args = config_run();
  args[8] = "5000";  // --steps
  args.push_back("--allow-unstable");
  const CliResult r = run_lfm(args);
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_THAT(r.out, HasSubstr("DIVERGED"));
  const auto summary = nlohmann::json::parse(read_file(dir / "out" / "summary.json"));
  EXPECT_EQ(summary["status"], "diverged");
  EXPECT_LT(summary["diverged_at_step"].get<int>(), 5000);
}

TEST_F(Cli, ListsBackends) {
  const CliResult r = run_lfm({"backends"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_THAT(r.out, HasSubstr("baseline\tavailable"));
}

// Each bad input: exit 2, one line on stderr naming the problem, no output.
struct BadInput {
  std::string name;
  std::function<void(const fs::path& dir, std::vector<std::string>& args)> make_bad;
  std::string expected;
  friend void PrintTo(const BadInput& b, std::ostream* os) { *os << b.name; }
};

void set_config(const fs::path& dir, const std::string& json) { write_file(dir / "cfg.json", json); }
void set_arg(std::vector<std::string>& args, const std::string& flag, const std::string& value) {
  for (std::size_t i = 0; i + 1 < args.size(); ++i) {
    if (args[i] == flag) {
      args[i + 1] = value;
      return;
    }
  }
  args.insert(args.end(), {flag, value});
}

const double nan = std::numeric_limits<double>::quiet_NaN();

std::vector<BadInput> bad_inputs() {
  return {
      {"missing_file", [](auto& d, auto& a) { set_arg(a, "--init", (d / "nope.npy").string()); }, "nope.npy"},
      {"not_npy", [](auto& d, auto&) { write_file(d / "E.npy", "hello"); }, "not a .npy"},
      {"wrong_dtype", [](auto& d, auto&) { write_raw_npy(d / "E.npy", "<i4", false, "(16, 16)", 1024); }, "<i4"},
      {"fortran_order", [](auto& d, auto&) { write_raw_npy(d / "E.npy", "<f8", true, "(16, 16)", 2048); }, "Fortran"},
      {"big_endian", [](auto& d, auto&) { write_raw_npy(d / "E.npy", ">f8", false, "(16, 16)", 2048); }, "big-endian"},
      {"shape_mismatch", [](auto& d, auto&) { write_npy(d / "E_prev.npy", Field<double>(Grid({16, 8}))); }, "differs"},
      {"nan_in_E", [](auto& d, auto&) {
         Field<double> f(Grid({16, 16}), 0.0);
         f[17] = nan;
         write_npy(d / "E.npy", f);
       }, "(1, 1) is NaN"},
      {"inf_in_chi", [](auto& d, auto& a) {
         write_npy(d / "chi.npy", Field<double>(Grid({16, 16}), std::numeric_limits<double>::infinity()));
         set_arg(a, "--chi", (d / "chi.npy").string());
       }, "Inf"},
      {"inf_number", [](auto& d, auto&) { set_config(d, R"({"dt": 1e999, "dx": 1})"); }, "1e999"},
      {"dt_not_positive", [](auto& d, auto&) { set_config(d, R"({"dt": 0, "dx": 1})"); }, "dt"},
      {"dx_not_positive", [](auto& d, auto&) { set_config(d, R"({"dt": 0.1, "dx": -1})"); }, "dx"},
      {"alpha_not_positive", [](auto& d, auto&) { set_config(d, R"({"dt": 0.1, "dx": 1, "alpha": 0})"); }, "alpha"},
      {"beta_not_positive", [](auto& d, auto&) { set_config(d, R"({"dt": 0.1, "dx": 1, "beta": -2})"); }, "beta"},
      {"gamma_out_of_range", [](auto& d, auto&) { set_config(d, R"({"dt": 0.1, "dx": 1, "gamma_damp": 1})"); }, "gamma_damp"},
      {"unknown_boundary", [](auto& d, auto&) { set_config(d, R"({"dt": 0.1, "dx": 1, "boundary": "mirror"})"); }, "mirror"},
      {"absorb_width_zero", [](auto& d, auto&) { set_config(d, R"({"dt": 0.1, "dx": 1, "boundary": "absorbing", "absorb_width": 0})"); }, "absorb_width"},
      {"absorb_width_too_wide", [](auto& d, auto&) { set_config(d, R"({"dt": 0.1, "dx": 1, "boundary": "absorbing", "absorb_width": 8})"); }, "absorb_width"},
      {"absorb_factor_negative", [](auto& d, auto&) { set_config(d, R"({"dt": 0.1, "dx": 1, "boundary": "absorbing", "absorb_factor": -0.5})"); }, "absorb_factor"},
      {"stencil_order_3", [](auto& d, auto&) { set_config(d, R"({"dt": 0.1, "dx": 1, "stencil_order": 3})"); }, "stencil_order"},
      {"axis_too_short", [](auto& d, auto&) {
         set_config(d, R"({"dt": 0.1, "dx": 1, "stencil_order": 4})");
         write_npy(d / "E.npy", Field<double>(Grid({16, 4})));
         write_npy(d / "E_prev.npy", Field<double>(Grid({16, 4})));
       }, "axis"},
      {"unstable_dt", [](auto& d, auto&) { set_config(d, R"({"dt": 0.75, "dx": 1})"); }, "unstable"},
      {"unknown_key", [](auto& d, auto&) { set_config(d, R"({"dt": 0.1, "dx": 1, "gamma_dump": 0})"); }, "gamma_damp"},
      {"malformed_json", [](auto& d, auto&) { set_config(d, "{\"dt\": 0.1,\n \"dx\": }\n"); }, "line 2"},
      {"missing_config", [](auto& d, auto& a) { set_arg(a, "--config", (d / "nope.json").string()); }, "nope.json"},
      {"unknown_backend", [](auto&, auto& a) { set_arg(a, "--backend", "fastest"); }, "unknown backend 'fastest'"},
      {"unknown_workload", [](auto& d, auto& a) {
         a = {"run", "wave_pakcet", "--out", (d / "out").string()};
       }, "wave_packet"},
      {"negative_steps", [](auto&, auto& a) { set_arg(a, "--steps", "-1"); }, "--steps"},
      {"out_not_writable", [](auto& d, auto& a) {
         write_file(d / "a_file", "x");
         set_arg(a, "--out", (d / "a_file" / "out").string());
       }, "not writable"},
      {"out_is_a_file", [](auto& d, auto& a) {
         write_file(d / "a_file", "x");
         set_arg(a, "--out", (d / "a_file").string());
       }, "not a directory"},
  };
}

class CliBadInput : public Cli, public ::testing::WithParamInterface<BadInput> {};

TEST_P(CliBadInput, OneLineErrorNonZeroExitNothingWritten) {
  std::vector<std::string> args = config_run();
  GetParam().make_bad(dir.path(), args);
  const CliResult r = run_lfm(args);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_THAT(r.err, HasSubstr(GetParam().expected));
  EXPECT_THAT(r.err, HasSubstr("lfm: error: "));
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_FALSE(fs::exists(dir / "out"));
  expect_nothing_written();
}

INSTANTIATE_TEST_SUITE_P(EveryCase, CliBadInput, ::testing::ValuesIn(bad_inputs()),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace lfm::testing
