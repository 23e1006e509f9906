#include "cpu/temporal_tuning.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <sstream>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "core/tuning_cache.hpp"
#include "lattice/build_info.hpp"

namespace lfm::cpu {
namespace {

// Depth 2 already halves the passes over memory; past about 8 the wave's
// working set outgrows the cache. Bands of 16 to 64 rows keep a band's wave
// in one core's L2; whole planes (0) are the fallback the skew cannot beat
// on small planes.
constexpr int depth_candidates[] = {2, 4, 6, 8};
constexpr std::size_t band_candidates[] = {0, 16, 32, 64};
// One untimed block first (first touch of the copy, the frequency settling),
// then the median of this many: a single timing per candidate let one
// descheduled block decide the choice.
constexpr int timed_blocks = 3;
// Whole planes synchronise every thread once per level and plane, so one
// descheduled thread stalls them all; bands wait only on a neighbour band.
// Whole planes are therefore tried only where bands cannot be cut, or where
// the wave of whole planes (depth + 2 levels of E and E_prev) fits in about
// one core's L2 anyway (2 MiB: 128² float64 planes up to depth 6), so that
// a plane-sized wave is not chosen by a lucky timing on a big grid.
constexpr std::size_t whole_plane_wave_bytes = 2u << 20;

int threads() {
#ifdef _OPENMP
  return omp_get_max_threads();
#else
  return 1;
#endif
}

}  // namespace

const std::string& machine_name() {
  static const std::string name = cpu_model();
  return name;
}

std::string problem_key(const Grid& g, Precision precision, const Params& p, bool chi_field) {
  return std::to_string(threads()) + " threads " + std::to_string(g.dims()) + "d " + g.shape_string() + " " +
         std::string(to_string(precision)) + " o" + std::to_string(p.stencil_order) + " " +
         std::string(to_string(p.boundary)) + " chi " + (chi_field ? "field" : "scalar");
}

std::filesystem::path temporal_cache_path() { return tuning_file_path("cpu_temporal_tuning.txt"); }

std::optional<Blocking> parse_blocking(std::string_view text) {
  std::istringstream in{std::string(text)};
  long depth = 0, rows = -1;
  if (!(in >> depth >> rows)) return std::nullopt;
  std::string rest;
  if (in >> rest) return std::nullopt;
  if (depth < 1 || depth > 64 || rows < 0) return std::nullopt;
  return Blocking{static_cast<int>(depth), static_cast<std::size_t>(rows)};
}

std::string to_text(const Blocking& b) { return std::to_string(b.depth) + " " + std::to_string(b.band_rows); }

template <class T>
TimedChoice time_candidates(const State<T>& s, const Params& p) {
  const std::size_t ny = s.grid().extent(1), r = static_cast<std::size_t>(p.stencil_radius());
  const bool reflective = p.boundary == Boundary::reflective;
  const std::size_t plane_cells = s.grid().cells() / s.grid().extent(0);
  TimedChoice best{{depth_candidates[0], 0}, 0};
  double best_per_step = 0;
  State<T> trial = s;  // bit-identical candidates: one copy serves them all
  for (const int depth : depth_candidates) {
    for (const std::size_t rows : band_candidates) {
      if (rows != 0 && band_count(ny, r, depth, rows, reflective) == 1) continue;  // the same as whole planes
      const bool bands_possible = std::any_of(std::begin(band_candidates), std::end(band_candidates), [&](std::size_t n) {
        return n != 0 && band_count(ny, r, depth, n, reflective) > 1;
      });
      const std::size_t wave_bytes = 2 * static_cast<std::size_t>(depth + 2) * plane_cells * sizeof(T);
      if (rows == 0 && bands_possible && wave_bytes > whole_plane_wave_bytes) continue;
      const Blocking b{depth, rows};
      advance_blocked(trial, p, depth, b);
      std::array<double, timed_blocks> seconds{};
      for (double& t : seconds) {
        const auto t0 = std::chrono::steady_clock::now();
        advance_blocked(trial, p, depth, b);
        t = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      }
      std::nth_element(seconds.begin(), seconds.begin() + timed_blocks / 2, seconds.end());
      const double per_step = seconds[timed_blocks / 2] / depth;
      if (best.trials++ == 0 || per_step < best_per_step) {
        best.blocking = b;
        best_per_step = per_step;
      }
    }
  }
  return best;
}

template TimedChoice time_candidates(const State<double>&, const Params&);
template TimedChoice time_candidates(const State<float>&, const Params&);

}  // namespace lfm::cpu
