// The host-side logic of the CUDA backends, which runs without a GPU: the
// autotuning cache file and the diagnostics stride chooser.
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "lattice/diagnostic_stride.hpp"
#include "cuda/tile_candidates.hpp"
#include "cuda/tuning_cache.hpp"
#include "lattice/backend.hpp"
#include "lattice/error.hpp"

namespace lfm::cuda {
namespace {

const std::string h100 = "NVIDIA H100 80GB HBM3";

TEST(TuningCache, RoundTripsThroughText) {
  TuningCache cache;
  cache.put(h100, "3d 256x256x256 float64 o2", {32, 8, 64});
  cache.put(h100, "2d 1024x1024 float32 o4", {64, 4, 1});
  cache.put("NVIDIA A100-SXM4-40GB", "3d 256x256x256 float64 o2", {128, 2, 16});
  const auto back = TuningCache::parse(cache.to_text());
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->size(), 3u);
  EXPECT_EQ(back->find(h100, "3d 256x256x256 float64 o2"), (TileShape{32, 8, 64}));
  EXPECT_EQ(back->find("NVIDIA A100-SXM4-40GB", "3d 256x256x256 float64 o2"), (TileShape{128, 2, 16}));
  EXPECT_EQ(back->find(h100, "2d 1024x1024 float32 o4"), (TileShape{64, 4, 1}));
}

TEST(TuningCache, KeysOnGpuModelAndShape) {
  TuningCache cache;
  cache.put(h100, "3d 64x64x64 float64 o2", {32, 4, 16});
  EXPECT_FALSE(cache.find(h100, "3d 64x64x64 float32 o2").has_value());
  EXPECT_FALSE(cache.find("NVIDIA A100", "3d 64x64x64 float64 o2").has_value());
  cache.put(h100, "3d 64x64x64 float64 o2", {64, 4, 64});  // a re-tune replaces the entry
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_EQ(cache.find(h100, "3d 64x64x64 float64 o2"), (TileShape{64, 4, 64}));
}

TEST(TuningCache, ShapeKeyNamesDimsExtentsPrecisionAndOrder) {
  EXPECT_EQ(shape_key(Grid({256, 128, 64}), Precision::float64, 2), "3d 256x128x64 float64 o2");
  EXPECT_EQ(shape_key(Grid({4096}), Precision::float32, 4), "1d 4096 float32 o4");
}

TEST(TuningCache, CommentsAndBlankLinesAreIgnored) {
  const auto cache = TuningCache::parse("# header\n\n" + h100 + "\t1d 4096 float64 o2\t256 1 1\n");
  ASSERT_TRUE(cache.has_value());
  EXPECT_EQ(cache->find(h100, "1d 4096 float64 o2"), (TileShape{256, 1, 1}));
}

TEST(TuningCache, MalformedLinesMakeTheWholeFileCorrupt) {
  const std::string key = h100 + "\t3d 8x8x8 float64 o2\t";
  for (const std::string& bad : std::vector<std::string>{key + "32 8", key + "32 8 x", key + "32 8 64 1", key + "0 8 64",
                                key + "32 64 64" /* 2048 threads */, key + "8 2 1" /* 16 threads */,
                                h100 + " 3d 8x8x8 float64 o2 32 8 64", "\t3d\t32 8 64", "\xff\xfe"}) {
    EXPECT_FALSE(TuningCache::parse(bad + "\n").has_value()) << bad;
  }
}

TEST(TileShape, ValidityFollowsCudaBlockLimits) {
  EXPECT_TRUE(is_valid({32, 1, 1}));
  EXPECT_TRUE(is_valid({1024, 1, 1}));
  EXPECT_TRUE(is_valid({32, 32, 1}));
  EXPECT_FALSE(is_valid({16, 1, 1}));
  EXPECT_FALSE(is_valid({2048, 1, 1}));
  EXPECT_FALSE(is_valid({32, 8, 0}));
  EXPECT_FALSE(is_valid({-32, -8, 1}));
}

class TuningCacheFile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("lfm_tuning_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
};

TEST_F(TuningCacheFile, MissingFileLoadsEmptyAndSaveCreatesDirectories) {
  const auto path = dir_ / "nested" / "cuda_tuning.txt";
  EXPECT_EQ(load_tuning_cache(path).size(), 0u);
  TuningCache cache;
  cache.put(h100, "3d 32x32x32 float64 o4", {32, 4, 32});
  ASSERT_TRUE(save_tuning_cache(path, cache));
  EXPECT_FALSE(std::filesystem::exists(path.string() + ".tmp-" + std::to_string(::getpid())));
  EXPECT_EQ(load_tuning_cache(path).find(h100, "3d 32x32x32 float64 o4"), (TileShape{32, 4, 32}));
}

TEST_F(TuningCacheFile, CorruptFileIsRebuilt) {
  const auto path = dir_ / "cuda_tuning.txt";
  std::filesystem::create_directories(dir_);
  std::ofstream(path) << h100 << "\t3d 32x32x32 float64 o2\tgarbage\n";
  TuningCache cache = load_tuning_cache(path);
  EXPECT_EQ(cache.size(), 0u);
  cache.put(h100, "3d 32x32x32 float64 o2", {64, 8, 16});
  ASSERT_TRUE(save_tuning_cache(path, cache));
  const auto reread = load_tuning_cache(path);
  EXPECT_EQ(reread.size(), 1u);
  EXPECT_EQ(reread.find(h100, "3d 32x32x32 float64 o2"), (TileShape{64, 8, 16}));
}

TEST_F(TuningCacheFile, UnwritableDirectoryReportsFailure) {
  std::filesystem::create_directories(dir_);
  std::ofstream(dir_ / "file") << "not a directory";
  EXPECT_FALSE(save_tuning_cache(dir_ / "file" / "cuda_tuning.txt", TuningCache{}));
}

TEST_F(TuningCacheFile, PathFollowsXdgCacheHome) {
  const char* old = std::getenv("XDG_CACHE_HOME");
  const std::string saved = old ? old : "";
  setenv("XDG_CACHE_HOME", dir_.c_str(), 1);
  EXPECT_EQ(tuning_cache_path(), dir_ / "lfm" / "cuda_tuning.txt");
  if (old) {
    setenv("XDG_CACHE_HOME", saved.c_str(), 1);
  } else {
    unsetenv("XDG_CACHE_HOME");
  }
}

TEST(DiagnosticsStride, KeepsDiagnosticsWithinTheBudget) {
  // A reduction pass of 1.5 steps' time needs 75 steps between records for 2 %.
  EXPECT_EQ(diagnostics_stride(1e-3, 1.5e-3), 75);
  for (const double ratio : {0.001, 0.02, 0.3, 1.0, 2.7, 10.0}) {
    const std::int64_t s = diagnostics_stride(1e-3, ratio * 1e-3);
    EXPECT_LE(ratio * 1e-3, 0.02 * static_cast<double>(s) * 1e-3 * (1 + 1e-12)) << ratio;
    if (s > 1) {
      // The smallest such stride: one fewer would exceed the budget.
      EXPECT_GT(ratio * 1e-3, 0.02 * static_cast<double>(s - 1) * 1e-3) << ratio;
    }
  }
}

TEST(DiagnosticsStride, CheapDiagnosticsRunEveryStep) {
  EXPECT_EQ(diagnostics_stride(1e-3, 0.0), 1);
  EXPECT_EQ(diagnostics_stride(1e-3, 1e-6), 1);
}

TEST(DiagnosticsStride, CappedAtTheLongestGapAllowed) {
  EXPECT_EQ(diagnostics_stride(1e-6, 1.0), 1000);
  EXPECT_EQ(diagnostics_stride(0.0, 1e-3), 1000);
  EXPECT_EQ(diagnostics_stride(1e-6, 1.0, {0.02, 50}), 50);
  EXPECT_EQ(diagnostics_stride(1e-3, 1e-3, {0.5, 1000}), 2);
}

TEST(DiagnosticsStride, RefusesMeaninglessInputs) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  EXPECT_THROW(diagnostics_stride(-1e-3, 1e-3), std::invalid_argument);
  EXPECT_THROW(diagnostics_stride(1e-3, nan), std::invalid_argument);
  EXPECT_THROW(diagnostics_stride(1e-3, 1e-3, {0.0, 10}), std::invalid_argument);
  EXPECT_THROW(diagnostics_stride(1e-3, 1e-3, {1.5, 10}), std::invalid_argument);
  EXPECT_THROW(diagnostics_stride(1e-3, 1e-3, {0.02, 0}), std::invalid_argument);
}

TEST(StrideChooser, AdaptsToMeasuredAverages) {
  StrideChooser chooser;
  EXPECT_EQ(chooser.stride(), 1);  // nothing measured yet
  chooser.record_diagnostics(2e-3);
  EXPECT_EQ(chooser.stride(), 1);
  chooser.record_steps(10, 10e-3);  // 1 ms a step, 2 ms a record: 100 steps
  EXPECT_EQ(chooser.stride(), 100);
  chooser.record_diagnostics(0.0);  // records average 1 ms now: 50 steps
  EXPECT_EQ(chooser.stride(), 50);
  chooser.record_steps(10, 30e-3);  // steps average 2 ms now: 25 steps
  EXPECT_EQ(chooser.stride(), 25);
  EXPECT_THROW(chooser.record_steps(0, 1e-3), std::invalid_argument);
  EXPECT_THROW(chooser.record_diagnostics(-1.0), std::invalid_argument);
}

// Built or not, with a device or not, the GPU backends are in the registry;
// when they cannot run, the reason is there and asking for them repeats it.
TEST(CudaRegistry, GpuBackendsAreRegisteredWithTheirReason) {
  for (const std::string name : {"cuda_baseline", "cuda", "thrust"}) {
    const auto& all = registered_backends();
    const auto it = std::find_if(all.begin(), all.end(), [&](const BackendInfo& b) { return b.name == name; });
    ASSERT_NE(it, all.end()) << name;
    EXPECT_FALSE(it->description.empty()) << name;
    if (it->available()) continue;
    EXPECT_THAT(it->unavailable, ::testing::AnyOf(::testing::StartsWith("no CUDA device: "),
                                                  ::testing::StartsWith("not built: ")))
        << name;
    try {
      make_backend(name);
      ADD_FAILURE() << name << " was created although unavailable";
    } catch (const InputError& e) {
      EXPECT_THAT(e.what(), ::testing::HasSubstr(it->unavailable)) << name;
    }
  }
}

// The autotuner's candidates, which the GPU tests step one by one: every
// one can run its grid, none twice, and in 3D each block shape streams 16
// and 64 planes, or the whole of a shorter grid once.
TEST(TileCandidates, AreUsableDistinctAndChunkedByTheGrid) {
  EXPECT_EQ(tile_candidates(Grid({4096})),
            (std::vector<TileShape>{{128, 1, 1}, {256, 1, 1}, {512, 1, 1}, {1024, 1, 1}}));
  const auto tall = tile_candidates(Grid({100, 40, 40}));
  EXPECT_EQ(tall.size(), 14u);
  EXPECT_EQ(tall.front(), (TileShape{32, 4, 16}));
  EXPECT_EQ(tall[1], (TileShape{32, 4, 64}));
  const auto flat = tile_candidates(Grid({10, 40, 40}));
  EXPECT_EQ(flat.size(), 7u);
  for (const auto& t : flat) EXPECT_EQ(t.z_chunk, 10);
  for (const Grid& g : {Grid({300}), Grid({37, 70}), Grid({70, 19, 37}), Grid({10, 40, 40})}) {
    const auto all = tile_candidates(g);
    for (std::size_t i = 0; i < all.size(); ++i) {
      EXPECT_TRUE(tile_usable(all[i], g)) << to_string(all[i]);
      for (std::size_t j = 0; j < i; ++j) EXPECT_NE(all[i], all[j]) << to_string(all[i]);
    }
  }
}

TEST(TileCandidates, ShapesTheKernelsCannotRunAreNotUsable) {
  EXPECT_FALSE(tile_usable({1024, 1, 1}, Grid({20, 20, 20})));  // no thread row to load the y halo
  EXPECT_FALSE(tile_usable({1, 64, 1}, Grid({20, 20, 20})));
  EXPECT_FALSE(tile_usable({32, 4, 16}, Grid({20, 20})));  // 2D blocks do not stream planes
  EXPECT_FALSE(tile_usable({16, 1, 1}, Grid({300})));      // fewer than a warp
  EXPECT_TRUE(tile_usable({32, 4, 16}, Grid({20, 20, 20})));
  EXPECT_EQ(to_string({32, 4, 16}), "32x4x16");
}

}  // namespace
}  // namespace lfm::cuda
