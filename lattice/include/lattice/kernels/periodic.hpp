#pragma once
// Neighbour coordinates on a periodic axis (SPEC §2: the stencil always
// wraps), shared by the CPU rows, the diagnostics, Thrust and the CUDA
// kernels. Integer arithmetic only: no rounding depends on these.
#include <type_traits>

#include "lattice/kernels/host_device.hpp"

namespace lfm::kernels {

// Coordinate i moved by `offset` along a periodic axis of n cells, for
// 0 ≤ i < n and |offset| ≤ n: one compare each way instead of a division.
// I may be unsigned (std::size_t on the host); the sum is formed in its
// signed counterpart, so i = 0, offset = −1 gives n − 1.
template <class I, class Offset>
LFM_HOST_DEVICE inline I wrap(I i, Offset offset, I n) {
  using S = std::make_signed_t<I>;
  const S k = static_cast<S>(i) + static_cast<S>(offset);
  const S m = static_cast<S>(n);
  return static_cast<I>(k < 0 ? k + m : k >= m ? k - m : k);
}

// i mod n in [0, n) for any signed i: a coordinate that may lie several
// periods away, as a CUDA block past the edge of a small axis reaches, or
// an offset of 2 on an axis of 1 cell.
template <class I>
LFM_HOST_DEVICE inline I wrap_any(I i, I n) {
  static_assert(std::is_signed_v<I>, "wrap_any takes a signed coordinate");
  const I m = i % n;
  return m < 0 ? m + n : m;
}

}  // namespace lfm::kernels
