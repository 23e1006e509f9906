#pragma once
// A scalar field on a Grid: one contiguous, 64-byte aligned array in C order.
#include <cstddef>
#include <new>
#include <span>
#include <vector>

#include "lattice/grid.hpp"

namespace lfm {

// 64 bytes: one cache line, and the widest SIMD register (AVX-512).
inline constexpr std::size_t field_alignment = 64;

template <class T>
struct AlignedAllocator {
  using value_type = T;
  AlignedAllocator() = default;
  template <class U>
  AlignedAllocator(const AlignedAllocator<U>&) {}
  T* allocate(std::size_t n) {
    return static_cast<T*>(::operator new(n * sizeof(T), std::align_val_t{field_alignment}));
  }
  void deallocate(T* p, std::size_t) { ::operator delete(p, std::align_val_t{field_alignment}); }
  template <class U>
  bool operator==(const AlignedAllocator<U>&) const { return true; }
};

template <class T>
class Field {
 public:
  using value_type = T;

  Field() = default;
  explicit Field(const Grid& grid, T fill = T(0)) : grid_(grid), values_(grid.cells(), fill) {}

  const Grid& grid() const { return grid_; }
  std::size_t size() const { return values_.size(); }
  T* data() { return values_.data(); }
  const T* data() const { return values_.data(); }
  std::span<T> values() { return values_; }
  std::span<const T> values() const { return values_; }
  T& operator[](std::size_t i) { return values_[i]; }
  const T& operator[](std::size_t i) const { return values_[i]; }

 private:
  Grid grid_;
  std::vector<T, AlignedAllocator<T>> values_;
};

// Element-wise conversion between precisions (float64 <-> float32).
template <class To, class From>
Field<To> convert_field(const Field<From>& in) {
  Field<To> out(in.grid());
  for (std::size_t i = 0; i < in.size(); ++i) out[i] = static_cast<To>(in[i]);
  return out;
}

}  // namespace lfm
