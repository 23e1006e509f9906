// `mpiexec -n P lfm run|resume …` as a user types it (label `mpi`): the
// run directory must hold the bytes one `cpu` process writes — E.npy,
// E_prev.npy, energy.csv and every snapshot dataset — for uneven splits,
// order 4, absorbing and reflective faces, χ fields, deep halos, a
// checkpoint written on P ranks resumed on Q, and runs killed on 3 ranks
// (mpiexec or one of its workers) resumed on 2.
#include <gtest/gtest.h>

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "cli_helpers.hpp"
#include "process_helpers.hpp"
#include "lattice/snapshot_file.hpp"

namespace lfm {
namespace {

using testing::run_lfm;
using testing::run_program;
using testing::TempDir;

// More ranks than cores: one OpenMP thread each, and waiting ranks yield
// the core. OpenMPI refuses root unless told.
testing::CliResult mpi_lfm(int ranks, const std::vector<std::string>& args) {
  setenv("OMP_NUM_THREADS", "1", 1);
  setenv("OMPI_MCA_mpi_yield_when_idle", "1", 1);
  std::vector<std::string> argv{LFM_MPIEXEC, "-n", std::to_string(ranks), "--oversubscribe"};
  if (geteuid() == 0) argv.push_back("--allow-run-as-root");
  argv.push_back(LFM_EXE);
  argv.insert(argv.end(), args.begin(), args.end());
  return run_program(argv);
}

std::vector<std::string> with_out(std::vector<std::string> args, const std::filesystem::path& out) {
  args.insert(args.end(), {"--out", out.string(), "--quiet"});
  return args;
}

void expect_same_outputs(const std::filesystem::path& want, const std::filesystem::path& got) {
  for (const char* f : {"E.npy", "E_prev.npy", "energy.csv"}) {
    EXPECT_EQ(testing::read_file(got / f), testing::read_file(want / f)) << f << " differs";
  }
}

bool same_field(const AnyField& a, const AnyField& b) {
  return std::visit(
      [&](const auto& x) {
        using F = std::decay_t<decltype(x)>;
        const F* y = std::get_if<F>(&b);
        return y && x.size() == y->size() &&
               std::memcmp(x.data(), y->data(), x.size() * sizeof(typename F::value_type)) == 0;
      },
      a);
}

struct DistributedCli : ::testing::Test {
  TempDir dir;
  // One `cpu` process, then `ranks` processes, with the same options and
  // those only a distributed run takes (--exchange-depth).
  void expect_matches_one_process(int ranks, const std::vector<std::string>& args,
                                  const std::vector<std::string>& distributed = {}) {
    SCOPED_TRACE(std::to_string(ranks) + " ranks");
    auto one = with_out(args, dir / ("one" + std::to_string(ranks)));
    one.insert(one.end(), {"--backend", "cpu"});
    ASSERT_EQ(run_lfm(one).exit_code, 0);
    auto many_args = with_out(args, dir / ("many" + std::to_string(ranks)));
    many_args.insert(many_args.end(), distributed.begin(), distributed.end());
    const auto many = mpi_lfm(ranks, many_args);
    ASSERT_EQ(many.exit_code, 0) << many.err;
    EXPECT_NE(many.err.find("distributed over " + std::to_string(ranks) + " ranks"), std::string::npos) << many.err;
    expect_same_outputs(dir / ("one" + std::to_string(ranks)), dir / ("many" + std::to_string(ranks)));
  }
};

TEST_F(DistributedCli, UnevenSplitsOfAWavePacketAreBitIdentical) {
  for (int ranks : {2, 3, 4}) {
    expect_matches_one_process(ranks, {"run", "wave_packet", "--n", "25", "--steps", "24", "--diagnostics-every", "4"});
  }
}

TEST_F(DistributedCli, OrderFourAbsorbingWithAChiFieldAndDeepHalosIsBitIdentical) {
  expect_matches_one_process(3, {"run", "gravity_well", "--dim", "2", "--n", "40", "--steps", "21",
                                 "--diagnostics-every", "3", "--set", "stencil_order=4", "--set",
                                 "boundary=absorbing"},
                             {"--exchange-depth", "3"});
}

TEST_F(DistributedCli, ReflectiveFloat32WithDeepHalosIsBitIdentical) {
  expect_matches_one_process(2, {"run", "standing_wave", "--n", "20", "--steps", "17", "--diagnostics-every",
                                 "4", "--set", "boundary=reflective", "--precision", "float32"},
                             {"--exchange-depth", "4"});
}

// A 1D line goes out in parts of whole diagnostics slabs (8192 cells).
TEST_F(DistributedCli, PartsOfALineAreBitIdentical) {
  for (int ranks : {2, 4}) {
    expect_matches_one_process(ranks, {"run", "wave_packet", "--dim", "1", "--n", "24676", "--steps", "30",
                                       "--diagnostics-every", "3"});
  }
  EXPECT_NE(testing::read_file(dir / "many4" / "summary.json").find("parts of the line: 8192, 8192, 8192, 100 cells"),
            std::string::npos);
  expect_matches_one_process(3, {"run", "gravity_well", "--dim", "1", "--n", "20000", "--steps", "25",
                                 "--diagnostics-every", "5", "--set", "stencil_order=4", "--set",
                                 "boundary=absorbing"},
                             {"--exchange-depth", "3"});
}

TEST_F(DistributedCli, ReflectiveLineInFloat32IsBitIdentical) {
  expect_matches_one_process(2, {"run", "standing_wave", "--dim", "1", "--n", "17000", "--steps", "17",
                                 "--diagnostics-every", "4", "--set", "boundary=reflective", "--precision",
                                 "float32"},
                             {"--exchange-depth", "4"});
}

// Blocks of slices × rows: 4 ranks choose 2x2x1 at 128³ (rows go out in
// diagnostics slabs of 64), and a split given on the command line.
TEST_F(DistributedCli, BlocksOfSlicesByRowsAreBitIdentical) {
  expect_matches_one_process(4, {"run", "wave_packet", "--n", "128", "--steps", "6", "--diagnostics-every", "2"});
  const auto err = testing::read_file(dir / "many4" / "summary.json");
  EXPECT_NE(err.find("2x2x1 blocks: 64, 64 slices of axis 0 by 64, 64 rows of axis 1"), std::string::npos) << err;
  expect_matches_one_process(2, {"run", "gravity_well", "--n", "128", "--steps", "5", "--diagnostics-every", "1",
                                 "--set", "stencil_order=4", "--set", "boundary=reflective"},
                             {"--decomposition", "1x2x1", "--exchange-depth", "2"});
}

// cpu_temporal on each rank: one wavefront per block, in bands of 32 rows
// at 64³ (whole planes at 40³), absorbing faces, a χ field, and the depth
// it takes when none is given. Every case names its diagnostics stride: a
// stride lfm chooses comes from each run's own timings.
TEST_F(DistributedCli, WavefrontsOnEachRankAreBitIdentical) {
  expect_matches_one_process(3, {"run", "wave_packet", "--n", "64", "--steps", "22", "--diagnostics-every", "4"},
                             {"--backend", "cpu_temporal", "--exchange-depth", "4"});
  EXPECT_NE(testing::read_file(dir / "many3" / "summary.json").find("wavefront 4 steps deep, in bands of 32 rows"),
            std::string::npos);
  expect_matches_one_process(2, {"run", "gravity_well", "--n", "40", "--steps", "13", "--diagnostics-every",
                                 "13", "--set", "boundary=absorbing", "--set", "stencil_order=4"},
                             {"--backend", "cpu_temporal", "--exchange-depth", "3"});
  EXPECT_NE(testing::read_file(dir / "many2" / "summary.json").find("wavefront 3 steps deep, in whole planes"),
            std::string::npos);
  // Without --exchange-depth: 8 steps deep, where 16 slices per rank hold it.
  expect_matches_one_process(4, {"run", "wave_packet", "--n", "64", "--steps", "24", "--diagnostics-every", "8"},
                             {"--backend", "cpu_temporal"});
  EXPECT_NE(testing::read_file(dir / "many4" / "summary.json").find("wavefront 8 steps deep, in bands of 32 rows"),
            std::string::npos);
}

// Checkpoints and snapshots written by the root from the gathered state:
// stopped after 20 steps on 4 ranks, resumed to 40 on 3.
TEST_F(DistributedCli, ACheckpointWrittenOnFourRanksResumesOnThree) {
  const std::vector<std::string> args{"run", "wave_packet", "--dim", "2", "--n", "48", "--diagnostics-every", "4",
                                      "--checkpoint-every", "10", "--snapshot-every", "8"};
  auto whole = with_out(args, dir / "one");
  whole.insert(whole.end(), {"--steps", "40", "--backend", "cpu"});
  ASSERT_EQ(run_lfm(whole).exit_code, 0);
  auto first = with_out(args, dir / "many");
  first.insert(first.end(), {"--steps", "20"});
  const auto started = mpi_lfm(4, first);
  ASSERT_EQ(started.exit_code, 0) << started.err;
  const auto resumed = mpi_lfm(3, {"resume", (dir / "many").string(), "--steps-total", "40", "--quiet"});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_NE(resumed.err.find("distributed over 3 ranks"), std::string::npos) << resumed.err;
  expect_same_outputs(dir / "one", dir / "many");

  const Hdf5Contents want = read_hdf5_contents(dir / "one" / "snapshots.h5");
  const Hdf5Contents got = read_hdf5_contents(dir / "many" / "snapshots.h5");
  ASSERT_EQ(got.datasets.size(), want.datasets.size());
  ASSERT_GE(want.datasets.size(), 5u);  // steps 0, 8, …, 40
  for (std::size_t i = 0; i < want.datasets.size(); ++i) {
    const std::string& path = want.datasets[i].path;
    ASSERT_EQ(got.datasets[i].path, path);
    if (want.datasets[i].dtype != "float64") continue;
    EXPECT_TRUE(same_field(read_hdf5_field(dir / "many" / "snapshots.h5", path),
                           read_hdf5_field(dir / "one" / "snapshots.h5", path)))
        << path;
  }
}

// The step of the newest checkpoint in a run directory (0 when none).
// The step of the newest checkpoint in `run` (0: none yet).
std::int64_t newest_checkpoint(const std::filesystem::path& run) {
  std::int64_t newest = 0;
  std::error_code none_yet;
  for (const auto& f : std::filesystem::directory_iterator(run / "checkpoints", none_yet)) {
    const std::string name = f.path().filename().string();
    if (name.starts_with("step_") && name.ends_with(".ckpt")) {
      newest = std::max<std::int64_t>(newest, std::stoll(name.substr(5)));
    }
  }
  return newest;
}

// The PID of MPI rank `rank` among the children of `mpiexec` (-1 while
// it has not started).
pid_t rank_pid(pid_t mpiexec, int rank) {
  const std::string want = "OMPI_COMM_WORLD_RANK=" + std::to_string(rank);
  for (const auto& p : std::filesystem::directory_iterator("/proc")) {
    const std::string name = p.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream stat(p.path() / "stat");
    std::string line;
    std::getline(stat, line);
    const auto close = line.rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream rest(line.substr(close + 2));
    char state = 0;
    pid_t parent = 0;
    rest >> state >> parent;
    if (parent != mpiexec) continue;
    std::ifstream env(p.path() / "environ");
    for (std::string var; std::getline(env, var, '\0');) {
      if (var == want) return static_cast<pid_t>(std::stol(name));
    }
  }
  return -1;
}

// Whether a child process has exited (and is left to be reaped).
bool exited(pid_t child) {
  std::ifstream stat("/proc/" + std::to_string(child) + "/stat");
  std::string line;
  std::getline(stat, line);
  const auto close = line.rfind(')');
  return close == std::string::npos || line.substr(close + 2, 1) == "Z";
}

// Killed mid-run on 3 ranks, resumed on 2 to a few hundred steps past its
// newest checkpoint: the outputs are those of one uninterrupted process
// run to that step. SIGTERM to mpiexec: the root checkpoints and stops.
// SIGKILL to mpiexec: every rank dies with it. SIGKILL to one worker:
// mpiexec ends the job (the others would wait for it forever), within a
// minute. The run asks for far more steps than it can take before the
// signal, whatever the machine's speed.
TEST_F(DistributedCli, KilledOnThreeRanksResumesOnTwoAsIfNeverStopped) {
  const std::vector<std::string> args{"run", "wave_packet", "--dim", "2", "--n", "64", "--diagnostics-every", "10",
                                      "--checkpoint-every", "50", "--quiet"};
  enum class Kill { term_mpiexec, kill_mpiexec, kill_worker };
  for (Kill how : {Kill::term_mpiexec, Kill::kill_mpiexec, Kill::kill_worker}) {
    const std::filesystem::path out = dir / ("killed" + std::to_string(static_cast<int>(how)));
    SCOPED_TRACE(out.filename().string());
    setenv("OMP_NUM_THREADS", "1", 1);
    setenv("OMPI_MCA_mpi_yield_when_idle", "1", 1);
    std::vector<std::string> argv{"-n", "3", "--oversubscribe"};
    if (geteuid() == 0) argv.push_back("--allow-run-as-root");
    argv.push_back(LFM_EXE);
    argv.insert(argv.end(), args.begin(), args.end());
    argv.insert(argv.end(), {"--steps", "100000000", "--out", out.string()});
    testing::SpawnOptions spawn;
    spawn.program = LFM_MPIEXEC;
    testing::LfmProcess job(argv, spawn);
    // Any checkpoint from step 100 on: a fast run prunes step 100's own
    // (keeping the newest two) between two polls.
    const auto checkpointed = [&] { return newest_checkpoint(out) >= 100; };
    testing::wait_until([&] { return checkpointed() || exited(job.pid()); }, 120);
    if (!checkpointed()) {
      job.signal(SIGKILL);
      const auto gone = job.wait();
      FAIL() << "no checkpoint from step 100 on; the job exited " << gone.exit_code << ":\n" << gone.err;
    }
    if (how == Kill::kill_worker) {
      const pid_t worker = rank_pid(job.pid(), 2);
      ASSERT_GT(worker, 0) << "rank 2 not found";
      ASSERT_EQ(kill(worker, SIGKILL), 0);
      EXPECT_TRUE(testing::wait_until([&] { return exited(job.pid()); }, 60)) << "the job outlived its rank 2";
    } else {
      job.signal(how == Kill::term_mpiexec ? SIGTERM : SIGKILL);
    }
    const auto stopped = job.wait();
    EXPECT_NE(stopped.exit_code, 0);
    if (how == Kill::term_mpiexec) EXPECT_NE(stopped.err.find("stopped by SIGTERM"), std::string::npos) << stopped.err;
    ASSERT_FALSE(std::filesystem::exists(out / "E.npy"));

    const std::string total = std::to_string(newest_checkpoint(out) + 200);
    auto whole = args;
    whole.insert(whole.end(), {"--steps", total, "--out", (out.string() + "-one"), "--backend", "cpu"});
    ASSERT_EQ(run_lfm(whole).exit_code, 0);
    const auto resumed = mpi_lfm(2, {"resume", out.string(), "--steps-total", total, "--quiet"});
    ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
    expect_same_outputs(out.string() + "-one", out);
  }
}

// What a distributed run cannot do is refused before anything is written.
TEST_F(DistributedCli, RefusesWhatItCannotDistribute) {
  const auto other = mpi_lfm(2, with_out({"run", "wave_packet", "--n", "16", "--backend", "baseline"}, dir / "a"));
  EXPECT_EQ(other.exit_code, 2);
  EXPECT_NE(other.err.find("steps every rank with cpu or cpu_temporal"), std::string::npos) << other.err;
  const auto faces = mpi_lfm(2, with_out({"run", "wave_packet", "--n", "16", "--backend", "cpu_temporal", "--set",
                                          "boundary=reflective"}, dir / "a2"));
  EXPECT_EQ(faces.exit_code, 2);
  EXPECT_NE(faces.err.find("cannot take reflective faces"), std::string::npos) << faces.err;
  const auto line = mpi_lfm(2, with_out({"run", "wave_packet", "--dim", "1", "--n", "64"}, dir / "b"));
  EXPECT_EQ(line.exit_code, 2);
  EXPECT_NE(line.err.find("64 cells make 1 slab of the diagnostics (64 cells each), shared out whole: too few for 2"),
            std::string::npos)
      << line.err;
  const auto thin = mpi_lfm(4, with_out({"run", "wave_packet", "--n", "6", "--set", "stencil_order=4"}, dir / "c"));
  EXPECT_EQ(thin.exit_code, 2);
  EXPECT_NE(thin.err.find("too few slices"), std::string::npos) << thin.err;
  const auto alone = run_lfm(with_out({"run", "wave_packet", "--n", "16", "--exchange-depth", "2"}, dir / "d"));
  EXPECT_EQ(alone.exit_code, 2);
  EXPECT_NE(alone.err.find("applies to distributed runs"), std::string::npos) << alone.err;
  const auto resumed_alone = run_lfm({"resume", (dir / "d").string(), "--decomposition", "2x1x1"});
  EXPECT_EQ(resumed_alone.exit_code, 2);
  EXPECT_NE(resumed_alone.err.find("--decomposition applies to distributed runs (mpiexec -n P lfm resume"),
            std::string::npos)
      << resumed_alone.err;
  const std::vector<std::pair<std::vector<std::string>, std::string>> splits{
      {{"--n", "16", "--decomposition", "1x1x2"}, "axis 2 is never split"},
      {{"--n", "16", "--decomposition", "3x1"}, "is 3 ranks; mpiexec started 2"},
      {{"--n", "16", "--decomposition", "2x"}, "expected ranks along each axis"},
      {{"--n", "16", "--dim", "2", "--decomposition", "1x2"}, "split along axis 0 alone"},
      {{"--n", "64", "--decomposition", "1x2"}, "too few for 2 ranks along it"},
  };
  for (const auto& [options, why] : splits) {
    std::vector<std::string> args{"run", "wave_packet"};
    args.insert(args.end(), options.begin(), options.end());
    const auto refused = mpi_lfm(2, with_out(args, dir / "e"));
    EXPECT_EQ(refused.exit_code, 2) << why;
    EXPECT_NE(refused.err.find(why), std::string::npos) << refused.err;
    EXPECT_FALSE(std::filesystem::exists(dir / "e" / "summary.json"));
  }
}

}  // namespace
}  // namespace lfm
