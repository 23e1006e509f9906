// `lfm resume` end to end: a run killed at seeded random steps (one of them
// in the middle of a checkpoint write), stopped by SIGINT/SIGTERM, or left
// with a damaged checkpoint finishes with the very bytes of an
// uninterrupted run, for every backend.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <csignal>
#include <chrono>
#include <random>
#include <thread>

#include "cli_helpers.hpp"
#include "lattice/backend.hpp"
#include "lattice/build_info.hpp"
#include "lattice/checkpoint.hpp"
#include "process_helpers.hpp"

namespace fs = std::filesystem;

namespace lfm::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// 3D so that cpu_temporal pipelines planes; 60 steps with checkpoints every
// 7, which no block depth divides.
std::vector<std::string> run_args(const std::string& backend, const fs::path& out,
                                  const std::string& steps = "60") {
  return {"run", "wave_packet", "--dim", "3", "--n", "16", "--steps", steps, "--backend", backend,
          "--set", "boundary=reflective", "--checkpoint-every", "7", "--diagnostics-every", "4",
          "--quiet", "--out", out.string()};
}

void expect_same_outputs(const fs::path& expected, const fs::path& got) {
  for (const char* file : {"E.npy", "E_prev.npy", "energy.csv"}) {
    ASSERT_TRUE(fs::exists(got / file)) << got / file;
    EXPECT_TRUE(read_file(expected / file) == read_file(got / file)) << file << " differs";
  }
}

class Resume : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    const auto names = available_backend_names();
    if (std::find(names.begin(), names.end(), GetParam()) == names.end()) {
      GTEST_SKIP() << "backend '" << GetParam() << "' is not available in this build";
    }
    const CliResult r = run_lfm(run_args(GetParam(), dir / "reference"));
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  TempDir dir;
};

// Three seeded random kill points plus one inside a checkpoint write.
TEST_P(Resume, AfterSigkillAtRandomStepsIsBitIdentical) {
  std::mt19937 rng(20260501);
  std::uniform_int_distribution<int> pick(1, 59);
  for (int i = 0; i < 4; ++i) {
    const bool in_write = i == 3;
    // A write happens at multiples of 7 only.
    const int step = in_write ? 7 * (1 + pick(rng) % 8) : pick(rng);
    const fs::path out = dir / ("killed_" + std::to_string(i));
    SpawnOptions o;
    o.env = {{in_write ? "LFM_TEST_KILL_IN_CHECKPOINT" : "LFM_TEST_KILL_AT_STEP", std::to_string(step)}};
    const CliResult killed = run_lfm_with(run_args(GetParam(), out), o);
    ASSERT_EQ(killed.exit_code, 128 + SIGKILL) << "kill at step " << step << ": " << killed.err;
    EXPECT_FALSE(fs::exists(out / "summary.json"));
    // Atomic writes: whatever the kill interrupted, every file under a
    // checkpoint's name is whole.
    for (const auto& file : CheckpointStore(out).list()) {
      EXPECT_NO_THROW(decode_checkpoint(read_binary_file(file), file.string())) << file;
    }
    const CliResult resumed = run_lfm({"resume", out.string(), "--quiet"});
    ASSERT_EQ(resumed.exit_code, 0) << "kill at step " << step << ": " << resumed.err;
    EXPECT_THAT(resumed.err, Not(HasSubstr("warning")));
    expect_same_outputs(dir / "reference", out);
    for (const auto& entry : fs::directory_iterator(out / "checkpoints")) {
      EXPECT_EQ(entry.path().filename().string().find(".tmp-"), std::string::npos)
          << "leftover temporary file " << entry.path();
    }
  }
}

// SIGINT and SIGTERM finish the step in progress, write a checkpoint and
// exit 130 / 143. The run asks for far more steps than it gets to, so the
// signal always lands mid-run; resumed up to a few steps past the stop, it
// matches an uninterrupted run of that length.
TEST_P(Resume, AfterSigintAndSigtermIsBitIdentical) {
  for (int signo : {SIGINT, SIGTERM}) {
    const fs::path out = dir / ("signalled_" + std::to_string(signo));
    LfmProcess p(run_args(GetParam(), out, "100000000"));
    // Signal once a checkpoint exists (the handlers are in place by then);
    // the step-0 one may already be pruned when the poll looks.
    ASSERT_TRUE(wait_until([&] { return !CheckpointStore(out).list().empty(); }, 60));
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    p.signal(signo);
    const CliResult stopped = p.wait();
    ASSERT_EQ(stopped.exit_code, 128 + signo) << stopped.err;
    EXPECT_THAT(stopped.err, HasSubstr("lfm resume " + out.string()));
    EXPECT_FALSE(fs::exists(out / "summary.json"));
    const auto checkpoints = CheckpointStore(out).list();
    ASSERT_FALSE(checkpoints.empty());
    const auto stop = decode_checkpoint(read_binary_file(checkpoints.front()), "stop").meta.step;
    EXPECT_THAT(stopped.err, HasSubstr("at step " + std::to_string(stop)));
    const std::string total = std::to_string(stop + 9);
    const CliResult resumed = run_lfm({"resume", out.string(), "--steps-total", total, "--quiet"});
    ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
    const fs::path reference = dir / ("reference_" + std::to_string(signo));
    ASSERT_EQ(run_lfm(run_args(GetParam(), reference, total)).exit_code, 0);
    expect_same_outputs(reference, out);
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, Resume,
                         ::testing::Values("baseline", "cpu", "cpu_temporal", "thrust_omp"),
                         [](const auto& info) { return info.param; });

// Two processes writing one run directory would interleave checkpoints.
TEST(ResumeLock, ARunStillGoingCannotBeResumed) {
  const TempDir dir;
  const fs::path out = dir / "run";
  LfmProcess running(run_args("cpu", out, "100000000"));
  ASSERT_TRUE(wait_until([&] { return !CheckpointStore(out).list().empty(); }, 60));
  const CliResult r = run_lfm({"resume", out.string(), "--quiet"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("in use by another lfm process"));
  running.signal(SIGTERM);
  EXPECT_EQ(running.wait().exit_code, 128 + SIGTERM);
  const auto stopped = CheckpointStore(out).list().front();
  const std::int64_t step = decode_checkpoint(read_binary_file(stopped), stopped.string()).meta.step;
  const CliResult after =
      run_lfm({"resume", out.string(), "--steps-total", std::to_string(step + 3), "--quiet"});
  EXPECT_EQ(after.exit_code, 0) << after.err;
}

// Without --checkpoint-every there is nothing to resume from: a stopped run
// that took no snapshots leaves no output at all (the directory it made is
// removed again), and says how to make it resumable.
TEST(Interrupted, WithoutCheckpointsARunLeavesNothing) {
  const TempDir dir;
  LfmProcess running({"run", "wave_packet", "--dim", "3", "--n", "16", "--steps", "100000000",
                      "--quiet", "--out", (dir / "run").string()});
  // The handlers are installed before the directory and its lock are made.
  ASSERT_TRUE(wait_until([&] { return fs::exists(dir / "run" / ".lfm-lock"); }, 60));
  running.signal(SIGINT);
  const CliResult r = running.wait();
  EXPECT_EQ(r.exit_code, 128 + SIGINT) << r.err;
  EXPECT_THAT(r.err, HasSubstr("nothing written"));
  EXPECT_THAT(r.err, HasSubstr("--checkpoint-every"));
  EXPECT_FALSE(fs::exists(dir / "run"));
  EXPECT_TRUE(fs::is_empty(dir.path()));
}

// A run of the user's own arrays, with a χ field: the static data carries
// χ, the step-0 checkpoint the initial pair. The stride is given: the one lfm
// chooses comes from measured times, so two runs may record different steps.
TEST(ResumeConfig, OwnArraysWithAChiFieldResumeBitIdentical) {
  const TempDir dir;
  ASSERT_EQ(run_lfm({"run", "gravity_well", "--dim", "2", "--n", "24", "--steps", "5", "--quiet",
                     "--out", (dir / "src").string()}).exit_code, 0);
  write_file(dir / "cfg.json", R"({"dt": 0.2, "dx": 1.0, "chi": 0.1})");
  const auto args = [&](const std::string& out) {
    return std::vector<std::string>{"run", "--config", (dir / "cfg.json").string(), "--init",
                                    (dir / "src" / "E.npy").string(), "--init-prev",
                                    (dir / "src" / "E_prev.npy").string(), "--chi",
                                    (dir / "src" / "E.npy").string(), "--steps", "40",
                                    "--checkpoint-every", "6", "--diagnostics-every", "4", "--quiet", "--out", (dir / out).string()};
  };
  ASSERT_EQ(run_lfm(args("reference")).exit_code, 0);
  SpawnOptions o;
  o.env = {{"LFM_TEST_KILL_AT_STEP", "15"}};
  ASSERT_EQ(run_lfm_with(args("killed"), o).exit_code, 128 + SIGKILL);
  const CliResult r = run_lfm({"resume", (dir / "killed").string(), "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  expect_same_outputs(dir / "reference", dir / "killed");
  EXPECT_EQ(read_file(dir / "killed" / "chi.npy"), read_file(dir / "src" / "E.npy")) << "the resumed run's chi";
}

class ResumeFaults : public ::testing::Test {
 protected:
  // A finished 40-step run keeping its last three checkpoints (28, 35, 40).
  void SetUp() override {
    auto args = run_args("cpu", dir / "run", "40");
    args.insert(args.end(), {"--keep-checkpoints", "3"});
    ASSERT_EQ(run_lfm(args).exit_code, 0);
    ASSERT_EQ(run_lfm(run_args("cpu", dir / "reference", "60")).exit_code, 0);
  }
  fs::path newest() const { return CheckpointStore(dir / "run").list().front(); }
  TempDir dir;
};

TEST_F(ResumeFaults, AFlippedByteIsDetectedAndThePreviousCheckpointUsed) {
  const fs::path bad = newest();
  std::string bytes = read_binary_file(bad);
  bytes[bytes.size() / 3] ^= 0x04;
  write_file(bad, bytes);
  const CliResult r = run_lfm({"resume", (dir / "run").string(), "--steps-total", "60", "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr(bad.string()));
  EXPECT_THAT(r.err, HasSubstr("checksum mismatch"));
  EXPECT_THAT(r.err, HasSubstr("step_000000000035.ckpt (step 35"));
  expect_same_outputs(dir / "reference", dir / "run");
}

TEST_F(ResumeFaults, ATruncatedCheckpointIsDetectedAndThePreviousCheckpointUsed) {
  const fs::path bad = newest();
  const std::string bytes = read_binary_file(bad);
  write_file(bad, bytes.substr(0, bytes.size() - 1000));
  const CliResult r = run_lfm({"resume", (dir / "run").string(), "--steps-total", "60", "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr(bad.string()));
  EXPECT_THAT(r.err, HasSubstr("truncated"));
  expect_same_outputs(dir / "reference", dir / "run");
}

TEST_F(ResumeFaults, NoIntactCheckpointIsAClearRefusal) {
  for (const auto& f : CheckpointStore(dir / "run").list()) write_file(f, "garbage");
  const CliResult r = run_lfm({"resume", (dir / "run").string(), "--quiet"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("no usable checkpoint"));
}

TEST_F(ResumeFaults, ACheckpointOfOtherParametersIsRefused) {
  auto args = run_args("cpu", dir / "other", "50");
  args.insert(args.end(), {"--set", "chi=0.2"});
  ASSERT_EQ(run_lfm(args).exit_code, 0);
  const fs::path foreign = CheckpointStore(dir / "other").list().front();  // step 50
  fs::copy_file(foreign, dir / "run" / "checkpoints" / foreign.filename());
  const CliResult r = run_lfm({"resume", (dir / "run").string(), "--steps-total", "60", "--quiet"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("belongs to another run"));
  EXPECT_THAT(r.err, Not(HasSubstr("internal error")));
}

TEST_F(ResumeFaults, ARunOfAnotherVersionIsRefused) {
  CheckpointStore store(dir / "run");
  StaticData s = store.read_static();
  s.version = "0.0.0-elsewhere";
  store.write_static(s);
  const CliResult r = run_lfm({"resume", (dir / "run").string(), "--quiet"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("written by lfm 0.0.0-elsewhere, this is lfm " + version()));
}

TEST_F(ResumeFaults, AMissingOrUncheckpointedDirectoryIsRefused) {
  CliResult r = run_lfm({"resume", (dir / "nowhere").string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("no such run directory"));
  ASSERT_EQ(run_lfm({"run", "wave_packet", "--dim", "1", "--n", "16", "--steps", "3", "--out",
                     (dir / "plain").string()}).exit_code, 0);
  r = run_lfm({"resume", (dir / "plain").string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("not a checkpointed run"));
}

TEST_F(ResumeFaults, StepsTotalBeforeTheCheckpointIsRefused) {
  const CliResult r = run_lfm({"resume", (dir / "run").string(), "--steps-total", "10"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("--steps-total 10 is before the checkpoint's step 40"));
}

}  // namespace
}  // namespace lfm::testing
