#pragma once
// A state's fields on the device. The backends copy them in and out once
// per advance call: the State is host memory its caller owns and may change
// between calls (the run loop, tests and the CLI all do), and a cache keyed
// on its addresses could not see such writes. Transfers are paid once per
// call, not per step; whole runs that keep the fields on the device go
// through run_on_device().
#include <cstdint>
#include <vector>

#include "cuda/device_memory.cuh"
#include "lattice/grid.hpp"
#include "lattice/kernels/host_device.hpp"
#include "lattice/state.hpp"

namespace lfm::cuda {

// (nz, ny, nx) as the CPU rows see them: 1D as (1, 1, n), 2D as (1, ny, nx).
struct Extents {
  int nz = 1, ny = 1, nx = 1;
  int dims = 1;
  LFM_HOST_DEVICE long cells() const { return static_cast<long>(nz) * ny * nx; }
};

inline Extents extents(const Grid& g) {
  const int d = g.dims();
  return {d == 3 ? static_cast<int>(g.extent(0)) : 1, d >= 2 ? static_cast<int>(g.extent(d - 2)) : 1,
          static_cast<int>(g.extent(d - 1)), d};
}

// The grid `extents` was made from.
inline Grid grid_of(const Extents& d) {
  const std::size_t all[3] = {static_cast<std::size_t>(d.nz), static_cast<std::size_t>(d.ny),
                              static_cast<std::size_t>(d.nx)};
  return Grid(std::vector<std::size_t>(all + 3 - d.dims, all + 3));
}

// Two time levels and χ on the device, as raw pointers for the step
// functions. A step writes E_next over `prev`, then swaps the two.
template <class T>
struct Levels {
  T* e;
  T* prev;
  const T* chi;  // nullptr: scalar χ
  Extents d;
};

template <class T>
class DeviceFields {
 public:
  void upload(const State<T>& s) {
    d_ = extents(s.grid());
    const std::size_t n = s.E.size();
    e_.resize(n);
    prev_.resize(n);
    cuda::upload(e_.data(), s.E.data(), n * sizeof(T));
    cuda::upload(prev_.data(), s.E_prev.data(), n * sizeof(T));
    if (s.chi_field) {
      chi_.resize(n);
      cuda::upload(chi_.data(), s.chi_field->data(), n * sizeof(T));
    } else {
      chi_.release();
    }
  }
  // The levels as uploaded; stepping moves the pointers, not the buffers.
  Levels<T> levels() const { return {e_.data(), prev_.data(), chi_.data(), d_}; }

 private:
  Extents d_;
  DeviceBuffer<T> e_, prev_, chi_;
};

// Copies the two levels `l` points at (after stepping) into the state.
template <class T>
void download(State<T>& s, const Levels<T>& l) {
  const std::size_t bytes = s.E.size() * sizeof(T);
  cuda::download(s.E.data(), l.e, bytes);
  cuda::download(s.E_prev.data(), l.prev, bytes);
}

}  // namespace lfm::cuda
