#include "cuda/tile_candidates.hpp"

#include <algorithm>
#include <utility>

namespace lfm::cuda {

std::vector<TileShape> tile_candidates(const Grid& g) {
  std::vector<TileShape> out;
  if (g.dims() == 1) {
    for (int bx : {128, 256, 512, 1024}) out.push_back({bx, 1, 1});
  } else if (g.dims() == 2) {
    for (const auto& [bx, by] : {std::pair{32, 4}, {32, 8}, {64, 4}, {128, 2}, {256, 1}, {32, 16}}) {
      out.push_back({bx, by, 1});
    }
  } else {
    // Short chunks give more blocks on small grids, long ones reuse the
    // register queue along z longer.
    const int nz = static_cast<int>(g.extent(0));
    for (const auto& [bx, by] : {std::pair{32, 4}, {32, 8}, {64, 4}, {64, 8}, {128, 2}, {128, 4}, {32, 16}}) {
      for (int chunk : {16, 64}) {
        const TileShape t{bx, by, std::min(chunk, nz)};
        // Both chunks are the whole of a grid of nz <= 16: time it once.
        if (std::find(out.begin(), out.end(), t) == out.end()) out.push_back(t);
      }
    }
  }
  return out;
}

bool tile_usable(const TileShape& t, const Grid& g) {
  const int d = g.dims();
  return is_valid(t) && (d != 3 || (t.block_x >= 2 && t.block_y >= 2)) && (d == 3 || t.z_chunk == 1);
}

std::string to_string(const TileShape& t) {
  return std::to_string(t.block_x) + "x" + std::to_string(t.block_y) + "x" + std::to_string(t.z_chunk);
}

}  // namespace lfm::cuda
