#pragma once
// The index side of the boundary operators of SPEC §3, shared by the CPU
// rows, Thrust and the CUDA kernels (the per-cell sponge itself is
// kernels::absorb in leapfrog.hpp). The baseline does not use them: it
// spells §3 out on its own. Reflective boundaries only copy values, so how
// a backend orders the copies never changes a bit of the result.
#include "lattice/kernels/host_device.hpp"

namespace lfm::kernels {

// Whether coordinate i of an axis of n cells lies in the absorbing band of
// `width` planes at either end. Callers sum it over axes to count how many
// times the sponge multiplies a cell.
template <class I>
LFM_HOST_DEVICE inline bool in_band(I i, I n, I width) {
  return i < width || i >= n - width;
}

// The coordinate whose value coordinate i takes under reflective
// boundaries along an axis of n ≥ 3 cells: the first plane copies the
// second, the last the second-to-last, every other plane keeps its own.
// Applied on every axis at once, it gives what the axis-by-axis copy of
// SPEC §3 leaves (each face cell ends as the update at its coordinates
// clamped to [1, n − 2]).
template <class I>
LFM_HOST_DEVICE inline I reflected(I i, I n) {
  return i == 0 ? I(1) : i == n - 1 ? n - 2 : i;
}

// Where line j starts, among the lines of cells that cross an axis of n
// cells at `stride` in a C-order array: j counts the cells of one face,
// faster axes first.
template <class I>
LFM_HOST_DEVICE inline I line_start(I j, I stride, I n) {
  return (j / stride) * stride * n + j % stride;
}

// SPEC §3 reflective on one line across an axis of n cells, starting at
// `start` with `stride` between cells: both end cells take their
// neighbours' values.
template <class T, class I>
LFM_HOST_DEVICE inline void reflect_line(T* f, I start, I stride, I n) {
  f[start] = f[start + stride];
  f[start + (n - 1) * stride] = f[start + (n - 2) * stride];
}

}  // namespace lfm::kernels
