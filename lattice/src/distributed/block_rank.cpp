#include "distributed/block_rank.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>
#include <utility>

#include "cpu/rows.hpp"
#include "lattice/error.hpp"

namespace lfm::distributed {
namespace {

// Where a block's padded slices and rows lie in the whole lattice: padded
// slice i is whole slice (i + slice_shift) mod slices, and so for rows.
struct Placement {
  long slice_shift;
  std::size_t slices;
  long row_shift;
  std::size_t rows;
  bool rows_split;
};

// Copies row or slice q of a freshly updated field from its neighbour when
// q is face 0 or n − 1 of the whole lattice (g: its index there), wherever
// a copy of it lies in the padding; `stride` cells apart, `cells` long.
template <class T>
void copy_face(T* f, std::size_t q, std::size_t g, std::size_t n, std::size_t stride, std::size_t cells) {
  const std::size_t from = g == 0 ? q + 1 : g == n - 1 ? q - 1 : q;
  if (from != q) std::memcpy(f + q * stride, f + from * stride, cells * sizeof(T));
}

// Padded slices [lo, hi) × rows [row_lo, row_hi) of one step: the row
// update of `cpu`, then reflective faces in `cpu`'s order (rows of axis 1,
// the row ends along x, then slices of axis 0). A face of the whole lattice
// takes its neighbour's values wherever a copy of it lies in the padding.
// That neighbour lies in the padding too (lo ≥ 1, hi < slices, and so for
// split rows); when it was not updated this step the copy is wrong, but
// then only the opposite face reads it (decomposition.hpp).
template <class T, int Dims, int Order, bool ChiField>
void sweep_block(State<T>& st, const Params& p, const Placement& at, std::size_t lo, std::size_t hi,
                 std::size_t row_lo, std::size_t row_hi) {
  auto a = cpu::step_args<T>(st.E.data(), st.E_prev.data(), ChiField ? st.chi_field->data() : nullptr, st.grid(), p);
  a.outer_shift = at.slice_shift;
  a.outer_n = at.slices;
  if constexpr (Dims == 3) {
    a.middle_shift = at.row_shift;
    a.middle_n = at.rows;
  }
  const cpu::Shape3 s = a.s;
  const std::size_t nx = s.nx, slice = Dims == 3 ? s.plane() : Dims == 2 ? nx : 1;
  const std::size_t row_cells = Dims == 1 ? 1 : (row_hi - row_lo) * nx;
  T* out = a.prev_out;
  const bool reflective = p.boundary == Boundary::reflective;
  if constexpr (Dims == 1) {
    // A part of a line is one row: all of it is updated, its ends from the
    // other end's cells, which leaves the cells within j·r of either end
    // wrong after step j, as in a block of slices they go stale.
    cpu::update_row<T, Dims, Order, ChiField>(a, 0, 0);
    if (reflective) {
      for (std::size_t q = lo; q < hi; ++q) copy_face(out, q, a.outer(q), at.slices, slice, row_cells);
    }
    return;
  }
  const bool threads = (hi - lo) * row_cells >= 32768;
#pragma omp parallel if (threads)
  {
    if constexpr (Dims == 3) {
#pragma omp for collapse(2) schedule(static)
      for (std::size_t z = lo; z < hi; ++z) {
        for (std::size_t y = row_lo; y < row_hi; ++y) cpu::update_row<T, Dims, Order, ChiField>(a, z, y);
      }
    } else if constexpr (Dims == 2) {
#pragma omp for schedule(static)
      for (std::size_t y = lo; y < hi; ++y) cpu::update_row<T, Dims, Order, ChiField>(a, 0, y);
    }
    if (reflective) {
      if constexpr (Dims == 3) {
        if (at.rows_split) {
#pragma omp for collapse(2) schedule(static)
          for (std::size_t z = lo; z < hi; ++z) {
            for (std::size_t y = row_lo; y < row_hi; ++y) copy_face(out + z * slice, y, a.middle(y), at.rows, nx, nx);
          }
#pragma omp for collapse(2) schedule(static)
          for (std::size_t z = lo; z < hi; ++z) {
            for (std::size_t y = row_lo; y < row_hi; ++y) {
              kernels::reflect_line(out, z * slice + y * nx, std::size_t{1}, nx);
            }
          }
        } else {
          for (std::size_t z = lo; z < hi; ++z) cpu::reflect_in_plane(out, s, Dims, z);
        }
      } else {
#pragma omp for schedule(static)
        for (std::size_t y = lo; y < hi; ++y) kernels::reflect_line(out, y * nx, std::size_t{1}, nx);
      }
#pragma omp for schedule(static)
      for (std::size_t q = lo; q < hi; ++q) copy_face(out + row_lo * nx, q, a.outer(q), at.slices, slice, row_cells);
    }
  }
}

Grid padded_grid(const Grid& whole, std::size_t slices, std::size_t rows) {
  std::vector<std::size_t> shape = whole.shape();
  shape[0] = slices;
  if (whole.dims() == 3) shape[1] = rows;
  return Grid(shape);
}

std::string fits_message(std::size_t need, std::size_t have, const char* what) {
  return "each rank needs " + std::to_string(need) + " " + what + " (its halo; 2 with reflective faces), the " +
         "thinnest has " + std::to_string(have) + ": use fewer ranks or a smaller exchange depth";
}

}  // namespace

int neighbour(Split split, int rank, int slices, int rows) {
  const int slice = (rank / split.rows + slices + split.slices) % split.slices;
  const int row = (rank % split.rows + rows + split.rows) % split.rows;
  return slice * split.rows + row;
}

template <class T>
BlockRank<T>::BlockRank(const Grid& whole, const Params& p, Split split, int rank, int depth, bool chi_field)
    : whole_(whole), params_(p), split_(split),
      owned_(owned_block(whole, split, rank).slices), rows_(owned_block(whole, split, rank).rows),
      halo_(halo_slices(p.stencil_order, depth)), row_halo_(split.rows > 1 ? halo_ : 0), depth_(depth) {
  if (split.rows > 1 && whole.dims() < 3) {
    throw InputError("a " + std::to_string(whole.dims()) +
                     "D lattice is split along axis 0 alone: its rows are the contiguous axis");
  }
  if (depth < 1) throw InputError("the exchange depth must be at least 1 step");
  const bool reflective = p.boundary == Boundary::reflective;
  const std::size_t fewest = fewest_owned(p.stencil_order, depth, reflective);
  const std::size_t thinnest = owned_block(whole, split, (split.slices - 1) * split.rows).slices.size();
  if (fewest > thinnest) {
    throw InputError(fits_message(fewest, thinnest, whole.dims() == 1 ? "cells" : "slices of axis 0"));
  }
  if (split.rows > 1 && deepest_depth(whole, split, p.stencil_order, depth, reflective) < depth) {
    throw InputError(fits_message(fewest, owned_block(whole, split, split.ranks() - 1).rows.size(),
                                  "rows of axis 1"));
  }
  const Grid g = padded_grid(whole, owned_.size() + 2 * halo_, padded_rows());
  local_.E = Field<T>(g);
  local_.E_prev = Field<T>(g);
  if (chi_field) local_.chi_field = Field<T>(g);
}

template <class T>
void BlockRank<T>::load(const State<T>& whole) {
  const std::size_t n = whole_.extent(0), n1 = whole_.dims() == 3 ? whole_.extent(1) : 1, nx = row_cells();
  const std::size_t slices = owned_.size() + 2 * halo_;
  for (std::size_t i = 0; i < slices; ++i) {
    const std::size_t g = (owned_.begin + n * halo_ + i - halo_) % n;  // n·halo keeps it unsigned
    for (std::size_t j = 0; j < padded_rows(); ++j) {
      const std::size_t gy = (rows_.begin + n1 * row_halo_ + j - row_halo_) % n1;
      const std::size_t from = (g * n1 + gy) * nx, to = i * slice_cells() + j * nx;
      const auto copy = [&](const Field<T>& src, Field<T>& dst) {
        std::memcpy(dst.data() + to, src.data() + from, nx * sizeof(T));
      };
      copy(whole.E, local_.E);
      copy(whole.E_prev, local_.E_prev);
      if (local_.chi_field) copy(*whole.chi_field, *local_.chi_field);
    }
  }
  local_.step = whole.step;
}

template <class T>
void BlockRank<T>::store(State<T>& whole) const {
  const std::size_t n1 = whole_.dims() == 3 ? whole_.extent(1) : 1, nx = row_cells();
  const std::size_t cells = rows_.size() * nx;  // owned rows are contiguous within a slice
  for (std::size_t i = 0; i < owned_.size(); ++i) {
    const std::size_t to = ((owned_.begin + i) * n1 + rows_.begin) * nx;
    const std::size_t from = (halo_ + i) * slice_cells() + row_halo_ * nx;
    std::memcpy(whole.E.data() + to, local_.E.data() + from, cells * sizeof(T));
    std::memcpy(whole.E_prev.data() + to, local_.E_prev.data() + from, cells * sizeof(T));
  }
  whole.step = local_.step;
}

template <class T>
void BlockRank<T>::sweep(std::size_t lo, std::size_t hi, std::size_t row_lo, std::size_t row_hi) {
  const Placement at{static_cast<long>(owned_.begin) - static_cast<long>(halo_), whole_.extent(0),
                     static_cast<long>(rows_.begin) - static_cast<long>(row_halo_),
                     whole_.dims() == 3 ? whole_.extent(1) : 1, row_halo_ > 0};
  cpu::dispatch(whole_.dims(), params_.stencil_order, local_.chi_field.has_value(), [&](auto d, auto o, auto c) {
    sweep_block<T, decltype(d)::value, decltype(o)::value, decltype(c)::value>(local_, params_, at, lo, hi, row_lo,
                                                                                row_hi);
  });
}

template <class T>
void BlockRank<T>::use_wavefront(std::size_t band_rows) {
  const std::string why = "cpu_temporal on each rank ";
  if (whole_.dims() != 3) {
    throw InputError(why + "needs a 3D lattice; step a " + std::to_string(whole_.dims()) + "D one with cpu");
  }
  if (row_halo_ > 0) {
    throw InputError(why + "needs slabs of axis 0 (its bands wrap around axis 1); split axis 0 alone, e.g. " +
                     std::to_string(split_.ranks()) + "x1x1");
  }
  if (params_.boundary == Boundary::reflective) {
    throw InputError(why + "cannot take reflective faces (they lie inside its padded slab); step them with cpu");
  }
  const auto r = static_cast<std::size_t>(params_.stencil_order / 2);
  if (local_.grid().extent(0) < 4 * r + 2) {
    throw InputError(why + "needs at least " + std::to_string(4 * r + 2) + " padded slices per rank; use fewer ranks");
  }
  wavefront_ = Blocking{depth_, band_rows};
}

template <class T>
void BlockRank<T>::advance(int steps) {
  if (steps < 0 || steps > depth_) throw InputError("a block is 0 to " + std::to_string(depth_) + " steps");
  if (wavefront_) {
    // Padded slice i is whole slice i + owned begin − halo: the absorbing band's place.
    cpu::advance_blocked(local_, params_, steps, *wavefront_,
                         {static_cast<long>(owned_.begin) - static_cast<long>(halo_), whole_.extent(0)});
    return;
  }
  const std::size_t r = static_cast<std::size_t>(params_.stencil_order / 2);
  const std::size_t slices = owned_.size() + 2 * halo_, rows = padded_rows();
  for (std::size_t j = 1; j <= static_cast<std::size_t>(steps); ++j) {
    const std::size_t row_in = row_halo_ > 0 ? j * r : 0;  // unsplit rows wrap as on one process
    sweep(j * r, slices - j * r, row_in, rows - row_in);
    std::swap(local_.E, local_.E_prev);
    ++local_.step;
  }
}

namespace {

// Along one axis of a padded block (`halo` padded slices each side of
// `owned`), toward the neighbour `to` blocks away: the cells sent to it
// and those received from it, for the outer `width` of the halos. An
// axis without halos (not split) is sent and received whole.
std::pair<SliceRange, SliceRange> along(std::size_t halo, std::size_t owned, std::size_t width, int to) {
  const std::size_t padded = owned + 2 * halo;
  if (halo == 0) return {{0, padded}, {0, padded}};
  // The lower neighbour's upper halo holds my first owned cells, the upper
  // neighbour's lower halo my last ones; the same block along this axis
  // (to 0) shares it whole but for the outer halos, which come diagonally.
  if (to < 0) return {{2 * halo - width, 2 * halo}, {0, width}};
  if (to > 0) return {{owned, owned + width}, {padded - width, padded}};
  return {{width, padded - width}, {width, padded - width}};
}

}  // namespace

template <class T>
typename BlockRank<T>::Transfers BlockRank<T>::transfers(T* base, std::size_t width, int channel) const {
  Transfers out;
  if (width == 0) return out;
  const int row_reach = row_halo_ > 0 ? 1 : 0;
  for (int ds = -1; ds <= 1; ++ds) {
    for (int dr = -row_reach; dr <= row_reach; ++dr) {
      if (ds == 0 && dr == 0) continue;
      const auto [send_slices, receive_slices] = along(halo_, owned_.size(), width, ds);
      const auto [send_rows, receive_rows] = along(row_halo_, rows_.size(), width, dr);
      out.push_back({base, channel, ds, dr, {send_slices, send_rows}, {receive_slices, receive_rows}});
    }
  }
  return out;
}

template <class T>
void BlockRank<T>::advance_block(const std::function<void(const Transfers&)>& start,
                                 const std::function<void()>& progress) {
  if (wavefront_) throw std::logic_error("advance_block: a wavefront exchanges after its block");
  advance(depth_ - 1);
  const std::size_t r = static_cast<std::size_t>(params_.stencil_order / 2), d = halo_, n = owned_.size();
  // The last step writes the owned cells of what becomes E and only reads
  // what becomes E_prev. The shell holds the cells sent (d at each edge)
  // and one more, so that a reflective face there finds its updated
  // neighbour in the same part.
  const std::size_t band = d + 1, rows_lo = row_halo_, rows_hi = row_halo_ + rows_.size();
  const bool rows_split = row_halo_ > 0;
  // A part of a line is updated whole (sweep_block): no shell apart.
  const bool apart = whole_.dims() > 1 && n > 2 * band && (!rows_split || rows_.size() > 2 * band);
  // Slices [d + band, d + n − band) by the owned rows less their shell.
  const SliceRange inner_rows = rows_split ? SliceRange{rows_lo + band, rows_hi - band} : SliceRange{rows_lo, rows_hi};
  if (apart) {
    sweep(d, d + band, rows_lo, rows_hi);
    sweep(d + n - band, d + n, rows_lo, rows_hi);
    if (rows_split) {
      sweep(d + band, d + n - band, rows_lo, inner_rows.begin);
      sweep(d + band, d + n - band, inner_rows.end, rows_hi);
    }
  } else {
    sweep(d, d + n, rows_lo, rows_hi);
  }
  // E_prev's halos were recomputed by the block's step before last (none
  // at depth 1) on all but the outer d − r slices and rows, and the edge
  // one of those can hold a reflective face copied from a neighbour it did
  // not update (decomposition.hpp): d − r + 1 go stale. The shell reads
  // that edge, but it is done before the transfers start.
  const std::size_t stale = depth_ > 1 ? d - r + 1 : 0;
  Transfers t = transfers(local_.E_prev.data(), d, 0);  // E after the swap below
  const Transfers prev = transfers(local_.E.data(), stale, 1);
  t.insert(t.end(), prev.begin(), prev.end());
  start(t);
  if (apart) {
    constexpr std::size_t chunks = 8;
    const std::size_t first = d + band, end = d + n - band, each = (end - first + chunks - 1) / chunks;
    for (std::size_t lo = first; lo < end; lo += each) {
      sweep(lo, std::min(lo + each, end), inner_rows.begin, inner_rows.end);
      if (progress) progress();
    }
  }
  std::swap(local_.E, local_.E_prev);
  ++local_.step;
}

template <class T>
cpu::SlabLayout BlockRank<T>::layout() const {
  cpu::SlabLayout l = cpu::slab_layout(whole_);
  if (whole_.dims() == 1) {  // the padded part is one slice, its owned cells whole slabs
    l.first_cell = halo_;
    l.cells_used = owned_.size();
    l.slabs_per_slice = (owned_.size() + l.cells_per_slab - 1) / l.cells_per_slab;
    l.x_shift = static_cast<long>(owned_.begin) - static_cast<long>(halo_);
    return l;
  }
  const bool planes = whole_.dims() == 3;
  l.slices = owned_.size() + 2 * halo_;
  l.rows_per_slice = planes ? padded_rows() : 1;
  l.first_row = row_halo_;
  l.rows_used = planes ? rows_.size() : 1;
  l.slabs_per_slice = (l.rows_used + l.rows_per_slab - 1) / l.rows_per_slab;
  return l;
}

template <class T>
std::vector<cpu::DiagnosticSums> BlockRank<T>::diagnostic_partials(double limit) const {
  if (whole_.dims() == 1) return cpu::diagnostic_partials(local_, params_, limit, layout(), 0, 1);
  return cpu::diagnostic_partials(local_, params_, limit, layout(), halo_, halo_ + owned_.size());
}

template <class T>
std::optional<BadCell> BlockRank<T>::first_bad(double limit, std::size_t j) const {
  const cpu::SlabLayout l = layout();
  const bool line = whole_.dims() == 1;
  std::optional<BadCell> bad = cpu::first_bad_in_slab(local_, limit, l, line ? j : halo_ * l.slabs_per_slice + j);
  if (bad && line) {
    bad->index = bad->index - halo_ + owned_.begin;
    bad->coords = whole_.coords(bad->index);
  } else if (bad) {
    const std::size_t nx = row_cells(), n1 = whole_.dims() == 3 ? whole_.extent(1) : 1;
    const std::size_t slice = bad->index / slice_cells(), row = bad->index % slice_cells() / nx;
    const std::size_t z = owned_.begin + slice - halo_, y = whole_.dims() == 3 ? rows_.begin + row - row_halo_ : 0;
    bad->index = (z * n1 + y) * nx + bad->index % nx;
    bad->coords = whole_.coords(bad->index);
  }
  return bad;
}

template class BlockRank<double>;
template class BlockRank<float>;

}  // namespace lfm::distributed
