// The threaded paths, on grids above the threading threshold (32768 cells,
// cpu/rows.hpp), run on several threads and compared bit for bit with
// `cpu` on one thread: rows of a step, bands of a wave and slabs of the
// diagnostics are independent work, so the thread count may change only
// the order they are done in, never a bit. ci/tsan.sh runs these under
// ThreadSanitizer, where they make the parallel loops, the wavefront's
// progress counters and the snapshot writer's thread run beside each other.
#include <gtest/gtest.h>
#include <omp.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <limits>
#include <optional>

#include "cli_helpers.hpp"
#include "core/tuning_cache.hpp"
#include "cpu/auto_backend.hpp"
#include "cpu/cpu_backend.hpp"
#include "cpu/cpu_temporal_backend.hpp"
#include "cpu/temporal_tuning.hpp"
#include "cpu/wavefront.hpp"
#include "lattice/fused_diagnostics.hpp"
#include "lattice/run.hpp"
#include "lattice/snapshot.hpp"
#include "lattice/snapshot_file.hpp"
#include "support/backends.hpp"
#include "support/test_states.hpp"

namespace lfm::testing {
namespace {

// At least two threads even where OMP_NUM_THREADS or the machine gives one.
int many_threads() { return std::max(2, omp_get_max_threads()); }

// Runs f with `threads` OpenMP threads, then restores the count.
template <class F>
auto with_threads(int threads, F&& f) {
  const int saved = omp_get_max_threads();
  omp_set_num_threads(threads);
  struct Restore {
    int n;
    ~Restore() { omp_set_num_threads(n); }
  } restore{saved};
  return f();
}

template <class T>
std::size_t first_difference(const Field<T>& a, const Field<T>& b) {
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::memcmp(&a[i], &b[i], sizeof(T)) != 0) return i;
  }
  return a.size();
}

// 12 planes (cpu_temporal blocks order 4 from 10), 168 rows: bands of 4·depth
// rows (the narrowest the order-4 skew allows) number 5 to 21, more than the
// threads, so threads take several bands each and the last, wider band wraps
// onto band 0. 17 columns: the row ends are not a multiple of the vector width.
const Grid threaded_grid({12, 168, 17});

struct Case {
  Precision precision;
  int order;
  Boundary boundary;
  bool chi_field;
  std::string name() const {
    return std::string(to_string(precision)) + " o" + std::to_string(order) + " " + std::string(to_string(boundary)) +
           (chi_field ? " chi field" : "");
  }
};

std::vector<Case> cases() {
  std::vector<Case> out;
  for (Precision precision : {Precision::float64, Precision::float32}) {
    for (int order : {2, 4}) {
      for (Boundary b : {Boundary::periodic, Boundary::absorbing, Boundary::reflective}) {
        out.push_back({precision, order, b, order == 4});
      }
    }
  }
  return out;
}

Params params_of(const Case& c) {
  Params p = test_params(c.order, c.boundary, 0.01);
  p.absorb_factor = 0.9;
  p.precision = c.precision;
  return p;
}

// `steps` of `candidate` on many threads against `cpu` on one, from the
// same random state; with `diagnostics`, the fused pass over the result on
// many threads against the same pass on one.
template <class T>
void expect_one_thread_bits(Backend& candidate, const Case& c, const Grid& g, std::int64_t steps,
                            const std::string& label, bool diagnostics = false) {
  const Params p = params_of(c);
  const State<T> initial = convert_state<T>(random_state(g, 31, c.chi_field));
  State<T> one = initial, many = initial;
  with_threads(1, [&] { CpuBackend().advance(one, p, steps); });
  with_threads(many_threads(), [&] { candidate.advance(many, p, steps); });
  const std::string what = label + ", " + c.name() + ", " + std::to_string(many_threads()) + " threads";
  EXPECT_EQ(many.step, one.step) << what;
  EXPECT_EQ(first_difference(one.E, many.E), one.E.size()) << what;
  EXPECT_EQ(first_difference(one.E_prev, many.E_prev), one.E_prev.size()) << what;
  if (!diagnostics) return;
  const double no_limit = std::numeric_limits<double>::infinity();
  const FusedDiagnostics d1 = with_threads(1, [&] { return fused_diagnostics(many, p, no_limit); });
  const FusedDiagnostics dn = with_threads(many_threads(), [&] { return fused_diagnostics(many, p, no_limit); });
  EXPECT_EQ(dn.energy, d1.energy) << what;
  EXPECT_EQ(dn.invariant, d1.invariant) << what;
  EXPECT_EQ(dn.health.max_abs, d1.health.max_abs) << what;
  EXPECT_EQ(dn.health.non_finite, 0) << what;
}

void expect_one_thread_bits_everywhere(const std::function<std::unique_ptr<Backend>()>& make, std::int64_t steps,
                                       const std::string& label, bool diagnostics = false,
                                       const Grid& g = threaded_grid) {
  ASSERT_GE(g.cells(), 32768u) << "below the threading threshold: nothing would run on threads";
  for (const Case& c : cases()) {
    const auto backend = make();
    if (c.precision == Precision::float64) {
      expect_one_thread_bits<double>(*backend, c, g, steps, label, diagnostics);
    } else {
      expect_one_thread_bits<float>(*backend, c, g, steps, label, diagnostics);
    }
  }
}

TEST(Threaded, CpuAndFusedDiagnosticsGiveTheirOneThreadBits) {
  expect_one_thread_bits_everywhere([] { return std::make_unique<CpuBackend>(); }, 5, "cpu", true);
}

// A line is cut into pieces of cells for the threads, and its diagnostics
// into slabs of cells.
TEST(Threaded, CpuOnALineGivesItsOneThreadBits) {
  expect_one_thread_bits_everywhere([] { return std::make_unique<CpuBackend>(); }, 5, "cpu", true,
                                    Grid({4 * 8192 + 37}));
}

// Bands at several depths (each thread runs bands, waiting on the progress
// counters of the band ahead and, for the last band, of band 0), a partial
// block after two full ones, and whole planes (the `omp for` per plane;
// reflective boundaries always take it).
TEST(Threaded, CpuTemporalBandsAndPlanesGiveCpuOneThreadBits) {
  const Params o4 = test_params(4);
  ASSERT_TRUE(temporal_blocks(threaded_grid, o4));
  for (const Blocking b : {Blocking{2, 8}, Blocking{3, 12}, Blocking{4, 16}, Blocking{8, 32}, Blocking{3, 0}}) {
    const std::size_t bands = cpu::band_count(threaded_grid.extent(1), 2, b.depth, b.band_rows, false);
    if (b.band_rows > 0) ASSERT_GT(bands, static_cast<std::size_t>(many_threads())) << b.depth;
    expect_one_thread_bits_everywhere([b] { return std::make_unique<CpuTemporalBackend>(b); }, 2 * b.depth + 1,
                                      "cpu_temporal " + cpu::to_text(b));
  }
}

TEST(Threaded, ThrustOmpGivesCpuOneThreadBits) {
  LFM_BACKEND_OR_SKIP(thrust, std::string("thrust_omp"));
  expect_one_thread_bits_everywhere([] { return make_backend("thrust_omp"); }, 5, "thrust_omp");
}

// $XDG_CACHE_HOME pointed at a directory of the test's own while it lives.
class ScopedCacheHome {
 public:
  explicit ScopedCacheHome(const std::filesystem::path& dir) {
    if (const char* old = std::getenv("XDG_CACHE_HOME")) saved_ = old;
    setenv("XDG_CACHE_HOME", dir.c_str(), 1);
  }
  ~ScopedCacheHome() {
    if (saved_) {
      setenv("XDG_CACHE_HOME", saved_->c_str(), 1);
    } else {
      unsetenv("XDG_CACHE_HOME");
    }
  }

 private:
  std::optional<std::string> saved_;
};

// auto probes only from auto_probe_cells up; a cache that names a candidate
// for this many threads makes it step with that one there, timing nothing.
TEST(Threaded, AutoGivesCpuOneThreadBitsWithEachCandidate) {
  const TempDir dir;
  const ScopedCacheHome home(dir.path());
  const Grid big({64, 128, 128});
  ASSERT_GE(big.cells(), auto_probe_cells);
  const Case c{Precision::float32, 2, Boundary::periodic, false};
  const Params p = params_of(c);
  const std::string key = with_threads(many_threads(), [&] {
    return cpu::problem_key(big, Precision::float32, p, false);
  });
  const auto names = available_backend_names();
  for (const std::string candidate : {"cpu_temporal", "thrust_omp"}) {
    if (std::find(names.begin(), names.end(), candidate) == names.end()) continue;  // not built: auto cannot pick it
    TuningTable temporal, picks;
    temporal.put(cpu::machine_name(), key, cpu::to_text({4, 16}));
    picks.put(cpu::machine_name(), key, candidate);
    ASSERT_TRUE(save_tuning_table(cpu::temporal_cache_path(), temporal, "# test"));
    ASSERT_TRUE(save_tuning_table(tuning_file_path("auto_tuning.txt"), picks, "# test"));
    AutoBackend a;
    expect_one_thread_bits<float>(a, c, big, 4, "auto picking " + candidate);
    EXPECT_EQ(a.chosen(), candidate);
    EXPECT_EQ(a.tuning_trials(), 0);
  }
}

// A run on many threads with snapshots: the writer's thread compresses and
// writes E and the energy density while the loop steps the next chunk and
// records fused diagnostics. Each step read back is exactly `cpu`'s on one thread.
TEST(Threaded, SnapshotsBesideAThreadedRunHoldTheStepsTheyName) {
  const TempDir dir;
  const Case c{Precision::float64, 4, Boundary::periodic, true};
  const State<double> initial = random_state(threaded_grid, 5, true);
  Problem problem{"test", params_of(c), AnyState(initial)};
  SnapshotOptions o;
  o.every = 2;
  o.fields = {SnapshotField::E, SnapshotField::energy_density};
  o.queue_depth = 1;  // the loop waits on the writer, and the writer on the loop
  RunOptions options;
  options.steps = 8;
  options.diagnostics_every = 1;
  CpuTemporalBackend backend({2, 8});
  with_threads(many_threads(), [&] {
    SnapshotWriter writer(dir / "s.h5", problem, o);
    options.observe_every = o.every;
    options.on_observe = [&](const AnyState& s) { writer.capture(s); };
    const RunResult r = run(problem, backend, options);
    EXPECT_EQ(r.trace.size(), 9u);
    EXPECT_EQ(writer.finish().snapshots, 5);
  });
  State<double> one = initial;
  for (std::int64_t step = 0; step <= options.steps; step += o.every) {
    if (step > 0) with_threads(1, [&] { CpuBackend().advance(one, problem.params, o.every); });
    const auto back = std::get<Field<double>>(read_hdf5_field(dir / "s.h5", snapshot_dataset_name("E", step)));
    EXPECT_EQ(first_difference(one.E, back), one.E.size()) << "step " << step;
  }
}

}  // namespace
}  // namespace lfm::testing
