#include "distributed/decomposition.hpp"

#include <algorithm>

#include "cpu/diagnostic_partials.hpp"

namespace lfm::distributed {

SliceRange owned_slices(std::size_t n, int ranks, int rank) {
  const std::size_t p = static_cast<std::size_t>(ranks), r = static_cast<std::size_t>(rank);
  const std::size_t base = n / p, extra = n % p;
  const std::size_t begin = r * base + std::min(r, extra);
  return {begin, begin + base + (r < extra ? 1 : 0)};
}

std::string Split::text() const { return std::to_string(slices) + "x" + std::to_string(rows) + "x1"; }

SliceRange owned_rows(std::size_t n, std::size_t rows_per_slab, int ranks, int rank) {
  const SliceRange slabs = owned_slices((n + rows_per_slab - 1) / rows_per_slab, ranks, rank);
  return {std::min(n, slabs.begin * rows_per_slab), std::min(n, slabs.end * rows_per_slab)};
}

Block owned_block(const Grid& g, Split split, int rank) {
  if (g.dims() == 1) return {owned_rows(g.extent(0), cpu::slab_layout(g).cells_per_slab, split.slices, rank), {0, 1}};
  Block b{owned_slices(g.extent(0), split.slices, rank / split.rows), {0, 1}};
  if (g.dims() == 3) {
    b.rows = split.rows > 1 ? owned_rows(g.extent(1), cpu::slab_layout(g).rows_per_slab, split.rows, rank % split.rows)
                            : SliceRange{0, g.extent(1)};
  }
  return b;
}

std::size_t slabs_of_line(const Grid& g) { return g.dims() == 1 ? cpu::slab_layout(g).slabs_per_slice : 0; }

std::vector<std::size_t> slabs_held(const Grid& g, const Block& b) {
  const cpu::SlabLayout whole = cpu::slab_layout(g);
  std::vector<std::size_t> out;
  if (g.dims() == 1) {
    for (std::size_t x = b.slices.begin; x < b.slices.end; x += whole.cells_per_slab) {
      out.push_back(x / whole.cells_per_slab);
    }
    return out;
  }
  const std::size_t per_slice = g.dims() == 3 ? (b.rows.size() + whole.rows_per_slab - 1) / whole.rows_per_slab : 1;
  for (std::size_t z = b.slices.begin; z < b.slices.end; ++z) {
    for (std::size_t k = 0; k < per_slice; ++k) {
      out.push_back(z * whole.slabs_per_slice + b.rows.begin / whole.rows_per_slab + k);
    }
  }
  return out;
}

std::size_t halo_slices(int stencil_order, int depth) {
  return static_cast<std::size_t>(stencil_order / 2) * static_cast<std::size_t>(depth);
}

std::size_t fewest_owned(int stencil_order, int depth, bool reflective) {
  return std::max<std::size_t>(halo_slices(stencil_order, depth), reflective ? 2 : 1);
}

int deepest_depth(std::size_t n, int ranks, int stencil_order, int wanted, bool reflective) {
  // The thinnest slab is the last rank's (the thicker ones come first).
  const std::size_t thinnest = owned_slices(n, ranks, ranks - 1).size();
  for (int k = wanted; k >= 1; --k) {
    if (fewest_owned(stencil_order, k, reflective) <= thinnest) return k;
  }
  return 0;
}

int deepest_depth(const Grid& g, Split split, int stencil_order, int wanted, bool reflective) {
  if (split.slices < 1 || split.rows < 1) return 0;
  if (g.dims() == 1) {
    if (split.rows > 1 || slabs_of_line(g) < static_cast<std::size_t>(split.slices)) return 0;
    // The thinnest part is the last: fewest slabs, and its last slab may be short.
    const std::size_t thinnest = owned_block(g, split, split.slices - 1).slices.size();
    int depth = wanted;
    while (depth > 0 && fewest_owned(stencil_order, depth, reflective) > thinnest) --depth;
    return depth;
  }
  int depth = deepest_depth(g.extent(0), split.slices, stencil_order, wanted, reflective);
  if (split.rows == 1) return depth;
  if (g.dims() < 3) return 0;
  const std::size_t per_slab = cpu::slab_layout(g).rows_per_slab;
  const std::size_t slabs = (g.extent(1) + per_slab - 1) / per_slab;
  if (slabs < static_cast<std::size_t>(split.rows)) return 0;
  // The thinnest column is the last: fewest slabs, and its last slab may be short.
  const std::size_t thinnest = owned_rows(g.extent(1), per_slab, split.rows, split.rows - 1).size();
  while (depth > 0 && fewest_owned(stencil_order, depth, reflective) > thinnest) --depth;
  return depth;
}

}  // namespace lfm::distributed
