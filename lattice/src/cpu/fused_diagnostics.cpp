// One read of E and E_prev per record instead of three passes. Each cell
// contributes five sums in which every constant factor (1/Δt², 1/(2Δx)²,
// c²/Δx², χ² when scalar, Δx^d) is left out and applied once at the end,
// so the loop has no division; and max |E| and a count of the cells above
// the limit. The limit is clamped to the largest double, so every cell that
// is not finite is above it: only a slab that holds such cells (a run that
// is about to stop) is read again to count its Inf and NaN. A row's wrapped
// ends go through the wrapping index arithmetic, its interior through a
// clean loop in blocks of `lanes` cells.
#include "lattice/fused_diagnostics.hpp"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstring>
#include <type_traits>
#include <vector>
#ifdef __AVX__
#include <immintrin.h>
#endif

#include "cpu/diagnostic_partials.hpp"
#include "cpu/rows.hpp"
#include "lattice/kernels/diagnostics.hpp"
#include "lattice/kernels/periodic.hpp"

namespace lfm {
namespace {

// The interior of a row is read in vectors of 4 float64 (one AVX2 register)
// through the compiler's vector types: lane l of each sum collects the
// cells x ≡ l of the blocks, so the order of every addition is fixed by
// this source and not by the vectorizer, and the sums stay in registers.
// The row ends and the leftover cells take the same formula on doubles.
using v4d = double __attribute__((vector_size(32)));
using v4l = long __attribute__((vector_size(32)));  // what comparing two v4d gives
using v4f = float __attribute__((vector_size(16)));
constexpr std::size_t lanes = 4;

// The vector loop's sums, lane by lane; the count of bad cells adds 0 or 1
// per lane (a comparison gives −1 or 0).
struct VectorSums {
  v4d dt2{};       // Σ (E − E_prev)²
  v4d grad2{};     // Σ_axes Σ (E[+1] − E[−1])²
  v4d mass{};      // Σ χ² E² (Σ E² for scalar χ)
  v4d lap{};       // Σ E · (Δx² ∇²_h E_prev), times 12 at order 4
  v4d coupling{};  // Σ χ² E E_prev (Σ E E_prev for scalar χ)
  v4d max{};
  v4l bad{};
};
// The scalar accumulator is the one slabs report.
template <class V>
using Sums = std::conditional_t<std::is_same_v<V, double>, cpu::DiagnosticSums, VectorSums>;

// The cells so far of one row or slab: the scalar part, then lane by lane.
cpu::DiagnosticSums total(const cpu::DiagnosticSums& scalar, const Sums<v4d>& v) {
  cpu::DiagnosticSums s = scalar;
  for (std::size_t l = 0; l < lanes; ++l) {
    cpu::add(s, {v.dt2[l], v.grad2[l], v.mass[l], v.lap[l], v.coupling[l], v.max[l], static_cast<double>(v.bad[l])});
  }
  return s;
}

template <class V, class T>
inline V load(const T* p) {
  if constexpr (std::is_same_v<V, double>) {
    return static_cast<double>(*p);
  } else if constexpr (std::is_same_v<T, double>) {
    v4d v;
    std::memcpy(&v, p, sizeof v);
    return v;
  } else {
#ifdef __AVX__
    // One vcvtps2pd into a whole register: GCC 12 lowers the generic
    // conversion below to two half conversions joined through the stack,
    // which made the float32 record twice as slow as the float64 one.
    return reinterpret_cast<v4d>(_mm256_cvtps_pd(_mm_loadu_ps(p)));
#else
    v4f f;
    std::memcpy(&f, p, sizeof f);
    return __builtin_convertvector(f, v4d);
#endif
  }
}

// |e| against the limit clamped to the largest double, so that one
// comparison also rejects NaN and Inf. max skips NaN; a slab with bad cells
// is read again for its Inf and NaN (count_non_finite).
inline void count_health(double e, double bad_above, Sums<double>& acc) {
  const double a = std::fabs(e);
  acc.bad += a <= bad_above ? 0.0 : 1.0;
  acc.max = a > acc.max ? a : acc.max;
}
inline void count_health(v4d e, double bad_above, Sums<v4d>& acc) {
  const v4d a = reinterpret_cast<v4d>(reinterpret_cast<v4l>(e) & 0x7fffffffffffffff);  // |e|, the sign bit cleared
  acc.bad += (a <= bad_above) + 1;
  acc.max = a > acc.max ? a : acc.max;
}

// to = v for the lattice's first axis, to += v for the others: starting
// from zero would cost one addition per sum that the compiler must keep
// (0 + −0 is +0).
template <bool First, class V>
inline void add_axis(V& to, V v) {
  if constexpr (First) {
    to = v;
  } else {
    to += v;
  }
}

// Row (z, y) and the rows its stencils reach, wrapped once per row.
template <class T>
struct Row {
  const T* e;
  const T* p;
  const T* ey[2];  // E at y−1, y+1 (central differences)
  const T* ez[2];
  const T* py[4];  // E_prev at y−2, y−1, y+1, y+2 (the Laplacian)
  const T* pz[4];
  const T* chi;
};

// The terms of the cell (or the 4 cells) at x, axis 0 first as in the reference.
template <class V, class T, int Dims, int Order, bool ChiField>
inline void cell(const Row<T>& r, std::size_t x, std::size_t xm2, std::size_t xm1, std::size_t xp1,
                 std::size_t xp2, double bad_above, Sums<V>& acc) {
  const V e = load<V>(r.e + x);
  const V p = load<V>(r.p + x);
  const V d = e - p;
  V g2, lap;
  if constexpr (Dims == 3) {
    const V g = load<V>(r.ez[1] + x) - load<V>(r.ez[0] + x);
    add_axis<true>(g2, g * g);
    add_axis<true>(lap, kernels::second_difference<Order>(load<V>(r.pz[0] + x), load<V>(r.pz[1] + x), p,
                                                          load<V>(r.pz[2] + x), load<V>(r.pz[3] + x)));
  }
  if constexpr (Dims >= 2) {
    const V g = load<V>(r.ey[1] + x) - load<V>(r.ey[0] + x);
    add_axis<Dims == 2>(g2, g * g);
    add_axis<Dims == 2>(lap, kernels::second_difference<Order>(load<V>(r.py[0] + x), load<V>(r.py[1] + x), p,
                                                               load<V>(r.py[2] + x), load<V>(r.py[3] + x)));
  }
  const V g = load<V>(r.e + xp1) - load<V>(r.e + xm1);
  add_axis<Dims == 1>(g2, g * g);
  add_axis<Dims == 1>(lap, kernels::second_difference<Order>(load<V>(r.p + xm2), load<V>(r.p + xm1), p,
                                                             load<V>(r.p + xp1), load<V>(r.p + xp2)));
  acc.dt2 += d * d;
  acc.grad2 += g2;
  if constexpr (ChiField) {
    const V chi = load<V>(r.chi + x);
    const V chi2 = chi * chi;
    acc.mass += chi2 * (e * e);
    acc.coupling += chi2 * (e * p);
  } else {
    acc.mass += e * e;
    acc.coupling += e * p;
  }
  acc.lap += e * lap;
  count_health(e, bad_above, acc);
}

// Cells [x_begin, x_end) of row (z, y); l places them along x.
template <class T, int Dims, int Order, bool ChiField>
void add_row(const State<T>& st, const cpu::Shape3& s, const cpu::SlabLayout& l, std::size_t z, std::size_t y,
             std::size_t x_begin, std::size_t x_end, double bad_above, Sums<double>& scalar, Sums<v4d>& vector) {
  const T* E = st.E.data();
  const T* P = st.E_prev.data();
  const std::size_t at = z * s.plane() + y * s.nx;
  Row<T> r{E + at, P + at, {}, {}, {}, {}, ChiField ? st.chi_field->data() + at : nullptr};
  for (int j = 0; j < 4; ++j) {
    const long off = j < 2 ? j - 2 : j - 1;
    if (Dims >= 2) r.py[j] = P + z * s.plane() + kernels::wrap(y, off, s.ny) * s.nx;
    if (Dims == 3) r.pz[j] = P + kernels::wrap(z, off, s.nz) * s.plane() + y * s.nx;
  }
  for (int j = 0; j < 2; ++j) {
    const long off = j == 0 ? -1 : 1;
    if (Dims >= 2) r.ey[j] = E + z * s.plane() + kernels::wrap(y, off, s.ny) * s.nx;
    if (Dims == 3) r.ez[j] = E + kernels::wrap(z, off, s.nz) * s.plane() + y * s.nx;
  }
  constexpr std::size_t radius = Order / 2;
  constexpr std::size_t o4 = Order == 4 ? 1 : 0;
  const std::size_t nx = s.nx;
  const auto wrapped = [&](std::size_t x) {
    cell<double, T, Dims, Order, ChiField>(r, x, kernels::wrap(x, -2 * long(o4), nx), kernels::wrap(x, -1, nx),
                                           kernels::wrap(x, 1, nx), kernels::wrap(x, 2 * long(o4), nx), bad_above,
                                           scalar);
  };
  // The wrapped ends: the cells within `radius` of the whole rows' ends.
  const auto local = [&](long g) {
    return static_cast<std::size_t>(std::clamp(g - l.x_shift, static_cast<long>(x_begin), static_cast<long>(x_end)));
  };
  const std::size_t lo = local(static_cast<long>(radius));
  const std::size_t hi = std::max(lo, local(static_cast<long>(l.x_n) - static_cast<long>(radius)));
  for (std::size_t x = x_begin; x < lo; ++x) wrapped(x);
  std::size_t x = lo;
  Sums<v4d> v = vector;  // local: the fields' pointers cannot alias it
  // In 3D a slab's row reads E at z + 1, E_prev at z + radius and χ for the
  // first time; the slab's next row reads the rows after those. Hinting
  // them one row ahead keeps DRAM busy across the jumps between slabs,
  // where the hardware's prefetch starts over (256³ float64 on the 2-core
  // development machine, 4 interleaved pairs: record 16.8–20.9 ms without
  // the hints, 14.8–19.0 ms with them). The last row of a plane hints
  // itself again.
  const std::size_t next = y + 1 < s.ny ? nx : 0;
  for (; x + lanes <= hi; x += lanes) {
    if constexpr (Dims == 3) {
      __builtin_prefetch(r.ez[1] + next + x);
      __builtin_prefetch(r.pz[1 + radius] + next + x);
      if constexpr (ChiField) __builtin_prefetch(r.chi + next + x);
    }
    cell<v4d, T, Dims, Order, ChiField>(r, x, x - 2 * o4, x - 1, x + 1, x + 2 * o4, bad_above, v);
  }
  vector = v;
  for (; x < hi; ++x) {
    cell<double, T, Dims, Order, ChiField>(r, x, x - 2 * o4, x - 1, x + 1, x + 2 * o4, bad_above, scalar);
  }
  for (x = hi; x < x_end; ++x) wrapped(x);
}

// About 8k cells a slab: enough work to amortize a slab's setup, and
// thousands of slabs at 256³ so that any thread count divides them evenly.
constexpr std::size_t slab_cells = 8192;

// The index of each cell of slab `slab` in turn, while `more(i)` says so.
template <class F>
void each_cell_of_slab(const cpu::SlabLayout& l, std::size_t nx, std::size_t slab, F&& more) {
  const auto [first_row, end_row] = l.rows(slab);
  const auto [first_cell, end_cell] = l.cells(slab, nx);
  for (std::size_t row = first_row; row < end_row; ++row) {
    for (std::size_t i = row * nx + first_cell; i < row * nx + end_cell; ++i) {
      if (!more(i)) return;
    }
  }
}

// The Inf and NaN cells of a slab that holds bad ones.
template <class T>
void count_non_finite(const State<T>& st, const cpu::SlabLayout& l, std::size_t nx, std::size_t slab,
                      cpu::DiagnosticSums& sums) {
  each_cell_of_slab(l, nx, slab, [&](std::size_t i) {
    const T v = st.E[i];
    sums.non_finite += std::isfinite(v) ? 0 : 1;
    sums.nan += std::isnan(v) ? 1 : 0;
    return true;
  });
}

template <class T>
void partials_into(const State<T>& st, const Params& p, double bad_above, const cpu::SlabLayout& l,
                   std::size_t first_slice, std::size_t end_slice, cpu::DiagnosticSums* out) {
  const cpu::Shape3 s = cpu::shape3(st.grid());
  cpu::dispatch(st.grid().dims(), p.stencil_order, st.chi_field.has_value(), [&](auto d, auto o, auto c) {
    constexpr int Dims = decltype(d)::value, Order = decltype(o)::value;
    constexpr bool ChiField = decltype(c)::value;
    const std::size_t per_slab = l.cells_per_slab > 0 ? l.cells_per_slab : l.rows_per_slab * s.nx;
    const std::size_t slices = end_slice - first_slice, slabs = slices * l.slabs_per_slice;
    const std::size_t first_slab = first_slice * l.slabs_per_slice;
    // The slabs are visited column by column: the slab at one place of each
    // slice in turn, so that the slices its stencils reach are still in
    // cache from the slab before. Each slab's sums are its own, so the order
    // of visits changes no bit.
#pragma omp parallel for schedule(static) if (slabs * per_slab >= 32768)
    for (std::size_t i = 0; i < slabs; ++i) {
      const std::size_t slab = first_slab + i % slices * l.slabs_per_slice + i / slices;
      Sums<double> scalar;
      Sums<v4d> vector;
      const auto [first_row, end_row] = l.rows(slab);
      const auto [first_cell, end_cell] = l.cells(slab, s.nx);
      for (std::size_t row = first_row; row < end_row; ++row) {
        add_row<T, Dims, Order, ChiField>(st, s, l, row / s.ny, row % s.ny, first_cell, end_cell, bad_above, scalar,
                                          vector);
      }
      cpu::DiagnosticSums& sums = out[slab - first_slab];
      sums = total(scalar, vector);
      if (sums.bad > 0) count_non_finite(st, l, s.nx, slab, sums);
    }
  });
}

}  // namespace

namespace cpu {

SlabLayout slab_layout(const Grid& g) {
  const Shape3 s = shape3(g);
  SlabLayout l;
  l.slices = g.dims() == 1 ? 1 : g.extent(0);
  l.rows_per_slice = g.dims() == 3 ? s.ny : 1;
  l.rows_per_slab = std::clamp<std::size_t>(slab_cells / s.nx, 1, l.rows_per_slice);
  l.slabs_per_slice = (l.rows_per_slice + l.rows_per_slab - 1) / l.rows_per_slab;
  l.rows_used = l.rows_per_slice;
  if (g.dims() == 1) {
    l.cells_per_slab = std::min(slab_cells, s.nx);
    l.cells_used = s.nx;
    l.slabs_per_slice = (s.nx + l.cells_per_slab - 1) / l.cells_per_slab;
  }
  l.x_n = s.nx;
  return l;
}

std::pair<std::size_t, std::size_t> SlabLayout::rows(std::size_t slab) const {
  const std::size_t slice = slab / slabs_per_slice, k = cells_per_slab > 0 ? 0 : slab % slabs_per_slice;
  const std::size_t start = slice * rows_per_slice + first_row, first = start + k * rows_per_slab;
  return {first, std::min(start + rows_used, first + rows_per_slab)};
}

std::pair<std::size_t, std::size_t> SlabLayout::cells(std::size_t slab, std::size_t nx) const {
  if (cells_per_slab == 0) return {0, nx};
  const std::size_t first = first_cell + slab % slabs_per_slice * cells_per_slab;
  return {first, std::min(first_cell + cells_used, first + cells_per_slab)};
}

void add(DiagnosticSums& to, const DiagnosticSums& o) {
  to.dt2 += o.dt2, to.grad2 += o.grad2, to.mass += o.mass, to.lap += o.lap, to.coupling += o.coupling;
  to.bad += o.bad, to.non_finite += o.non_finite, to.nan += o.nan;
  to.max = o.max > to.max ? o.max : to.max;
}

template <class T>
std::vector<DiagnosticSums> diagnostic_partials(const State<T>& st, const Params& p, double limit,
                                                const SlabLayout& l, std::size_t first_slice, std::size_t end_slice) {
  std::vector<DiagnosticSums> out((end_slice - first_slice) * l.slabs_per_slice);
  partials_into(st, p, std::min(limit, DBL_MAX), l, first_slice, end_slice, out.data());
  return out;
}

template <class T>
std::vector<DiagnosticSums> diagnostic_partials(const State<T>& st, const Params& p, double limit,
                                                std::size_t first_slice, std::size_t end_slice) {
  return diagnostic_partials(st, p, limit, slab_layout(st.grid()), first_slice, end_slice);
}

template <class T>
std::optional<BadCell> first_bad_in_slab(const State<T>& st, double limit, const SlabLayout& l, std::size_t slab) {
  const double bad_above = std::min(limit, DBL_MAX);
  std::optional<BadCell> bad;
  each_cell_of_slab(l, cpu::shape3(st.grid()).nx, slab, [&](std::size_t i) {
    const double v = st.E[i];
    if (!(std::abs(v) <= bad_above)) bad = BadCell{i, st.grid().coords(i), v};
    return !bad;
  });
  return bad;
}

template <class T>
std::optional<BadCell> first_bad_in_slab(const State<T>& st, double limit, std::size_t slab) {
  return first_bad_in_slab(st, limit, slab_layout(st.grid()), slab);
}

#define LFM_PARTIALS(T)                                                                                           \
  template std::vector<DiagnosticSums> diagnostic_partials(const State<T>&, const Params&, double, std::size_t,  \
                                                           std::size_t);                                         \
  template std::vector<DiagnosticSums> diagnostic_partials(const State<T>&, const Params&, double,               \
                                                           const SlabLayout&, std::size_t, std::size_t);         \
  template std::optional<BadCell> first_bad_in_slab(const State<T>&, double, std::size_t);                       \
  template std::optional<BadCell> first_bad_in_slab(const State<T>&, double, const SlabLayout&, std::size_t);
LFM_PARTIALS(double)
LFM_PARTIALS(float)
#undef LFM_PARTIALS

FusedDiagnostics sum_partials(const std::vector<DiagnosticSums>& partials, const Params& p, int dims,
                              double chi_scalar, std::size_t* first_bad_slab) {
  DiagnosticSums sum;
  *first_bad_slab = partials.size();
  for (std::size_t slab = 0; slab < partials.size(); ++slab) {
    if (partials[slab].bad > 0 && *first_bad_slab == partials.size()) *first_bad_slab = slab;
    add(sum, partials[slab]);
  }
  FusedDiagnostics out;
  out.health.non_finite = static_cast<std::int64_t>(sum.non_finite);
  out.health.max_abs = sum.nan > 0 ? std::nan("") : sum.max;
  const double volume = std::pow(p.dx, dims);
  const double inv_dt = 1 / p.dt, inv_2dx = 1 / (2 * p.dx);
  const double lap_scale = (p.stencil_order == 2 ? 1.0 : 1.0 / 12) / (p.dx * p.dx);
  const double chi2 = chi_scalar * chi_scalar;
  const double kinetic = sum.dt2 * (inv_dt * inv_dt);
  out.energy = volume * (0.5 * (kinetic + p.c2() * (sum.grad2 * (inv_2dx * inv_2dx)) + chi2 * sum.mass));
  out.invariant = volume * (0.5 * kinetic + 0.5 * (-p.c2() * (lap_scale * sum.lap) + chi2 * sum.coupling));
  return out;
}

}  // namespace cpu

namespace {

template <class T>
FusedDiagnostics diagnose(const State<T>& st, const Params& p, double limit) {
  const auto partials = cpu::diagnostic_partials(st, p, limit, 0, cpu::slab_layout(st.grid()).slices);
  // χ rounded to the run's precision, as State::chi_at does; a field's χ² is in the sums.
  const double chi = st.chi_field ? 1.0 : static_cast<double>(static_cast<T>(p.chi));
  std::size_t first_bad_slab = 0;
  FusedDiagnostics out = cpu::sum_partials(partials, p, st.grid().dims(), chi, &first_bad_slab);
  // Rare: only the slab that holds the first bad cell is read again.
  if (first_bad_slab < partials.size()) out.health.first_bad = cpu::first_bad_in_slab(st, limit, first_bad_slab);
  return out;
}

}  // namespace

template <class T>
FusedDiagnostics fused_diagnostics(const State<T>& s, const Params& p, double limit) {
  return diagnose(s, p, limit);
}
template FusedDiagnostics fused_diagnostics(const State<double>&, const Params&, double);
template FusedDiagnostics fused_diagnostics(const State<float>&, const Params&, double);

FusedDiagnostics fused_diagnostics(const AnyState& s, const Params& p, double limit) {
  return std::visit([&](const auto& st) { return diagnose(st, p, limit); }, s);
}

}  // namespace lfm
