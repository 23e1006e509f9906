#include "cpu/cpu_backend.hpp"

#include <algorithm>
#include <utility>

#include "cpu/rows.hpp"
#include "lattice/phase.hpp"

namespace lfm {
namespace {

// A 1D line is one row: it is cut into pieces of this many cells to share
// it out among threads.
constexpr std::size_t line_piece = 8192;

// One step: every row in parallel (rows only write their own cells of
// E_prev and read E), then reflective boundaries on the boundary planes.
template <class T, int Dims, int Order, bool ChiField>
void sweep(State<T>& st, const Params& p) {
  const auto a = cpu::step_args<T>(st.E.data(), st.E_prev.data(),
                                   ChiField ? st.chi_field->data() : nullptr, st.grid(), p);
  const cpu::Shape3 s = a.s;
  const bool reflective = p.boundary == Boundary::reflective;
#pragma omp parallel if (s.worth_threads())
  {
    if constexpr (Dims == 1) {
      const std::size_t pieces = (s.nx + line_piece - 1) / line_piece;
#pragma omp for schedule(static)
      for (std::size_t i = 0; i < pieces; ++i) {
        cpu::update_cells<T, Dims, Order, ChiField>(a, 0, 0, i * line_piece, std::min(s.nx, (i + 1) * line_piece));
      }
    } else {
#pragma omp for collapse(2) schedule(static)
      for (std::size_t z = 0; z < s.nz; ++z) {
        for (std::size_t y = 0; y < s.ny; ++y) cpu::update_row<T, Dims, Order, ChiField>(a, z, y);
      }
    }
    if (reflective) {
      for (std::size_t z = 0; z < s.nz; ++z) cpu::reflect_in_plane(a.prev_out, s, Dims, z);
      if (Dims == 3) cpu::reflect_end_planes(a.prev_out, s);
    }
  }
}

template <class T>
void advance_cpu(State<T>& s, const Params& p, std::int64_t steps) {
  const ScopedPhase phase("fused update (stencil, chi, damping, boundaries)");
  for (std::int64_t n = 0; n < steps; ++n) {
    cpu::dispatch(s.grid().dims(), p.stencil_order, s.chi_field.has_value(), [&](auto d, auto o, auto c) {
      sweep<T, decltype(d)::value, decltype(o)::value, decltype(c)::value>(s, p);
    });
    // E_prev now holds E_next: rotate the two levels without copying.
    std::swap(s.E, s.E_prev);
    ++s.step;
  }
}

}  // namespace

void CpuBackend::advance(State<double>& s, const Params& p, std::int64_t steps) { advance_cpu(s, p, steps); }
void CpuBackend::advance(State<float>& s, const Params& p, std::int64_t steps) { advance_cpu(s, p, steps); }

}  // namespace lfm
