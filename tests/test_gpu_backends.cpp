// The GPU backends on a device (label `gpu`): each against the baseline over
// the validation matrix (SPEC §6), bit-identity with `cpu` where the
// arithmetic per cell is the same, the on-device diagnostics against the
// host's, a whole device-resident run, and the tuning cache the autotuner
// leaves. Without a device (or a CUDA build) every test skips with the
// reason, which ctest reports as skipped.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>

#include "cpu/cpu_backend.hpp"
#include "lattice/diagnostics.hpp"
#include "lattice/perf/validation.hpp"
#include "support/backends.hpp"
#include "support/matchers.hpp"
#include "support/test_states.hpp"
#ifdef LFM_HAVE_CUDA
#include "cuda/cuda_backends.hpp"
#include "cuda/tile_candidates.hpp"
#include "cuda/tuning_cache.hpp"
#include "lattice/error.hpp"
#endif

namespace lfm::testing {
namespace {

const std::vector<std::string> gpu_backends = {"cuda_baseline", "cuda", "thrust"};

// Skips the calling test unless the GPU entry points exist and a device is present.
#ifdef LFM_HAVE_CUDA
#define LFM_DEVICE_OR_SKIP()                                                          \
  if (!::lfm::cuda::device_unavailable_reason().empty())                              \
  GTEST_SKIP() << ::lfm::cuda::device_unavailable_reason()
#else
#define LFM_DEVICE_OR_SKIP() GTEST_SKIP() << "not built: configured without CUDA"
#endif

template <class T>
std::size_t first_difference(const Field<T>& a, const Field<T>& b) {
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::memcmp(&a[i], &b[i], sizeof(T)) != 0) return i;
  }
  return a.size();
}

class GpuBackend : public ::testing::TestWithParam<std::string> {};

TEST_P(GpuBackend, PassesTheValidationMatrixAgainstTheBaseline) {
  LFM_BACKEND_OR_SKIP(backend, GetParam());
  const auto report = perf::validate_backend(GetParam(), "baseline", {Precision::float64, Precision::float32});
  EXPECT_FALSE(report.cases.empty());
  for (const auto& r : report.cases) {
    EXPECT_TRUE(r.passed) << r.c.name() << ": field error " << r.max_rel_error << " (tolerance "
                          << r.field_tolerance << "), energy " << r.energy_rel_diff << " (tolerance "
                          << r.energy_tolerance << ")";
  }
}

// Every GPU backend sums each cell through kernels/leapfrog.hpp in the
// order of the `cpu` rows and is compiled with --fmad=false, so it claims
// cpu's bits exactly: every configuration, both precisions, on grids that
// leave partial blocks (14 and 20 cells against 32-wide blocks) and one
// that is not a cube.
template <class T>
void expect_identical(Backend& candidate, const perf::ValidationCase& c, const Grid& g, const std::string& name) {
  Params p = test_params(c.order, c.boundary, c.gamma);
  p.absorb_factor = 0.9;
  p.precision = c.precision;
  const State<T> initial = convert_state<T>(random_state(g, 23, c.chi_field));
  State<T> reference = initial, other = initial;
  CpuBackend().advance(reference, p, 9);
  candidate.advance(other, p, 9);
  EXPECT_EQ(other.step, reference.step);
  EXPECT_EQ(first_difference(reference.E, other.E), reference.E.size()) << name << " " << c.name();
  EXPECT_EQ(first_difference(reference.E_prev, other.E_prev), reference.E.size()) << name << " " << c.name();
}

// The same in the case's precision.
void expect_identical_in_precision(Backend& candidate, const perf::ValidationCase& c, const Grid& g,
                                   const std::string& name) {
  if (c.precision == Precision::float64) {
    expect_identical<double>(candidate, c, g, name);
  } else {
    expect_identical<float>(candidate, c, g, name);
  }
}

TEST_P(GpuBackend, BitIdenticalToCpu) {
  LFM_BACKEND_OR_SKIP(backend, GetParam());
  for (const auto& c : perf::validation_matrix({Precision::float64, Precision::float32})) {
    expect_identical_in_precision(*backend, c, cube(c.dims, c.dims == 1 ? 300 : c.dims == 2 ? 20 : 14), GetParam());
  }
  perf::ValidationCase odd;
  odd.dims = 3;
  odd.order = 4;
  odd.boundary = Boundary::reflective;
  odd.chi_field = true;
  expect_identical<double>(*backend, odd, Grid({37, 19, 70}), GetParam());
}

INSTANTIATE_TEST_SUITE_P(Gpu, GpuBackend, ::testing::ValuesIn(gpu_backends),
                         [](const auto& info) { return info.param; });

#ifdef LFM_HAVE_CUDA
// Every block shape the autotuner may pick, not only the one it picks on the
// GPU at hand: `cuda` forced to each candidate is bit-identical to `cpu` in
// every configuration and both precisions. One grid per dimension, chosen
// so that every candidate leaves a partial block along x and y (and, in 3D,
// a partial last z chunk for both chunk lengths: 70 = 4·16 + 6 = 64 + 6),
// where a tile's halo, wrap or edge handling goes wrong first.
const Grid& tile_test_grid(int dims) {
  static const Grid grids[3] = {Grid({300}), Grid({37, 70}), Grid({70, 19, 37})};
  return grids[dims - 1];
}

struct TileCase {
  int dims;
  cuda::TileShape tile;
};

void PrintTo(const TileCase& c, std::ostream* os) { *os << c.dims << "D, tile " << cuda::to_string(c.tile); }

std::vector<TileCase> every_candidate_tile() {
  std::vector<TileCase> out;
  for (int dims = 1; dims <= 3; ++dims) {
    for (const auto& t : cuda::tile_candidates(tile_test_grid(dims))) out.push_back({dims, t});
  }
  return out;
}

class CudaTile : public ::testing::TestWithParam<TileCase> {};

TEST_P(CudaTile, BitIdenticalToCpuOnGridsWithPartialBlocks) {
  const auto [dims, tile] = GetParam();
  const Grid& g = tile_test_grid(dims);
  // The grid still leaves the partial blocks this test is about (checked
  // before the device, so a changed candidate list shows here too).
  const std::size_t nx = g.extent(dims - 1), ny = dims >= 2 ? g.extent(dims - 2) : 1;
  ASSERT_NE(nx % tile.block_x, 0u) << cuda::to_string(tile);
  if (dims >= 2 && tile.block_y > 1) ASSERT_NE(ny % tile.block_y, 0u) << cuda::to_string(tile);
  if (dims == 3) ASSERT_NE(g.extent(0) % tile.z_chunk, 0u) << cuda::to_string(tile);
  ASSERT_TRUE(cuda::tile_usable(tile, g)) << cuda::to_string(tile);
  LFM_DEVICE_OR_SKIP();
  const auto backend = cuda::make_cuda_backend_with_tile(tile);
  for (const auto& c : perf::validation_matrix({Precision::float64, Precision::float32})) {
    if (c.dims != dims || c.extent != 0) continue;
    expect_identical_in_precision(*backend, c, g, "cuda tile " + cuda::to_string(tile));
  }
}

INSTANTIATE_TEST_SUITE_P(EveryCandidate, CudaTile, ::testing::ValuesIn(every_candidate_tile()), [](const auto& info) {
  return std::to_string(info.param.dims) + "d_" + cuda::to_string(info.param.tile);
});

// A forced tile reaches the kernels: one the 3D kernel cannot run (a single
// row of threads has no one to load the y halo) is refused, not replaced by
// the tuned shape; so is a z chunk on a 2D grid.
TEST(CudaForcedTile, OneThatCannotRunTheGridIsRefused) {
  LFM_DEVICE_OR_SKIP();
  State<double> s3 = random_state(tile_test_grid(3), 7, false);
  EXPECT_THROW(cuda::make_cuda_backend_with_tile({1024, 1, 1})->advance(s3, test_params(2), 1), InputError);
  State<double> s2 = random_state(tile_test_grid(2), 7, false);
  EXPECT_THROW(cuda::make_cuda_backend_with_tile({32, 4, 16})->advance(s2, test_params(2), 1), InputError);
}

// Device and host sum the same float64 terms in different orders (a tree
// against slices): N terms differ by at most about N·ε relative, 3e-11 for
// the 40³ grid here, so 1e-9 leaves room without hiding a wrong term.
constexpr double reordered_sum_rtol = 1e-9;

TEST(DeviceDiagnostics, MatchTheHostDiagnostics) {
  LFM_DEVICE_OR_SKIP();
  for (int order : {2, 4}) {
    for (bool chi_field : {false, true}) {
      const Params p = test_params(order);
      const State<double> s = random_state(cube(3, 40), 5, chi_field);
      const auto d = cuda::diagnose_on_device(s, p);
      EXPECT_NEAR(d.energy, energy(s, p), reordered_sum_rtol * std::abs(energy(s, p)));
      EXPECT_NEAR(d.invariant, invariant(s, p), reordered_sum_rtol * std::abs(invariant(s, p)));
      EXPECT_EQ(d.max_abs, max_abs(s.E));  // a maximum does not depend on order
      EXPECT_TRUE(d.finite);
      const State<float> f = convert_state<float>(s);
      const auto df = cuda::diagnose_on_device(f, p);
      EXPECT_NEAR(df.energy, energy(f, p), reordered_sum_rtol * std::abs(energy(f, p)));
      EXPECT_NEAR(df.invariant, invariant(f, p), reordered_sum_rtol * std::abs(invariant(f, p)));
    }
  }
}

TEST(DeviceDiagnostics, FlagANonFiniteCell) {
  LFM_DEVICE_OR_SKIP();
  State<double> s = random_state(cube(2, 33), 9, false);
  s.E[17 * 33 + 5] = std::numeric_limits<double>::infinity();
  EXPECT_FALSE(cuda::diagnose_on_device(s, test_params(2)).finite);
  s.E[17 * 33 + 5] = std::numeric_limits<double>::quiet_NaN();
  const auto d = cuda::diagnose_on_device(s, test_params(2));
  EXPECT_FALSE(d.finite);
  EXPECT_TRUE(std::isnan(d.max_abs));
}

// A run that never leaves the device ends where `cpu` ends, bit for bit,
// records its first and last step, and its records agree with the host's
// diagnostics of the final state.
TEST(DeviceRun, EndsBitIdenticalToCpuWithFirstAndLastRecords) {
  LFM_DEVICE_OR_SKIP();
  const Params p = test_params(4, Boundary::absorbing, 0.01);
  const State<double> initial = random_state(cube(3, 24), 31, true);
  State<double> host = initial, device = initial;
  CpuBackend().advance(host, p, 57);
  const auto run = cuda::run_on_device(device, p, 57);
  EXPECT_EQ(device.step, 57);
  EXPECT_EQ(first_difference(host.E, device.E), host.E.size());
  EXPECT_EQ(first_difference(host.E_prev, device.E_prev), host.E.size());
  ASSERT_GE(run.trace.size(), 2u);
  EXPECT_EQ(run.trace.front().step, 0);
  EXPECT_EQ(run.trace.back().step, 57);
  EXPECT_GE(run.final_stride, 1);
  EXPECT_NEAR(run.trace.back().d.energy, energy(host, p), reordered_sum_rtol * std::abs(energy(host, p)));
  EXPECT_NEAR(run.trace.front().d.energy, energy(initial, p), reordered_sum_rtol * std::abs(energy(initial, p)));
}

// The autotuner leaves its choice in the cache file under this GPU's name,
// and a corrupt file is rebuilt rather than trusted.
TEST(CudaAutotuner, WritesAndRebuildsTheCacheFile) {
  LFM_DEVICE_OR_SKIP();
  const auto dir = std::filesystem::temp_directory_path() / "lfm_gpu_tuning_test";
  std::filesystem::remove_all(dir);
  const char* old = std::getenv("XDG_CACHE_HOME");
  const std::string saved = old ? old : "";
  setenv("XDG_CACHE_HOME", dir.c_str(), 1);
  const auto path = cuda::tuning_cache_path();
  std::filesystem::create_directories(path.parent_path());
  { std::ofstream(path) << "corrupt\n"; }
  // A shape no other test uses, so the in-process memory of tuned shapes is cold.
  State<double> s = random_state(Grid({18, 22, 26}), 3, false);
  make_backend("cuda")->advance(s, test_params(2), 1);
  const auto cache = cuda::load_tuning_cache(path);
  ASSERT_EQ(cache.size(), 1u);
  const auto key = cuda::shape_key(s.grid(), Precision::float64, 2);
  EXPECT_TRUE(cache.find(cuda::device_name(), key).has_value()) << cache.to_text();
  std::filesystem::remove_all(dir);
  if (old) {
    setenv("XDG_CACHE_HOME", saved.c_str(), 1);
  } else {
    unsetenv("XDG_CACHE_HOME");
  }
}
#endif

}  // namespace
}  // namespace lfm::testing
