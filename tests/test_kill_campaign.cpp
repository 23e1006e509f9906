// The kill campaign: one run with checkpoints and snapshots is SIGKILLed at
// seeded random moments — between steps, halfway through a checkpoint file,
// halfway through a snapshot file — and resumed after each kill. Once it
// finishes, every output and every snapshot dataset must be the very bytes
// of an uninterrupted run.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <csignal>
#include <cstring>
#include <random>

#include "cli_helpers.hpp"
#include "lattice/backend.hpp"
#include "lattice/snapshot_file.hpp"
#include "process_helpers.hpp"

namespace fs = std::filesystem;

namespace lfm::testing {
namespace {

// Checkpoints every 7 and snapshots every 5 steps: the two strides never
// meet except at 35, so kills land between, in and around both writers.
constexpr int total_steps = 60;

std::vector<std::string> campaign_run(const std::string& backend, const fs::path& out) {
  return {"run", "wave_packet", "--dim", "3", "--n", "16", "--steps", std::to_string(total_steps),
          "--backend", backend, "--checkpoint-every", "7", "--snapshot-every", "5",
          "--snapshot-fields", "E,energy_density", "--diagnostics-every", "4", "--quiet",
          "--out", out.string()};
}

struct Kill {
  const char* hook;  // the test hook's environment variable
  int step;
};

// ≥ 10 kills at increasing moments, each past the one before, so that every
// resumed process gets further than the last and is killed again.
std::vector<Kill> seeded_kills(std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<Kill> kills;
  int at = 0;
  while (kills.size() < 10) {
    const int kind = static_cast<int>(rng() % 3);
    const int step = at + 1 + static_cast<int>(rng() % 6);
    if (kind == 0 && step < total_steps) kills.push_back({"LFM_TEST_KILL_AT_STEP", at = step});
    const int ckpt = 7 * (step / 7 + 1), snap = 5 * (step / 5 + 1);
    if (kind == 1 && ckpt < total_steps) kills.push_back({"LFM_TEST_KILL_IN_CHECKPOINT", at = ckpt});
    if (kind == 2 && snap < total_steps) kills.push_back({"LFM_TEST_KILL_IN_SNAPSHOT", at = snap});
    if (at >= total_steps - 6) at = 0;  // wrap round: start a fresh directory
  }
  return kills;
}

void expect_same_series(const fs::path& expected, const fs::path& got) {
  const Hdf5Contents a = read_hdf5_contents(expected / "snapshots.h5");
  const Hdf5Contents b = read_hdf5_contents(got / "snapshots.h5");
  ASSERT_EQ(a.datasets.size(), b.datasets.size());
  for (std::size_t i = 0; i < a.datasets.size(); ++i) {
    const std::string& name = a.datasets[i].path;
    ASSERT_EQ(name, b.datasets[i].path);
    EXPECT_EQ(a.datasets[i].stored_bytes, b.datasets[i].stored_bytes) << name;
    const AnyField fa = read_hdf5_field(expected / "snapshots.h5", name);
    const AnyField fb = read_hdf5_field(got / "snapshots.h5", name);
    const auto& x = std::get<Field<double>>(fa);
    const auto& y = std::get<Field<double>>(fb);
    ASSERT_EQ(x.size(), y.size()) << name;
    EXPECT_EQ(std::memcmp(x.data(), y.data(), x.size() * sizeof(double)), 0) << name << " differs";
  }
  EXPECT_EQ(read_file(expected / "snapshots.xdmf"), read_file(got / "snapshots.xdmf"));
}

class KillCampaign : public ::testing::TestWithParam<std::string> {
 protected:
  TempDir dir;
};

TEST_P(KillCampaign, KilledAndResumedRunEqualsAnUninterruptedOne) {
  const auto names = available_backend_names();
  if (std::find(names.begin(), names.end(), GetParam()) == names.end()) {
    GTEST_SKIP() << "backend '" << GetParam() << "' is not available in this build";
  }
  const fs::path reference = dir / "reference";
  ASSERT_EQ(run_lfm(campaign_run(GetParam(), reference)).exit_code, 0);

  int directory = 0, previous = total_steps;
  fs::path out;
  const auto finish = [&] {
    const CliResult done = run_lfm({"resume", out.string(), "--quiet"});
    ASSERT_EQ(done.exit_code, 0) << done.err;
    for (const char* file : {"E.npy", "E_prev.npy", "energy.csv"}) {
      EXPECT_TRUE(read_file(reference / file) == read_file(out / file)) << out << ": " << file << " differs";
    }
    expect_same_series(reference, out);
    for (const auto& e : fs::recursive_directory_iterator(out)) {
      const std::string name = e.path().filename().string();
      EXPECT_EQ(name.find(".partial-"), std::string::npos) << e.path();
      EXPECT_EQ(name.find(".tmp-"), std::string::npos) << e.path();
    }
  };
  for (const Kill& k : seeded_kills(20261201)) {
    const bool fresh = k.step <= previous;
    if (fresh && directory > 0) finish();
    if (fresh) out = dir / ("killed_" + std::to_string(directory++));
    SpawnOptions o;
    o.env = {{k.hook, std::to_string(k.step)}};
    const auto args = fresh ? campaign_run(GetParam(), out) : std::vector<std::string>{"resume", out.string(), "--quiet"};
    const CliResult killed = run_lfm_with(args, o);
    ASSERT_EQ(killed.exit_code, 128 + SIGKILL) << k.hook << "=" << k.step << ": " << killed.err;
    previous = k.step;
  }
  finish();
}

INSTANTIATE_TEST_SUITE_P(Backends, KillCampaign, ::testing::Values("cpu", "cpu_temporal"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace lfm::testing
