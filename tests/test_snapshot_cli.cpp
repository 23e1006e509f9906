// Snapshots and `lfm inspect` end to end, as a user runs them: every K-th
// step lands in snapshots.h5 and equals the run's field, the summary
// reports the writer's figures, a full disk names the file and leaves
// nothing, bad options are refused before anything is written.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <cstdlib>
#include <nlohmann/json.hpp>
#include <set>

#include "cli_helpers.hpp"
#include "lattice/npy.hpp"
#include "lattice/snapshot.hpp"
#include "lattice/snapshot_file.hpp"

namespace fs = std::filesystem;

namespace lfm::testing {
namespace {

using ::testing::HasSubstr;

class SnapshotCli : public ::testing::Test {
 protected:
  // A 2D wave packet: small, and quick on any backend.
  std::vector<std::string> run_args(const std::string& out, const std::string& steps) const {
    return {"run", "wave_packet", "--dim", "2", "--n", "16", "--steps", steps, "--quiet",
            "--out", (dir / out).string()};
  }

  std::set<std::string> datasets(const fs::path& file) const {
    std::set<std::string> names;
    for (const auto& d : read_hdf5_contents(file).datasets) names.insert(d.path);
    return names;
  }

  TempDir dir;
};

// K does not divide the steps, nor the diagnostics stride: the loop still
// stops at every multiple of K, and the snapshot at step 20 is the field a
// 20-step run ends with, bit for bit.
TEST_F(SnapshotCli, EveryMultipleOfKIsWrittenAndEqualsTheField) {
  std::vector<std::string> args = run_args("out", "23");
  args.insert(args.end(), {"--snapshot-every", "5", "--diagnostics-every", "7",
                           "--snapshot-fields", "E,energy_density"});
  const CliResult r = run_lfm(args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("compression"));
  EXPECT_THAT(r.out, HasSubstr("MB/s"));
  const fs::path h5 = dir / "out" / "snapshots.h5";
  ASSERT_TRUE(fs::exists(dir / "out" / "snapshots.xdmf"));
  std::set<std::string> expected;
  for (const int step : {0, 5, 10, 15, 20}) {
    expected.insert(snapshot_dataset_name("E", step));
    expected.insert(snapshot_dataset_name("energy_density", step));
  }
  EXPECT_EQ(datasets(h5), expected);

  const auto summary = nlohmann::json::parse(read_file(dir / "out" / "summary.json"));
  const auto& s = summary["snapshots"];
  EXPECT_EQ(s["steps_captured"], 5);
  EXPECT_EQ(s["datasets"], 10);
  EXPECT_EQ(s["raw_bytes"], 10 * 16 * 16 * 8);
  EXPECT_GT(s["compression_ratio"].get<double>(), 0.0);
  EXPECT_GT(s["write_MB_per_s"].get<double>(), 0.0);
  EXPECT_TRUE(s["loop_waited"].is_boolean());
  EXPECT_GE(s["write_cpu_s"].get<double>(), 0.0);
  EXPECT_GE(s["drain_s"].get<double>(), 0.0);
  EXPECT_EQ(summary["steps"], 23);

  ASSERT_EQ(run_lfm(run_args("twenty", "20")).exit_code, 0);
  const Field<double> end = read_npy_as<double>(dir / "twenty" / "E.npy");
  const AnyField snap = read_hdf5_field(h5, snapshot_dataset_name("E", 20));
  ASSERT_TRUE(std::holds_alternative<Field<double>>(snap));
  const Field<double>& at20 = std::get<Field<double>>(snap);
  ASSERT_EQ(at20.grid(), end.grid());
  for (std::size_t i = 0; i < end.size(); ++i) ASSERT_EQ(at20[i], end[i]) << i;
}

// A run that blows up stops at a diagnostics step; the queue still drains,
// so every snapshot up to there is in the file.
TEST_F(SnapshotCli, DivergedRunKeepsItsSnapshots) {
  std::vector<std::string> args = run_args("out", "3000");
  args.insert(args.end(), {"--set", "dt=1.5", "--allow-unstable", "--snapshot-every", "50",
                           "--diagnostics-every", "100"});
  const CliResult r = run_lfm(args);
  ASSERT_EQ(r.exit_code, 3) << r.err;
  const auto summary = nlohmann::json::parse(read_file(dir / "out" / "summary.json"));
  const std::int64_t diverged = summary["diverged_at_step"];
  ASSERT_LT(diverged, 3000);
  std::set<std::string> expected;
  for (std::int64_t step = 0; step <= diverged; step += 50) expected.insert(snapshot_dataset_name("E", step));
  EXPECT_EQ(datasets(dir / "out" / "snapshots.h5"), expected);
  EXPECT_EQ(summary["snapshots"]["steps_captured"], static_cast<int>(expected.size()));
}

// The shell sets a file size limit (512-byte blocks) and ignores SIGXFSZ,
// so writes past it fail with EFBIG as on a full disk. The error names the
// step file; no partial file is left, and the index stays readable.
TEST_F(SnapshotCli, WriteErrorNamesTheFileAndLeavesNoPartialFile) {
  std::string cmd = "trap '' XFSZ; ulimit -f 64; exec '" + std::string(LFM_EXE) + "'";
  for (const std::string& a : {"run", "wave_packet", "--n", "24", "--steps", "4", "--quiet",
                               "--snapshot-every", "2", "--snapshot-compression", "0"}) {
    cmd += " " + a;
  }
  cmd += " --out '" + (dir / "out").string() + "' > '" + (dir / "stdout").string() + "' 2> '" +
         (dir / "stderr").string() + "'";
  const int status = std::system(cmd.c_str());
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 5);  // an output could not be written
  const std::string err = read_file(dir / "stderr");
  EXPECT_THAT(err, HasSubstr("lfm: error: " + (dir / "out" / "snapshots" / "step_000000000.h5").string()));
  EXPECT_THAT(err, HasSubstr("File too large"));
  EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1) << err;
  for (const auto& entry : fs::recursive_directory_iterator(dir.path())) {
    EXPECT_EQ(entry.path().string().find(".partial-"), std::string::npos) << "left behind: " << entry.path();
  }
  EXPECT_FALSE(fs::exists(dir / "out" / "summary.json"));
  EXPECT_TRUE(read_hdf5_contents(dir / "out" / "snapshots.h5").datasets.empty());
}

struct BadSnapshotOption {
  std::string name;
  std::vector<std::string> args;
  std::string expected;
  friend void PrintTo(const BadSnapshotOption& b, std::ostream* os) { *os << b.name; }
};

std::vector<BadSnapshotOption> bad_options() {
  return {
      {"every_zero", {"--snapshot-every", "0"}, "--snapshot-every = 0"},
      {"every_negative", {"--snapshot-every", "-3"}, "expected >= 1"},
      {"unknown_field", {"--snapshot-every", "2", "--snapshot-fields", "E,energy"}, "unknown field 'energy'"},
      {"empty_field", {"--snapshot-every", "2", "--snapshot-fields", "E,"}, "empty field name"},
      {"repeated_field", {"--snapshot-every", "2", "--snapshot-fields", "E,E"}, "listed twice"},
      {"level_too_high", {"--snapshot-every", "2", "--snapshot-compression", "10"}, "0 (none) to 9"},
      {"level_negative", {"--snapshot-every", "2", "--snapshot-compression", "-1"}, "0 (none) to 9"},
      {"fields_without_every", {"--snapshot-fields", "E"}, "needs --snapshot-every"},
      {"float32_without_every", {"--snapshot-float32"}, "needs --snapshot-every"},
  };
}

class SnapshotCliBadOption : public SnapshotCli, public ::testing::WithParamInterface<BadSnapshotOption> {};

TEST_P(SnapshotCliBadOption, OneLineErrorExit2NothingWritten) {
  std::vector<std::string> args = run_args("out", "4");
  args.insert(args.end(), GetParam().args.begin(), GetParam().args.end());
  const CliResult r = run_lfm(args);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_THAT(r.err, HasSubstr("lfm: error: "));
  EXPECT_THAT(r.err, HasSubstr(GetParam().expected));
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_TRUE(fs::is_empty(dir.path())) << "something was written";
}

INSTANTIATE_TEST_SUITE_P(EveryCase, SnapshotCliBadOption, ::testing::ValuesIn(bad_options()),
                         [](const auto& info) { return info.param.name; });

// ---- lfm inspect ----

class InspectCli : public SnapshotCli {
 protected:
  void SetUp() override {
    std::vector<std::string> args = run_args("out", "6");
    args.insert(args.end(), {"--snapshot-every", "3", "--snapshot-float32"});
    const CliResult r = run_lfm(args);
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
};

TEST_F(InspectCli, SnapshotFile) {
  const CliResult r = run_lfm({"inspect", (dir / "out" / "snapshots.h5").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("/E (3): 0 3 6"));  // the steps present
  EXPECT_THAT(r.out, HasSubstr("/E/000000006"));
  EXPECT_THAT(r.out, HasSubstr("16x16"));
  EXPECT_THAT(r.out, HasSubstr("float32"));
  EXPECT_THAT(r.out, HasSubstr("down-cast from float64"));
  EXPECT_THAT(r.out, HasSubstr("shuffle, deflate level 1"));
  EXPECT_THAT(r.out, HasSubstr("workload = \"wave_packet\""));
  EXPECT_THAT(r.out, HasSubstr("dt = 0.25"));
  for (const char* column : {"ratio", "min", "max", "NaN"}) EXPECT_THAT(r.out, HasSubstr(column));
}

TEST_F(InspectCli, NpyArray) {
  const CliResult r = run_lfm({"inspect", (dir / "out" / "E.npy").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("shape  16x16"));
  EXPECT_THAT(r.out, HasSubstr("dtype  float64"));
  EXPECT_THAT(r.out, HasSubstr("NaN    0"));
}

TEST_F(InspectCli, RunDirectory) {
  const CliResult r = run_lfm({"inspect", (dir / "out").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("status = \"completed\""));
  EXPECT_THAT(r.out, HasSubstr("snapshots.compression_ratio = "));
  EXPECT_THAT(r.out, HasSubstr("snapshots.h5"));
}

TEST_F(InspectCli, UnknownOrMissingFileRefused) {
  write_file(dir / "notes.txt", "hello");
  const CliResult unknown = run_lfm({"inspect", (dir / "notes.txt").string()});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_THAT(unknown.err, HasSubstr("notes.txt: not a format lfm inspects"));
  const CliResult missing = run_lfm({"inspect", (dir / "nope.h5").string()});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_THAT(missing.err, HasSubstr("nope.h5: cannot read file (no such file)"));
}

}  // namespace
}  // namespace lfm::testing
