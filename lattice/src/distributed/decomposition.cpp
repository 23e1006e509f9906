#include "distributed/slab_decomposition.hpp"

#include <algorithm>

namespace lfm::distributed {

SliceRange owned_slices(std::size_t n, int ranks, int rank) {
  const std::size_t p = static_cast<std::size_t>(ranks), r = static_cast<std::size_t>(rank);
  const std::size_t base = n / p, extra = n % p;
  const std::size_t begin = r * base + std::min(r, extra);
  return {begin, begin + base + (r < extra ? 1 : 0)};
}

std::size_t halo_slices(int stencil_order, int depth) {
  return static_cast<std::size_t>(stencil_order / 2) * static_cast<std::size_t>(depth);
}

int deepest_depth(std::size_t n, int ranks, int stencil_order, int wanted) {
  // The thinnest slab is the last rank's (the thicker ones come first).
  const std::size_t thinnest = owned_slices(n, ranks, ranks - 1).size();
  for (int k = wanted; k >= 1; --k) {
    if (halo_slices(stencil_order, k) <= thinnest) return k;
  }
  return 0;
}

}  // namespace lfm::distributed
