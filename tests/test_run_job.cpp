// The library's run API (lattice/run_job.hpp) used from one long-lived
// process, as the Python module uses it: a stop hook ends a run with a
// checkpoint, ResumableRun finishes it bit for bit, and a refused open of a
// run directory leaves nothing locked behind.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "cli_helpers.hpp"
#include "lattice/error.hpp"
#include "lattice/run_directory.hpp"
#include "lattice/run_job.hpp"

namespace fs = std::filesystem;

namespace lfm::testing {
namespace {

using ::testing::HasSubstr;

JobOptions small_options(std::int64_t steps) {
  JobOptions o;
  o.backend = "cpu";
  o.steps = steps;
  o.diagnostics_every = 3;
  o.checkpoint_every = 4;
  o.snapshot = SnapshotOptions{};
  o.snapshot->every = 5;
  return o;
}

Problem small_problem() { return make_workload("wave_packet", 2, 16, Precision::float64); }

void notice_nothing(const std::string&) {}

JobOutcome run_into(const fs::path& out, const JobOptions& o, const JobHooks& hooks = {}) {
  Problem problem = small_problem();
  RunDirectory dir(out, RunDirectory::Open::create, notice_nothing);
  return run_job(problem, dir, o, hooks);
}

TEST(RunJob, AStopHookEndsTheRunWithACheckpointAndResumeFinishesItBitForBit) {
  TempDir tmp;
  JobHooks stop_at_10;
  stop_at_10.stop_requested = [](std::int64_t step) { return step >= 10 ? 42 : 0; };
  const JobOutcome stopped = run_into(tmp / "stopped", small_options(30), stop_at_10);
  ASSERT_EQ(stopped.status, JobStatus::stopped);
  EXPECT_EQ(stopped.stop_reason, 42);
  EXPECT_GE(stopped.step, 10);
  EXPECT_TRUE(stopped.summary_json.empty());
  EXPECT_FALSE(fs::exists(tmp / "stopped" / "summary.json"));
  EXPECT_TRUE(fs::exists(stopped.last_checkpoint)) << stopped.last_checkpoint;

  ResumableRun resumable(tmp / "stopped");
  EXPECT_EQ(resumable.options().steps, 30);
  std::vector<std::string> notices;
  JobHooks hooks;
  hooks.notice = [&](const std::string& text) { notices.push_back(text); };
  RunDirectory dir(tmp / "stopped", RunDirectory::Open::resume, notice_nothing);
  Problem problem = resumable.load(dir, std::nullopt, hooks);
  ASSERT_EQ(notices.size(), 1u);
  EXPECT_THAT(notices[0], HasSubstr("resuming"));
  const JobOutcome resumed = resumable.resume(problem, dir, hooks);
  ASSERT_EQ(resumed.status, JobStatus::completed);
  EXPECT_EQ(resumed.step, 30);

  const JobOutcome whole = run_into(tmp / "whole", small_options(30));
  ASSERT_EQ(whole.status, JobStatus::completed);
  for (const char* name : {"E.npy", "E_prev.npy", "energy.csv"}) {
    EXPECT_EQ(read_file(tmp / "stopped" / name), read_file(tmp / "whole" / name)) << name;
  }
  EXPECT_EQ(resumed.snapshot_steps, whole.snapshot_steps);
}

TEST(RunJob, ResumeBeforeLoadIsAProgrammingError) {
  TempDir tmp;
  run_into(tmp / "r", small_options(8));
  ResumableRun resumable(tmp / "r");
  RunDirectory dir(tmp / "r", RunDirectory::Open::resume, notice_nothing);
  Problem problem = small_problem();
  EXPECT_THROW(resumable.resume(problem, dir, {}), std::logic_error);
}

TEST(RunJob, BadOptionsAreRefusedBeforeAnythingIsWritten) {
  TempDir tmp;
  JobOptions o = small_options(8);
  o.keep_checkpoints = 0;
  Problem problem = small_problem();
  {
    RunDirectory dir(tmp / "r", RunDirectory::Open::create, notice_nothing);
    EXPECT_THROW(run_job(problem, dir, o, {}), InputError);
  }
  EXPECT_FALSE(fs::exists(tmp / "r"));
}

TEST(RunDirectoryOpen, ARefusalLeavesTheLockFreeForTheSameProcess) {
  TempDir tmp;
  const fs::path out = tmp / "r";
  run_into(out, small_options(8));
  write_file(out / "thesis.tex", "mine");
  EXPECT_THROW(RunDirectory(out, RunDirectory::Open::replace, notice_nothing), InputError);
  fs::remove(out / "thesis.tex");
  // Refused as an earlier run, not as a directory in use by this process.
  try {
    RunDirectory again(out, RunDirectory::Open::create, notice_nothing);
    FAIL() << "an earlier run was not refused";
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr("holds an earlier run"));
  }
  EXPECT_NO_THROW(RunDirectory(out, RunDirectory::Open::replace, notice_nothing));
}

}  // namespace
}  // namespace lfm::testing
