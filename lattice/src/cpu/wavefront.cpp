#include "cpu/wavefront.hpp"

#include <algorithm>
#include <atomic>
#include <thread>
#include <utility>
#include <vector>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "cpu/rows.hpp"

namespace lfm::cpu {
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
    for (const std::size_t end : {std::size_t{0}, nz - 1}) move_after(end, kernels::reflected(end, nz));
  }
  return order;
}

// One level of one plane in a block's schedule.
struct Visit {
  int level;
  std::size_t plane;
};

// The rows each band updates at each level. Bands are skewed by r rows per
// level, so band b at level k reads level k−1 only from bands b−1 and b, and
// overwrites level k−2 only where bands b−1 and b have finished reading it.
// On the periodic y axis the first band is a trapezoid narrowing by r rows
// per level at each side and the last one widens into the rows it leaves,
// wrapping past ny (so it also reads from, and writes over, band 0's edge).
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

// The wavefront as a list of (level, plane) in execution order, and for
// each visit how many leading visits its level k−1 inputs need: level k
// of plane z goes as soon as level k−1 holds planes z−r … z+r, one plane per
// level per round, so level 1 leads and the wave stays narrow. It depends
// only on the plane count, stencil radius, depth and boundary, so it is
// worked out once per block shape, before any thread starts.
struct PlaneSchedule {
  std::vector<Visit> visits;
  std::vector<std::size_t> needs;  // visits[i] reads what visits[0, needs[i]) wrote
};

PlaneSchedule plane_schedule(std::size_t nz, std::size_t r, int depth, bool reflective) {
  std::vector<std::vector<std::size_t>> order(depth + 1);
  for (int k = 1; k <= depth; ++k) order[k] = plane_order(nz, (static_cast<std::size_t>(k - 1) * r) % nz, reflective);
  // done_at[k][z]: 1 + the index of the visit that computed level k of plane z (0: not yet).
  std::vector<std::vector<std::size_t>> done_at(depth + 1, std::vector<std::size_t>(nz, 0));
  std::vector<std::size_t> next(depth + 1, 0);
  const auto inputs_at = [&](int k, std::size_t z) -> std::size_t {  // 0: not ready
    std::size_t need = 1;
    if (k == 1) return need;
    for (long d = -static_cast<long>(r); d <= static_cast<long>(r); ++d) {
      const std::size_t at = done_at[k - 1][kernels::wrap(z, d, nz)];
      if (at == 0) return 0;
      need = std::max(need, at);
    }
    return need;
  };
  // A reflective edge plane copies its neighbour's level k, once that exists.
  const auto ready = [&](int k, std::size_t z) -> std::size_t {
    const std::size_t need = inputs_at(k, z);
    if (need && reflective && (z == 0 || z == nz - 1) && !done_at[k][kernels::reflected(z, nz)]) return 0;
    return need;
  };
  PlaneSchedule s;
  while (s.visits.size() < static_cast<std::size_t>(depth) * nz) {
    for (int k = 1; k <= depth; ++k) {
      if (next[k] >= nz) continue;
      const std::size_t z = order[k][next[k]];
      if (const std::size_t need = ready(k, z)) {
        ++next[k];
        s.visits.push_back({k, z});
        s.needs.push_back(k == 1 ? 0 : need);
        done_at[k][z] = s.visits.size();
      }
    }
  }
  return s;
}

// How far a band has got through the block's plane schedule, published by
// the thread that runs it. One cache line each, so that publishing one band's
// progress does not invalidate the line another thread is polling.
struct alignas(64) Progress {
  std::atomic<std::size_t> done{0};
};

// Waits until `p` has finished `count` visits: spins a little (the band
// ahead is usually a plane or two away), then yields the core on every poll,
// so that when a neighbour thread is descheduled by another process the
// waiting one hands its core over instead of spinning out its time slice.
void wait_for(const Progress& p, std::size_t count) {
  for (int polls = 0; p.done.load(std::memory_order_acquire) < count; ++polls) {
    if (polls >= 256) std::this_thread::yield();
  }
}

// The row update's arguments for one level, placed in the whole lattice.
template <class T>
StepArgs<T> level_args(const T* now, T* prev_out, const T* chi, const Grid& g, const Params& p, PlanePlacement at) {
  auto a = step_args<T>(now, prev_out, chi, g, p);
  if (at.n > 0) {
    a.outer_shift = at.shift;
    a.outer_n = at.n;
  }
  return a;
}

template <class T, int Order, bool ChiField>
void update_rows(T* const buffer[2], const T* chi, const State<T>& st, const Params& p, PlanePlacement at,
                 const Shape3& s, const Visit& v, std::size_t lo, std::size_t hi) {
  const auto a = level_args<T>(buffer[(v.level + 1) % 2], buffer[v.level % 2], chi, st.grid(), p, at);
  for (std::size_t y = lo; y < hi; ++y) update_row<T, 3, Order, ChiField>(a, v.plane, y < s.ny ? y : y - s.ny);
}

// One block in bands. Each thread takes whole bands (b, b + threads, …)
// and runs each through the plane schedule, so a band's wave stays in the
// L2 of one core. Instead of a barrier per plane, band b waits only for
// the bands it reads from and writes over — b−1, and band 0 for the last —
// to have finished the visits its inputs come from (release/acquire on
// their counters). A thread delayed by another process therefore holds up
// only the band behind it, and only once that band has caught up.
template <class T, int Order, bool ChiField>
void banded_block(State<T>& st, const Params& p, PlanePlacement at, const PlaneSchedule& sched,
                  const Bands& bands) {
  const Shape3 s = shape3(st.grid());
  T* const buffer[2] = {st.E.data(), st.E_prev.data()};  // level k lives in buffer[k % 2]
  const T* chi = ChiField ? st.chi_field->data() : nullptr;
  std::vector<Progress> progress(bands.count);
#pragma omp parallel if (s.worth_threads())
  {
    std::size_t first = 0, stride = 1;
#ifdef _OPENMP
    first = static_cast<std::size_t>(omp_get_thread_num());
    stride = static_cast<std::size_t>(omp_get_num_threads());
#endif
    for (std::size_t b = first; b < bands.count; b += stride) {
      const bool last = b + 1 == bands.count;
      for (std::size_t i = 0; i < sched.visits.size(); ++i) {
        if (b > 0) wait_for(progress[b - 1], sched.needs[i]);
        if (last && b > 1) wait_for(progress[0], sched.needs[i]);
        const auto [lo, hi] = bands.at(b, sched.visits[i].level);
        update_rows<T, Order, ChiField>(buffer, chi, st, p, at, s, sched.visits[i], lo, hi);
        progress[b].done.store(i + 1, std::memory_order_release);
      }
    }
  }
}

// One block in whole planes: every thread walks the schedule and the rows
// of each plane are shared out with `omp for`, whose barrier orders the
// planes. Reflective boundaries, which copy whole edge rows and planes
// after each level, and planes too narrow for bands run this way.
template <class T, int Order, bool ChiField>
void plane_block(State<T>& st, const Params& p, PlanePlacement at, const PlaneSchedule& sched) {
  const Shape3 s = shape3(st.grid());
  const bool reflective = p.boundary == Boundary::reflective;
  T* const buffer[2] = {st.E.data(), st.E_prev.data()};
  const T* chi = ChiField ? st.chi_field->data() : nullptr;
#pragma omp parallel if (s.worth_threads())
  for (const Visit& v : sched.visits) {
    T* out = buffer[v.level % 2];
    if (reflective && (v.plane == 0 || v.plane == s.nz - 1)) {
      reflect_end_plane(out, s, v.plane);
    } else {
      const auto a = level_args<T>(buffer[(v.level + 1) % 2], out, chi, st.grid(), p, at);
#pragma omp for schedule(static)
      for (std::size_t y = 0; y < s.ny; ++y) update_row<T, 3, Order, ChiField>(a, v.plane, y);
      if (reflective) reflect_in_plane(out, s, 3, v.plane);
    }
  }
}

}  // namespace

std::size_t band_count(std::size_t ny, std::size_t r, int depth, std::size_t rows, bool reflective) {
  return make_bands(ny, r, depth, rows, reflective).count;
}

template <class T>
void advance_blocked(State<T>& s, const Params& p, std::int64_t steps, Blocking blocking, PlanePlacement at) {
  const std::size_t nz = s.grid().extent(0), ny = s.grid().extent(1);
  const auto r = static_cast<std::size_t>(p.stencil_radius());
  const bool reflective = p.boundary == Boundary::reflective;
  const int depth = blocking.depth, rest = static_cast<int>(steps % depth);
  // The last partial block uses the same bands: they are narrow enough for
  // any shallower depth.
  const Bands bands = make_bands(ny, r, depth, blocking.band_rows, reflective);
  const PlaneSchedule full = plane_schedule(nz, r, depth, reflective);
  const PlaneSchedule partial = rest ? plane_schedule(nz, r, rest, reflective) : PlaneSchedule{};
  for (; steps > 0; steps -= std::min<std::int64_t>(depth, steps)) {
    const int levels = steps >= depth ? depth : rest;
    dispatch(3, p.stencil_order, s.chi_field.has_value(), [&](auto, auto o, auto c) {
      constexpr int order = decltype(o)::value;
      constexpr bool chi_field = decltype(c)::value;
      if (bands.count > 1) {
        banded_block<T, order, chi_field>(s, p, at, levels == depth ? full : partial, bands);
      } else {
        plane_block<T, order, chi_field>(s, p, at, levels == depth ? full : partial);
      }
    });
    // Level `levels` is the newest: it is in E when that count is even.
    if (levels % 2 == 1) std::swap(s.E, s.E_prev);
    s.step += levels;
  }
}

template void advance_blocked(State<double>&, const Params&, std::int64_t, Blocking, PlanePlacement);
template void advance_blocked(State<float>&, const Params&, std::int64_t, Blocking, PlanePlacement);

}  // namespace lfm::cpu
