#include "distributed/slab_rank.hpp"

#include <algorithm>
#include <cstring>
#include <string>
#include <utility>

#include "cpu/rows.hpp"
#include "lattice/error.hpp"

namespace lfm::distributed {
namespace {

Grid padded_grid(const Grid& whole, std::size_t slices) {
  std::vector<std::size_t> shape = whole.shape();
  shape[0] = slices;
  return Grid(shape);
}

// Padded slices [lo, hi) of one step: the row update of `cpu`, then
// reflective faces. Within a slice (the axes after axis 0) that is
// reflect_in_plane as `cpu` does it; along axis 0 a slice that is face 0
// or n − 1 of the whole lattice takes its neighbour's values, wherever a
// copy of it lies in the padding. That neighbour lies in the padding too
// (lo ≥ 1, hi < slices); when it was not updated this step the copy is
// wrong, but then only the opposite face reads it (slab_decomposition.hpp).
template <class T, int Dims, int Order, bool ChiField>
void sweep(State<T>& st, const Params& p, long outer_shift, std::size_t outer_n, std::size_t lo, std::size_t hi) {
  auto a = cpu::step_args<T>(st.E.data(), st.E_prev.data(), ChiField ? st.chi_field->data() : nullptr, st.grid(), p);
  a.outer_shift = outer_shift;
  a.outer_n = outer_n;
  const cpu::Shape3 s = a.s;
  const std::size_t slice = Dims == 3 ? s.plane() : s.nx;
  const bool reflective = p.boundary == Boundary::reflective;
  const bool threads = (hi - lo) * slice >= 32768;
#pragma omp parallel if (threads)
  {
    if constexpr (Dims == 3) {
#pragma omp for collapse(2) schedule(static)
      for (std::size_t z = lo; z < hi; ++z) {
        for (std::size_t y = 0; y < s.ny; ++y) cpu::update_row<T, Dims, Order, ChiField>(a, z, y);
      }
    } else {
#pragma omp for schedule(static)
      for (std::size_t y = lo; y < hi; ++y) cpu::update_row<T, Dims, Order, ChiField>(a, 0, y);
    }
    if (reflective) {
      if constexpr (Dims == 3) {
        for (std::size_t z = lo; z < hi; ++z) cpu::reflect_in_plane(a.prev_out, s, Dims, z);
      } else {
#pragma omp for schedule(static)
        for (std::size_t y = lo; y < hi; ++y) kernels::reflect_line(a.prev_out, y * s.nx, std::size_t{1}, s.nx);
      }
#pragma omp for schedule(static)
      for (std::size_t q = lo; q < hi; ++q) {
        const std::size_t g = a.outer(q);
        const std::size_t from = g == 0 ? q + 1 : g == outer_n - 1 ? q - 1 : q;
        if (from != q) std::memcpy(a.prev_out + q * slice, a.prev_out + from * slice, slice * sizeof(T));
      }
    }
  }
}

}  // namespace

template <class T>
SlabRank<T>::SlabRank(const Grid& whole, const Params& p, int ranks, int rank, int depth, bool chi_field)
    : whole_(whole), params_(p), owned_(owned_slices(whole.extent(0), ranks, rank)),
      halo_(halo_slices(p.stencil_order, depth)), depth_(depth) {
  if (whole.dims() < 2) throw InputError("a distributed run needs a 2D or 3D lattice; a 1D lattice runs on one process");
  if (depth < 1) throw InputError("the exchange depth must be at least 1 step");
  if (halo_ > owned_slices(whole.extent(0), ranks, ranks - 1).size()) {
    throw InputError("a halo of " + std::to_string(halo_) + " slices does not fit in the thinnest rank's " +
                     std::to_string(owned_slices(whole.extent(0), ranks, ranks - 1).size()) +
                     " slices of axis 0: use fewer ranks or a smaller exchange depth");
  }
  const Grid g = padded_grid(whole, owned_.size() + 2 * halo_);
  local_.E = Field<T>(g);
  local_.E_prev = Field<T>(g);
  if (chi_field) local_.chi_field = Field<T>(g);
}

template <class T>
void SlabRank<T>::load(const State<T>& whole) {
  const std::size_t n = whole_.extent(0), cells = slice_cells();
  const std::size_t slices = owned_.size() + 2 * halo_;
  for (std::size_t i = 0; i < slices; ++i) {
    const std::size_t g = (owned_.begin + n * halo_ + i - halo_) % n;  // n·halo keeps it unsigned
    const auto copy = [&](const Field<T>& from, Field<T>& to) {
      std::memcpy(to.data() + i * cells, from.data() + g * cells, cells * sizeof(T));
    };
    copy(whole.E, local_.E);
    copy(whole.E_prev, local_.E_prev);
    if (local_.chi_field) copy(*whole.chi_field, *local_.chi_field);
  }
  local_.step = whole.step;
}

template <class T>
void SlabRank<T>::store(State<T>& whole) const {
  const std::size_t cells = slice_cells(), bytes = owned_.size() * cells * sizeof(T);
  std::memcpy(whole.E.data() + owned_.begin * cells, local_.E.data() + halo_ * cells, bytes);
  std::memcpy(whole.E_prev.data() + owned_.begin * cells, local_.E_prev.data() + halo_ * cells, bytes);
  whole.step = local_.step;
}

template <class T>
void SlabRank<T>::sweep_slices(std::size_t lo, std::size_t hi) {
  const long shift = static_cast<long>(owned_.begin) - static_cast<long>(halo_);
  cpu::dispatch(whole_.dims(), params_.stencil_order, local_.chi_field.has_value(), [&](auto d, auto o, auto c) {
    sweep<T, decltype(d)::value, decltype(o)::value, decltype(c)::value>(local_, params_, shift, whole_.extent(0), lo,
                                                                          hi);
  });
}

template <class T>
void SlabRank<T>::advance(int steps) {
  if (steps < 0 || steps > depth_) throw InputError("a block is 0 to " + std::to_string(depth_) + " steps");
  const std::size_t r = static_cast<std::size_t>(params_.stencil_order / 2);
  const std::size_t slices = owned_.size() + 2 * halo_;
  for (int j = 1; j <= steps; ++j) {
    sweep_slices(j * r, slices - j * r);
    std::swap(local_.E, local_.E_prev);
    ++local_.step;
  }
}

template <class T>
void SlabRank<T>::advance_block(const std::function<void(const Transfers&)>& start) {
  advance(depth_ - 1);
  const std::size_t r = static_cast<std::size_t>(params_.stencil_order / 2), d = halo_, n = owned_.size();
  const std::size_t cells = slice_cells();
  // The last step writes the owned slices [d, d + n) of what becomes E
  // and only reads what becomes E_prev. The edge bands hold the slices
  // sent (d at each end) and one more, so that a reflective face there
  // finds its updated neighbour in the same band.
  const std::size_t band = d + 1;
  const bool split = n > 2 * band;
  if (split) {
    sweep_slices(d, d + band);
    sweep_slices(d + n - band, d + n);
  } else {
    sweep_slices(d, d + n);
  }
  T* next = local_.E_prev.data();  // E after the swap below
  T* now = local_.E.data();        // E_prev after it
  // E_prev's halos were recomputed by the block's step before last (none
  // at depth 1) on all but the outer d − r slices, and the edge slice of
  // that can hold a reflective face copied from a neighbour it did not
  // update (slab_decomposition.hpp): d − r + 1 slices go stale. The bands
  // read the edge slice, but they are done before the transfers start.
  const std::size_t stale = depth_ > 1 ? d - r + 1 : 0;
  start({Transfer{next + d * cells, next + n * cells, next, next + (d + n) * cells, d},
         Transfer{now + (d + r - 1) * cells, now + n * cells, now, now + (d + n + r - 1) * cells, stale}});
  if (split) sweep_slices(d + band, d + n - band);
  std::swap(local_.E, local_.E_prev);
  ++local_.step;
}

template <class T>
typename SlabRank<T>::Blocks SlabRank<T>::blocks(Field<T>& f) {
  const std::size_t cells = slice_cells();
  T* base = f.data();
  return {base + halo_ * cells, base + owned_.size() * cells, base, base + (halo_ + owned_.size()) * cells};
}

template <class T>
std::vector<cpu::DiagnosticSums> SlabRank<T>::diagnostic_partials(double limit) const {
  return cpu::diagnostic_partials(local_, params_, limit, halo_, halo_ + owned_.size());
}

template <class T>
std::optional<BadCell> SlabRank<T>::first_bad(double limit, std::size_t j) const {
  const std::size_t per_slice = cpu::slab_layout(local_.grid()).slabs_per_slice;
  std::optional<BadCell> bad = cpu::first_bad_in_slab(local_, limit, halo_ * per_slice + j);
  if (bad) {
    bad->index = bad->index - halo_ * slice_cells() + owned_.begin * slice_cells();
    bad->coords = whole_.coords(bad->index);
  }
  return bad;
}

template class SlabRank<double>;
template class SlabRank<float>;

}  // namespace lfm::distributed
