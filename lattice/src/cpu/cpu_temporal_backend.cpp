#include "cpu/cpu_temporal_backend.hpp"

#include <algorithm>
#include <chrono>
#include <utility>
#include <vector>

#include "cpu/cpu_backend.hpp"
#include "cpu/rows.hpp"
#include "lattice/phase.hpp"

namespace lfm {
namespace {

// The order in which level k visits the planes: a ring starting (k−1)·r
// planes in, so that it trails level k−1 by the stencil radius. With
// reflective boundaries the first and last planes are copies of their
// neighbours and come right after them.
std::vector<std::size_t> plane_order(std::size_t nz, std::size_t start, bool reflective) {
  std::vector<std::size_t> order;
  for (std::size_t i = 0; i < nz; ++i) order.push_back((start + i) % nz);
  if (reflective) {
    const auto move_after = [&](std::size_t plane, std::size_t anchor) {
      std::erase(order, plane);
      order.insert(std::find(order.begin(), order.end(), anchor) + 1, plane);
    };
    move_after(0, 1);
    move_after(nz - 1, nz - 2);
  }
  return order;
}

// One level of one plane (of one band) in a block's schedule.
struct Visit {
  int level;
  std::size_t plane;
  std::size_t band;
};

// The rows each band updates at each level. Bands are skewed by r rows per
// level, so band b at level k reads level k−1 only from bands b−1 and b, and
// never overwrites a row of level k−2 that a later band still reads: the
// wavefront can finish one band (all levels, all planes) before starting the
// next, keeping a band's working set in the core's L2. On the periodic y
// axis the first band is a trapezoid narrowing by r rows per level at each
// side and the last one widens into the rows it leaves, wrapping past ny.
struct Bands {
  std::size_t count = 1;  // 1: whole planes
  std::size_t rows = 0;   // rows per band at level 1 (the last takes the rest)
  std::size_t ny = 0;
  std::size_t r = 0;

  // Rows [lo, hi) of band b at level k; hi may pass ny, wrapping to row 0.
  std::pair<std::size_t, std::size_t> at(std::size_t b, int k) const {
    if (count == 1) return {0, ny};
    const std::size_t skew = static_cast<std::size_t>(k - 1) * r;
    return {b == 0 ? skew : b * rows - skew, b + 1 == count ? ny + skew : (b + 1) * rows - skew};
  }
};

// Bands of `rows` rows where the skew allows it: every band must stay at
// least 2r rows wide at the deepest level, and reflective boundaries copy
// whole edge rows after each level, so they keep whole planes.
Bands make_bands(std::size_t ny, std::size_t r, int depth, std::size_t rows, bool reflective) {
  Bands b{1, ny, ny, r};
  if (rows == 0 || reflective || rows < 2 * static_cast<std::size_t>(depth) * r || ny / rows < 2) return b;
  b.count = ny / rows;
  b.rows = rows;
  return b;
}

// The wavefront as a list of (level, plane) in execution order. It depends
// only on the plane count, stencil radius, depth and boundary, so it is
// worked out once per block shape, before any thread starts: level k of
// plane z goes as soon as level k−1 holds planes z−r … z+r, one plane per
// level per round, so level 1 leads and the wave stays narrow.
std::vector<Visit> plane_schedule(std::size_t nz, std::size_t r, int depth, bool reflective) {
  std::vector<std::vector<std::size_t>> order(depth + 1);
  for (int k = 1; k <= depth; ++k) order[k] = plane_order(nz, (static_cast<std::size_t>(k - 1) * r) % nz, reflective);
  std::vector<std::vector<char>> done(depth + 1, std::vector<char>(nz, 0));
  std::fill(done[0].begin(), done[0].end(), 1);
  std::vector<std::size_t> next(depth + 1, 0);
  const auto ready = [&](int k, std::size_t z) {
    for (long d = -static_cast<long>(r); d <= static_cast<long>(r); ++d) {
      if (!done[k - 1][cpu::wrap(z, d, nz)]) return false;
    }
    if (reflective && z == 0) return done[k][1] != 0;
    if (reflective && z == nz - 1) return done[k][nz - 2] != 0;
    return true;
  };
  std::vector<Visit> schedule;
  while (schedule.size() < static_cast<std::size_t>(depth) * nz) {
    for (int k = 1; k <= depth; ++k) {
      if (next[k] < nz && ready(k, order[k][next[k]])) {
        const std::size_t z = order[k][next[k]++];
        done[k][z] = 1;
        schedule.push_back({k, z, 0});
      }
    }
  }
  return schedule;
}

// The plane wavefront once per band, band after band.
std::vector<Visit> wavefront_schedule(std::size_t nz, std::size_t r, int depth, bool reflective,
                                      const Bands& bands) {
  const std::vector<Visit> planes = plane_schedule(nz, r, depth, reflective);
  std::vector<Visit> schedule;
  for (std::size_t b = 0; b < bands.count; ++b) {
    for (Visit v : planes) schedule.push_back({v.level, v.plane, b});
  }
  return schedule;
}

// One block of steps following `schedule`. Every thread walks the same list;
// the rows of each plane are shared out with `omp for`, whose barrier
// orders the planes.
template <class T, int Order, bool ChiField>
void wavefront(State<T>& st, const Params& p, const std::vector<Visit>& schedule, const Bands& bands,
               int depth) {
  const cpu::Shape3 s = cpu::shape3(st.grid());
  const bool reflective = p.boundary == Boundary::reflective;
  T* buffer[2] = {st.E.data(), st.E_prev.data()};  // level k lives in buffer[k % 2]
  const T* chi = ChiField ? st.chi_field->data() : nullptr;

#pragma omp parallel if (s.worth_threads())
  for (const Visit& v : schedule) {
    T* out = buffer[v.level % 2];
    if (reflective && (v.plane == 0 || v.plane == s.nz - 1)) {
      cpu::copy_plane(out, s, v.plane, v.plane == 0 ? 1 : s.nz - 2);
    } else {
      const auto a = cpu::step_args<T>(buffer[(v.level + 1) % 2], out, chi, st.grid(), p);
      const auto [lo, hi] = bands.at(v.band, v.level);
#pragma omp for schedule(static)
      for (std::size_t y = lo; y < hi; ++y) cpu::update_row<T, 3, Order, ChiField>(a, v.plane, y < s.ny ? y : y - s.ny);
      if (reflective) cpu::reflect_in_plane(out, s, 3, v.plane);
    }
  }
  // Level `depth` is the newest: it is in E when depth is even.
  if (depth % 2 == 1) std::swap(st.E, st.E_prev);
  st.step += depth;
}

template <class T>
void advance_blocked(State<T>& s, const Params& p, std::int64_t steps, Blocking blocking) {
  const std::size_t nz = s.grid().extent(0), ny = s.grid().extent(1);
  const auto r = static_cast<std::size_t>(p.stencil_radius());
  const bool reflective = p.boundary == Boundary::reflective;
  const int depth = blocking.depth, rest = static_cast<int>(steps % depth);
  // The last partial block uses the same bands: they are narrow enough for
  // any shallower depth.
  const Bands bands = make_bands(ny, r, depth, blocking.band_rows, reflective);
  const std::vector<Visit> full = wavefront_schedule(nz, r, depth, reflective, bands);
  const std::vector<Visit> partial =
      rest ? wavefront_schedule(nz, r, rest, reflective, bands) : std::vector<Visit>{};
  for (; steps > 0; steps -= std::min<std::int64_t>(depth, steps)) {
    const bool whole = steps >= depth;
    cpu::dispatch(3, p.stencil_order, s.chi_field.has_value(), [&](auto, auto o, auto c) {
      wavefront<T, decltype(o)::value, decltype(c)::value>(s, p, whole ? full : partial, bands,
                                                           whole ? depth : rest);
    });
  }
}

// Tried on first use: depth 2 already halves the passes over memory; past
// about 8 the wave's working set outgrows the cache. Bands of 16 to 64 rows
// keep a band's wave in L2; whole planes (0) are the fallback the skew
// cannot beat on small planes. The choice is made on a copy of the state,
// so the run's own fields are untouched.
constexpr int depth_candidates[] = {2, 3, 4, 6, 8};
constexpr std::size_t band_candidates[] = {0, 16, 32, 64};

template <class T>
Blocking tune(const State<T>& s, const Params& p) {
  Blocking best{depth_candidates[0], 0};
  double best_time = 1e300;
  for (const int depth : depth_candidates) {
    for (const std::size_t rows : band_candidates) {
      const Bands bands = make_bands(s.grid().extent(1), static_cast<std::size_t>(p.stencil_radius()), depth,
                                     rows, p.boundary == Boundary::reflective);
      if (rows != 0 && bands.count == 1) continue;  // the same as whole planes
      State<T> trial = s;
      const auto t0 = std::chrono::steady_clock::now();
      advance_blocked(trial, p, 2 * depth, {depth, rows});
      const double per_step =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() / (2 * depth);
      if (per_step < best_time) {
        best_time = per_step;
        best = {depth, rows};
      }
    }
  }
  return best;
}

}  // namespace

template <class T>
void CpuTemporalBackend::run(State<T>& s, const Params& p, std::int64_t steps) {
  // A plane pipeline needs planes (3D) and more of them than the wave spans.
  if (s.grid().dims() < 3 || s.grid().extent(0) < 4 * static_cast<std::size_t>(p.stencil_radius()) + 2) {
    CpuBackend().advance(s, p, steps);
    return;
  }
  if (blocking_.depth == 0) blocking_ = tune(s, p);
  const ScopedPhase phase("temporal-blocked update (stencil, chi, damping, boundaries)");
  advance_blocked(s, p, steps, blocking_);
}

std::string CpuTemporalBackend::tuning() const {
  if (blocking_.depth == 0) return "";
  return "block depth " + std::to_string(blocking_.depth) + ", " +
         (blocking_.band_rows ? "bands of " + std::to_string(blocking_.band_rows) + " rows" : "whole planes");
}

void CpuTemporalBackend::advance(State<double>& s, const Params& p, std::int64_t steps) { run(s, p, steps); }
void CpuTemporalBackend::advance(State<float>& s, const Params& p, std::int64_t steps) { run(s, p, steps); }

}  // namespace lfm
