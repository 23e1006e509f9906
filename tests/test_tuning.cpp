// The tuning caches of cpu_temporal and auto: what a choice is keyed on,
// that a warm cache answers without timing anything, and that a corrupt
// file is rebuilt with one warning. No timing is asserted: which candidate
// wins is the machine's business.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "core/tuning_cache.hpp"
#include "cpu/auto_backend.hpp"
#include "cpu/cpu_temporal_backend.hpp"
#include "cpu/temporal_tuning.hpp"
#include "support/test_states.hpp"

namespace lfm::testing {
namespace {

using ::testing::HasSubstr;

// Each test gets its own $XDG_CACHE_HOME, so no test reads another's
// choices (or the user's).
class TuningCacheDir : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* old = std::getenv("XDG_CACHE_HOME");
    saved_ = old ? std::optional<std::string>(old) : std::nullopt;
    dir_ = std::filesystem::temp_directory_path() /
           ("lfm_cpu_tuning_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    setenv("XDG_CACHE_HOME", dir_.c_str(), 1);
    unsetenv("LFM_RETUNE");
  }
  void TearDown() override {
    if (saved_) {
      setenv("XDG_CACHE_HOME", saved_->c_str(), 1);
    } else {
      unsetenv("XDG_CACHE_HOME");
    }
    std::filesystem::remove_all(dir_);
  }
  std::filesystem::path dir_;
  std::optional<std::string> saved_;
};

// 16 planes of 48 x 16: enough planes for the order-4 wave, rows for bands.
const Grid small3d({16, 48, 16});

TEST(TemporalTuning, BlockingRoundTripsThroughTheCacheText) {
  TuningTable table;
  table.put("AMD EPYC", "2 threads 3d 256x256x256 float64 o2 periodic chi scalar", cpu::to_text({8, 64}));
  table.put("AMD EPYC", "2 threads 3d 128x128x128 float32 o4 absorbing chi field", cpu::to_text({2, 0}));
  const auto back = TuningTable::parse(table.to_text("# header"), [](auto v) { return cpu::parse_blocking(v).has_value(); });
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->size(), 2u);
  EXPECT_EQ(cpu::parse_blocking(*back->find("AMD EPYC", "2 threads 3d 256x256x256 float64 o2 periodic chi scalar")),
            (Blocking{8, 64}));
  EXPECT_EQ(cpu::parse_blocking(*back->find("AMD EPYC", "2 threads 3d 128x128x128 float32 o4 absorbing chi field")),
            (Blocking{2, 0}));
  for (const char* bad : {"", "8", "8 x", "0 64", "8 -1", "8 64 1", "65 0"}) {
    EXPECT_FALSE(cpu::parse_blocking(bad).has_value()) << bad;
  }
}

TEST(TemporalTuning, KeyDistinguishesEveryFieldItDependsOn) {
  const Params p = test_params(2, Boundary::periodic);
  Params o4 = p, absorbing = p;
  o4.stencil_order = 4;
  absorbing.boundary = Boundary::absorbing;
  const Grid g({32, 32, 32});
  const std::vector<std::string> keys = {
      cpu::problem_key(g, Precision::float64, p, false),
      cpu::problem_key(Grid({32, 32, 16}), Precision::float64, p, false),
      cpu::problem_key(g, Precision::float32, p, false),
      cpu::problem_key(g, Precision::float64, o4, false),
      cpu::problem_key(g, Precision::float64, absorbing, false),
      cpu::problem_key(g, Precision::float64, p, true),
  };
  EXPECT_EQ(std::set<std::string>(keys.begin(), keys.end()).size(), keys.size());
#ifdef _OPENMP
  const int threads = omp_get_max_threads();
  omp_set_num_threads(threads + 1);
  const std::string more = cpu::problem_key(g, Precision::float64, p, false);
  omp_set_num_threads(threads);
  EXPECT_NE(more, keys[0]);
#endif
  EXPECT_FALSE(cpu::machine_name().empty());  // the CPU model: the entry's other half
}

TEST_F(TuningCacheDir, ASecondBackendWithAWarmCacheTimesNothing) {
  const State<double> s = random_state(small3d, 5, false);
  const Params p = test_params(2);
  CpuTemporalBackend first;
  first.prepare(s, p, false);
  EXPECT_GT(first.tuning_trials(), 1);
  ASSERT_TRUE(std::filesystem::exists(cpu::temporal_cache_path()));
  EXPECT_EQ(cpu::temporal_cache_path(), dir_ / "lfm" / "cpu_temporal_tuning.txt");

  CpuTemporalBackend second;
  second.prepare(s, p, false);
  EXPECT_EQ(second.tuning_trials(), 0);
  EXPECT_EQ(second.blocking(), first.blocking());
  // Another problem is another entry: it is timed.
  CpuTemporalBackend other;
  other.prepare(s, test_params(4), false);
  EXPECT_GT(other.tuning_trials(), 1);
}

TEST_F(TuningCacheDir, RetuneTimesAgainDespiteAWarmCache) {
  const State<float> s = convert_state<float>(random_state(small3d, 5, true));
  const Params p = test_params(2, Boundary::absorbing);
  CpuTemporalBackend().prepare(s, p, false);
  CpuTemporalBackend again;
  again.prepare(s, p, true);
  EXPECT_GT(again.tuning_trials(), 1);
  setenv("LFM_RETUNE", "1", 1);
  CpuTemporalBackend by_env;
  by_env.prepare(s, p, false);
  EXPECT_GT(by_env.tuning_trials(), 1);
}

TEST_F(TuningCacheDir, CorruptFileIsRebuiltWithOneWarning) {
  std::filesystem::create_directories(cpu::temporal_cache_path().parent_path());
  std::ofstream(cpu::temporal_cache_path()) << "AMD EPYC\tsome problem\tnot a blocking\n";
  const State<double> s = random_state(small3d, 5, false);
  const Params p = test_params(2);
  CpuTemporalBackend backend;
  ::testing::internal::CaptureStderr();
  backend.prepare(s, p, false);
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_THAT(err, HasSubstr("corrupt"));
  EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1) << err;
  EXPECT_GT(backend.tuning_trials(), 1);
  const LoadedTuningTable reread =
      load_tuning_table(cpu::temporal_cache_path(), [](auto v) { return cpu::parse_blocking(v).has_value(); });
  EXPECT_FALSE(reread.corrupt);
  EXPECT_EQ(reread.table.size(), 1u);
}

TEST_F(TuningCacheDir, AutoTakesCpuUnprobedOnGridsBlockingCannotHelp) {
  const Params p = test_params(2);
  for (const Grid& g : {Grid({4096}), Grid({256, 256}), small3d}) {
    AutoBackend a;
    a.prepare(random_state(g, 1, false), p, false);
    EXPECT_EQ(a.chosen(), "cpu") << g.shape_string();
    EXPECT_EQ(a.tuning_trials(), 0) << g.shape_string();
    EXPECT_THAT(a.tuning(), HasSubstr("auto: cpu (")) << g.shape_string();
  }
  EXPECT_FALSE(std::filesystem::exists(dir_ / "lfm"));  // nothing probed, nothing cached
}

// A warm cache for a grid large enough to probe: auto takes its entry and
// cpu_temporal its blocking, with nothing timed.
TEST_F(TuningCacheDir, AutoFollowsAWarmCacheWithoutProbing) {
  const Grid g({64, 128, 128});
  ASSERT_GE(g.cells(), auto_probe_cells);
  const Params p = test_params(2);
  const State<float> s = convert_state<float>(random_state(g, 2, false));
  const std::string key = cpu::problem_key(s, p);
  TuningTable temporal, picks;
  temporal.put(cpu::machine_name(), key, cpu::to_text({4, 16}));
  picks.put(cpu::machine_name(), key, "cpu_temporal");
  ASSERT_TRUE(save_tuning_table(cpu::temporal_cache_path(), temporal, "# test"));
  ASSERT_TRUE(save_tuning_table(tuning_file_path("auto_tuning.txt"), picks, "# test"));
  AutoBackend a;
  a.prepare(s, p, false);
  EXPECT_EQ(a.chosen(), "cpu_temporal");
  EXPECT_EQ(a.tuning_trials(), 0);
  EXPECT_EQ(a.preferred_step_multiple(), 4);
  EXPECT_EQ(a.tuning(), "auto: cpu_temporal (block depth 4, bands of 16 rows; cached)");
}

}  // namespace
}  // namespace lfm::testing
