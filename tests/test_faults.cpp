// Faults a long run meets, each through the command line as a person meets
// it: a blow-up, not enough memory, a full disk, an unwritable directory.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cli_helpers.hpp"
#include "lattice/checkpoint.hpp"
#include "process_helpers.hpp"

namespace fs = std::filesystem;

namespace lfm::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class Faults : public ::testing::Test {
 protected:
  TempDir dir;
};

// dt = 0.9 on a 3D order-2 lattice is past the leapfrog limit (0.577): the
// field grows without bound. The run stops at the first check past the
// limit, names the step and cell, and keeps the last good checkpoint.
TEST_F(Faults, BlowUpStopsNamesTheCellAndKeepsTheLastGoodCheckpoint) {
  const fs::path out = dir / "run";
  const CliResult r = run_lfm({"run", "wave_packet", "--dim", "3", "--n", "16", "--steps", "400",
                               "--set", "dt=0.9", "--allow-unstable", "--checkpoint-every", "5",
                               "--quiet", "--out", out.string()});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_THAT(r.err, HasSubstr("diverged at step"));
  EXPECT_THAT(r.err, HasSubstr("E("));
  EXPECT_THAT(r.err, HasSubstr("blow-up limit"));
  const auto summary = nlohmann::json::parse(read_file(out / "summary.json"));
  EXPECT_EQ(summary["status"], "diverged");
  const auto step = summary["diverged_at_step"].get<std::int64_t>();
  EXPECT_LT(step, 400);
  EXPECT_THAT(summary["divergence"].get<std::string>(), HasSubstr("E("));
  const auto checkpoints = CheckpointStore(out).list();
  ASSERT_FALSE(checkpoints.empty());
  EXPECT_THAT(r.err, HasSubstr("last good checkpoint is " + checkpoints.front().string()));
  const auto last = decode_checkpoint(read_binary_file(checkpoints.front()), "last");
  EXPECT_LT(last.meta.step, step);
  const auto& E = std::get<Field<double>>(last.E);
  for (std::size_t i = 0; i < E.size(); ++i) {
    ASSERT_LE(std::abs(E[i]), 1e6 * last.meta.initial_max_abs) << "checkpoint holds a blown-up cell " << i;
  }
}

TEST_F(Faults, BlowUpFactorZeroStillStopsOnNan) {
  const CliResult r = run_lfm({"run", "wave_packet", "--dim", "3", "--n", "16", "--steps", "3000",
                               "--set", "dt=0.9", "--allow-unstable", "--blowup-factor", "0",
                               "--quiet", "--out", (dir / "run").string()});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_THAT(r.err, Not(HasSubstr("blow-up limit")));
  EXPECT_THAT(r.err, ::testing::AnyOf(HasSubstr("= nan"), HasSubstr("= inf"), HasSubstr("= -inf"),
                                      HasSubstr("= -nan")));
}

TEST_F(Faults, ARunOverTheMemoryLimitIsRefusedWithTheFigure) {
  // 64³ float64: 4 fields of 2 MiB = 8 MiB.
  const CliResult r = run_lfm({"run", "wave_packet", "--n", "64", "--memory-limit", "1M",
                               "--out", (dir / "run").string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("needs about 8.00 MiB"));
  EXPECT_THAT(r.err, HasSubstr("--memory-limit 1M"));
  EXPECT_FALSE(fs::exists(dir / "run"));
}

TEST_F(Faults, ARunLargerThanAvailableMemoryIsRefused) {
  // 10⁶ cells per axis in 3D: 10¹⁸ cells, far beyond any machine.
  const CliResult r = run_lfm({"run", "wave_packet", "--n", "1000000", "--out", (dir / "run").string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("is available (MemAvailable"));
  EXPECT_THAT(r.err, Not(HasSubstr("internal error")));
}

TEST_F(Faults, AFailedAllocationIsAClearError) {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  GTEST_SKIP() << "sanitizer builds reserve terabytes of address space and abort on a failed "
                  "allocation; the release build runs this test";
#endif
  // The estimate lets it through (--memory-limit 1T); an address-space
  // limit of 256 MiB makes the allocation itself fail (260³ float64 is
  // 140 MB a field).
  SpawnOptions o;
  o.address_space_limit = std::uint64_t{256} << 20;
  const CliResult r = run_lfm_with({"run", "wave_packet", "--n", "260", "--memory-limit", "1T",
                                    "--quiet", "--out", (dir / "run").string()}, o);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_THAT(r.err, HasSubstr("out of memory"));
  EXPECT_FALSE(fs::exists(dir / "run" / "summary.json"));
}

// RLIMIT_FSIZE below one checkpoint, SIGXFSZ ignored: the first write past
// it fails. The error names the file, no partial file is left and the
// checkpoint written before the limit is intact.
TEST_F(Faults, AFullDiskNamesTheFileAndKeepsTheLastGoodCheckpoint) {
  const fs::path out = dir / "run";
  ASSERT_EQ(run_lfm({"run", "wave_packet", "--dim", "3", "--n", "16", "--steps", "20",
                     "--checkpoint-every", "10", "--quiet", "--out", out.string()}).exit_code, 0);
  const CheckpointStore store(out);
  const std::string good = read_binary_file(store.path_for_step(20));
  SpawnOptions o;
  o.file_size_limit = 16 * 1024;  // one checkpoint of 16³ float64 is 64 KiB
  const CliResult r = run_lfm_with({"resume", out.string(), "--steps-total", "40", "--quiet"}, o);
  EXPECT_EQ(r.exit_code, 5) << r.err;
  EXPECT_THAT(r.err, HasSubstr(store.path_for_step(30).string()));
  EXPECT_THAT(r.err, HasSubstr("File too large"));
  EXPECT_FALSE(fs::exists(store.path_for_step(30)));
  for (const auto& entry : fs::directory_iterator(store.dir())) {
    EXPECT_EQ(entry.path().filename().string().find(".tmp-"), std::string::npos) << entry.path();
  }
  EXPECT_EQ(read_binary_file(store.path_for_step(20)), good);
  // With room again, the run continues from there.
  const CliResult again = run_lfm({"resume", out.string(), "--steps-total", "40", "--quiet"});
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_THAT(again.err, HasSubstr("step_000000000020.ckpt (step 20"));
}

// Permissions do not bind root, so the run drops to an unprivileged user.
TEST_F(Faults, AReadOnlyOutputDirectoryIsRefusedBeforeComputing) {
  const fs::path locked = dir / "locked";
  fs::create_directories(locked);
  fs::permissions(locked, fs::perms::owner_read | fs::perms::owner_exec | fs::perms::group_read |
                              fs::perms::group_exec | fs::perms::others_read | fs::perms::others_exec);
  SpawnOptions o;
  o.unprivileged = true;
  for (const bool checkpoints : {false, true}) {
    std::vector<std::string> args = {"run", "wave_packet", "--dim", "1", "--n", "32", "--steps", "5",
                                     "--out", (locked / "run").string()};
    if (checkpoints) args.insert(args.end(), {"--checkpoint-every", "2"});
    const CliResult r = run_lfm_with(args, o);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_THAT(r.err, HasSubstr(locked.string()));
    EXPECT_THAT(r.err, Not(HasSubstr("internal error")));
  }
  EXPECT_TRUE(fs::is_empty(locked));
}

TEST_F(Faults, AnOutputPathUnderAFileIsRefused) {
  write_file(dir / "file", "x");
  const CliResult r = run_lfm({"run", "wave_packet", "--dim", "1", "--n", "32", "--steps", "5",
                               "--checkpoint-every", "2", "--out", (dir / "file" / "run").string()});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_THAT(r.err, HasSubstr((dir / "file" / "run").string()));
}

TEST_F(Faults, ANonEmptyRunDirectoryIsNotOverwrittenWithoutForce) {
  const fs::path out = dir / "run";
  const std::vector<std::string> args = {"run", "wave_packet", "--dim", "1", "--n", "32", "--steps", "5",
                                         "--checkpoint-every", "2", "--quiet", "--out", out.string()};
  ASSERT_EQ(run_lfm(args).exit_code, 0);
  const CliResult r = run_lfm(args);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("lfm resume " + out.string()));
}

}  // namespace
}  // namespace lfm::testing
