// What lfm does to the directory it is given, through the command line as
// a person meets it: it removes only what it wrote, one process writes a
// directory at a time, every spelling of a path means the same directory,
// and stops and write errors keep what was written.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <nlohmann/json.hpp>

#include "cli_helpers.hpp"
#include "lattice/checkpoint.hpp"
#include "lattice/snapshot_file.hpp"
#include "process_helpers.hpp"

namespace fs = std::filesystem;

namespace lfm::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::vector<std::string> small_run(const fs::path& out, std::vector<std::string> extra = {}) {
  std::vector<std::string> args = {"run", "wave_packet", "--dim", "2", "--n", "16", "--steps", "6",
                                   "--quiet", "--out", out.string()};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

std::vector<std::string> endless_run(const fs::path& out, std::vector<std::string> extra = {}) {
  std::vector<std::string> args = {"run", "wave_packet", "--dim", "3", "--n", "16", "--steps", "100000000",
                                   "--quiet", "--out", out.string()};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

// A PID no process has: a child that has exited and been reaped.
pid_t dead_pid() {
  const pid_t child = fork();
  if (child == 0) _exit(0);
  waitpid(child, nullptr, 0);
  return child;
}

bool any_temporary_under(const fs::path& dir) {
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    const std::string name = e.path().filename().string();
    if (name.find(".partial-") != std::string::npos || name.find(".tmp-") != std::string::npos) return true;
  }
  return false;
}

class RunDirectory : public ::testing::Test {
 protected:
  TempDir dir;
};

TEST_F(RunDirectory, ForceRemovesOnlyWhatLfmWroteAndStopsAtAForeignFile) {
  const fs::path out = dir / "run";
  ASSERT_EQ(run_lfm(small_run(out)).exit_code, 0);
  const std::string energy = read_file(out / "energy.csv");
  write_file(out / "thesis.tex", "\\chapter{Results}");
  const CliResult refused = run_lfm(small_run(out, {"--force"}));
  EXPECT_EQ(refused.exit_code, 2) << refused.err;
  EXPECT_THAT(refused.err, HasSubstr((out / "thesis.tex").string()));
  EXPECT_THAT(refused.err, HasSubstr("lfm did not write"));
  EXPECT_EQ(read_file(out / "thesis.tex"), "\\chapter{Results}");
  EXPECT_EQ(read_file(out / "energy.csv"), energy) << "the earlier run's outputs were touched";
  fs::remove(out / "thesis.tex");
  const CliResult forced = run_lfm(small_run(out, {"--force", "--set", "chi=0.2"}));
  EXPECT_EQ(forced.exit_code, 0) << forced.err;
  EXPECT_NE(read_file(out / "energy.csv"), energy);
}

// A directory lfm never wrote is not replaced, whatever it holds: a
// subfolder, a dotfile, a file in a subfolder lfm would own.
TEST_F(RunDirectory, ForceNeverEmptiesADirectoryLfmDidNotMake) {
  for (const std::string& foreign : {"notes/plan.txt", ".hidden", "checkpoints/mine.txt"}) {
    const fs::path out = dir / ("user_" + std::to_string(std::hash<std::string>{}(foreign)));
    fs::create_directories((out / foreign).parent_path());
    write_file(out / foreign, "keep me");
    const CliResult r = run_lfm(small_run(out, {"--force"}));
    EXPECT_EQ(r.exit_code, 2) << foreign << ": " << r.err;
    EXPECT_THAT(r.err, HasSubstr("lfm did not write")) << foreign;
    EXPECT_EQ(read_file(out / foreign), "keep me") << foreign;
    EXPECT_FALSE(fs::exists(out / ".lfm-manifest")) << "wrote into a foreign directory";
  }
}

// Run from inside a directory of the user's: `--out . --force` is refused
// with the foreign file named, and nothing there is touched.
TEST_F(RunDirectory, OutDotForceInsideAUsersDirectoryIsRefused) {
  write_file(dir / "data.csv", "1,2,3");
  SpawnOptions o;
  o.cwd = dir.path();
  const CliResult r = run_lfm_with(small_run(".", {"--force"}), o);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_THAT(r.err, HasSubstr("data.csv"));
  EXPECT_THAT(r.err, Not(HasSubstr("internal error")));
  EXPECT_EQ(read_file(dir / "data.csv"), "1,2,3");
}

// Relative, trailing slash, `.`, `..` and a symlink all name one directory:
// the run lands there, and the second spelling of it is an earlier run.
TEST_F(RunDirectory, EverySpellingOfAPathIsResolvedFirst) {
  fs::create_directories(dir / "sub");
  fs::create_symlink(dir / "target", dir / "link");
  fs::create_directories(dir / "target");
  const std::vector<std::pair<std::string, fs::path>> spellings = {
      {(dir / "a").string() + "/", dir / "a"},
      {(dir / "sub" / ".." / "b" / ".").string(), dir / "b"},
      {(dir / "link").string(), dir / "target"},
  };
  for (const auto& [spelled, real] : spellings) {
    const CliResult r = run_lfm(small_run(spelled));
    EXPECT_EQ(r.exit_code, 0) << spelled << ": " << r.err;
    EXPECT_TRUE(fs::exists(real / "summary.json")) << spelled;
    const CliResult again = run_lfm(small_run(real));
    EXPECT_EQ(again.exit_code, 2) << real;
    EXPECT_THAT(again.err, HasSubstr("earlier run")) << real;
    EXPECT_EQ(run_lfm(small_run(spelled, {"--force"})).exit_code, 0) << spelled;
  }
  EXPECT_TRUE(fs::is_symlink(dir / "link"));
  // Run from inside the run directory itself, --out . replaces it in place.
  SpawnOptions inside;
  inside.cwd = dir / "a";
  const CliResult r = run_lfm_with(small_run(".", {"--force"}), inside);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(fs::exists(dir / "a" / "summary.json"));
}

TEST_F(RunDirectory, BadPathsAreInputErrorsNotInternalErrors) {
  fs::create_symlink(dir / "loop_b", dir / "loop_a");
  fs::create_symlink(dir / "loop_a", dir / "loop_b");
  for (const std::string& out : {std::string(), (dir / "loop_a").string(), (dir / "loop_a" / "x").string()}) {
    const CliResult r = run_lfm(small_run(out));
    EXPECT_EQ(r.exit_code, 2) << "'" << out << "': " << r.err;
    EXPECT_THAT(r.err, HasSubstr("--out")) << out;
    EXPECT_THAT(r.err, Not(HasSubstr("internal error"))) << out;
  }
}

// Permissions do not bind root, so the run drops to an unprivileged user.
TEST_F(RunDirectory, AReadOnlyOutItselfIsRefusedBeforeComputing) {
  const fs::path out = dir / "readonly";
  fs::create_directories(out);
  fs::permissions(out, fs::perms::owner_read | fs::perms::owner_exec | fs::perms::group_read |
                           fs::perms::group_exec | fs::perms::others_read | fs::perms::others_exec);
  SpawnOptions o;
  o.unprivileged = true;
  const CliResult r = run_lfm_with(small_run(out), o);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_THAT(r.err, HasSubstr("not writable"));
  EXPECT_THAT(r.err, Not(HasSubstr("internal error")));
  EXPECT_TRUE(fs::is_empty(out));
}

// One writer per directory, checkpointed or not: a second run, a --force
// and a resume are refused naming the holder's PID, and a file the user
// adds meanwhile stays.
TEST_F(RunDirectory, ALiveRunsDirectoryIsRefusedToEveryOtherWriter) {
  for (const bool checkpoints : {false, true}) {
    const fs::path out = dir / (checkpoints ? "checkpointed" : "plain");
    const std::vector<std::string> extra =
        checkpoints ? std::vector<std::string>{"--checkpoint-every", "50"} : std::vector<std::string>{};
    LfmProcess live(endless_run(out, extra));
    ASSERT_TRUE(wait_until([&] { return fs::exists(out / ".lfm-manifest"); }, 60));
    write_file(out / "added.txt", "mine");
    const std::string lock = read_file(out / ".lfm-lock");
    const std::string holder = "pid " + lock.substr(0, lock.find('\n'));
    std::vector<std::vector<std::string>> writers = {small_run(out), small_run(out, {"--force"})};
    if (checkpoints) writers.push_back({"resume", out.string(), "--quiet"});
    for (const auto& args : writers) {
      const CliResult r = run_lfm(args);
      EXPECT_EQ(r.exit_code, 2) << args[0] << ": " << r.err;
      EXPECT_THAT(r.err, HasSubstr("in use by another lfm process (" + holder + ")")) << args[0];
    }
    if (checkpoints) {
      EXPECT_TRUE(fs::exists(out / "checkpoints" / "static.bin")) << "a --force removed the live run's files";
    }
    live.signal(SIGTERM);
    EXPECT_EQ(live.wait().exit_code, 128 + SIGTERM);
    EXPECT_EQ(read_file(out / "added.txt"), "mine");
    if (checkpoints) {
      const auto newest = CheckpointStore(out).list().front();
      const auto step = decode_checkpoint(read_binary_file(newest), newest.string()).meta.step;
      const CliResult resumed =
          run_lfm({"resume", out.string(), "--steps-total", std::to_string(step + 2), "--quiet"});
      EXPECT_EQ(resumed.exit_code, 0) << resumed.err;
    }
  }
}

// What a dead process left — temporary files in the directory and its
// checkpoints/, and an old-style staging directory beside it — is removed
// by the next run that takes the directory, which says so.
TEST_F(RunDirectory, DebrisOfADeadProcessIsRemovedAndReported) {
  const fs::path out = dir / "run";
  ASSERT_EQ(run_lfm(small_run(out, {"--checkpoint-every", "3"})).exit_code, 0);
  const std::string pid = std::to_string(dead_pid());
  write_file(out / (".E.npy.partial-" + pid), "half");
  write_file(out / "checkpoints" / (".step_000000000009.ckpt.tmp-" + pid), "half");
  fs::create_directories(dir / (".run.partial-" + pid));
  write_file(dir / (".run.partial-" + pid) / "E.npy", "half");
  const CliResult r = run_lfm({"resume", out.string(), "--steps-total", "9", "--quiet"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("removed 3 temporary files"));
  EXPECT_THAT(r.err, HasSubstr(".E.npy.partial-" + pid));
  EXPECT_FALSE(any_temporary_under(out));
  EXPECT_FALSE(fs::exists(dir / (".run.partial-" + pid)));
}

// SIGHUP (the terminal closed) stops a run as SIGTERM does: a checkpoint,
// exit 129, and the run resumes.
TEST_F(RunDirectory, SighupCheckpointsAndExits129) {
  const fs::path out = dir / "run";
  LfmProcess live(endless_run(out, {"--checkpoint-every", "5"}));
  ASSERT_TRUE(wait_until([&] { return !CheckpointStore(out).list().empty(); }, 60));
  live.signal(SIGHUP);
  const CliResult stopped = live.wait();
  EXPECT_EQ(stopped.exit_code, 129) << stopped.err;
  EXPECT_THAT(stopped.err, HasSubstr("stopped by SIGHUP"));
  const auto newest = CheckpointStore(out).list().front();
  const auto step = decode_checkpoint(read_binary_file(newest), newest.string()).meta.step;
  EXPECT_EQ(run_lfm({"resume", out.string(), "--steps-total", std::to_string(step + 2), "--quiet"}).exit_code, 0);
}

// A snapshot-only run stopped by SIGINT keeps what it captured, readable,
// and says so.
TEST_F(RunDirectory, ASnapshotOnlyRunStoppedBySigintKeepsItsSnapshots) {
  const fs::path out = dir / "run";
  LfmProcess live(endless_run(out, {"--snapshot-every", "10"}));
  ASSERT_TRUE(wait_until([&] { return fs::exists(out / "snapshots" / "step_000000010.h5"); }, 60));
  live.signal(SIGINT);
  const CliResult stopped = live.wait();
  EXPECT_EQ(stopped.exit_code, 130) << stopped.err;
  EXPECT_THAT(stopped.err, HasSubstr("snapshots kept"));
  EXPECT_THAT(stopped.err, HasSubstr((out / "snapshots.h5").string()));
  const auto contents = read_hdf5_contents(out / "snapshots.h5");
  ASSERT_GE(contents.datasets.size(), 2u);
  EXPECT_EQ(contents.datasets[1].path, "/E/000000010");
  EXPECT_FALSE(fs::exists(out / "summary.json"));
  EXPECT_FALSE(any_temporary_under(out));
}

// A file size limit, with SIGXFSZ left at its default: lfm ignores the
// signal itself, so the limit is a write error naming the user's file
// (exit 5), not a kill by signal, and no partial file is left.
TEST_F(RunDirectory, AFileSizeLimitIsAWriteErrorNamingTheUsersFile) {
  const fs::path out = dir / "run";
  SpawnOptions o;
  o.file_size_limit = 16 * 1024;  // E.npy of 32³ float64 is 256 KiB
  o.ignore_sigxfsz = false;
  const CliResult r = run_lfm_with({"run", "wave_packet", "--n", "32", "--steps", "2", "--quiet",
                                    "--out", out.string()}, o);
  EXPECT_EQ(r.exit_code, 5) << r.err;
  EXPECT_THAT(r.err, HasSubstr("lfm: error: " + (out / "E.npy").string()));
  EXPECT_THAT(r.err, HasSubstr("File too large"));
  EXPECT_FALSE(any_temporary_under(dir.path()));
  EXPECT_FALSE(fs::exists(out / "summary.json"));
}

// A garbage file under a checkpoint's name is skipped when pruning: the
// good checkpoints are the ones kept.
TEST_F(RunDirectory, AGarbageCheckpointDoesNotPushOutAGoodOne) {
  const fs::path out = dir / "run";
  ASSERT_EQ(run_lfm(small_run(out, {"--checkpoint-every", "3"})).exit_code, 0);  // keeps 3 and 6
  const CheckpointStore store(out);
  write_file(store.path_for_step(99), "not a checkpoint");
  const CliResult r = run_lfm({"resume", out.string(), "--steps-total", "9", "--quiet"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(fs::exists(store.path_for_step(9)));
  EXPECT_TRUE(fs::exists(store.path_for_step(6))) << "the good checkpoint 6 was pruned";
  EXPECT_TRUE(fs::exists(store.path_for_step(99))) << "lfm removed a file it cannot vouch for";
}

}  // namespace
}  // namespace lfm::testing
