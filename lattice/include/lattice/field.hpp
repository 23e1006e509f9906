#pragma once
// A scalar field on a Grid: one contiguous array in C order. It owns its
// storage (64-byte aligned) or, made by Field::view, it views memory its
// caller owns (a NumPy array stepped in place).
#include <cstddef>
#include <new>
#include <span>
#include <utility>
#include <vector>

#include "lattice/grid.hpp"

namespace lfm {

// 64 bytes: one cache line, and the widest SIMD register (AVX-512).
inline constexpr std::size_t field_alignment = 64;

// A field's storage: 64-byte aligned; from huge_field_bytes up, on a 2 MiB
// boundary and marked for transparent huge pages (Linux's THP in its
// "madvise" or "always" mode; elsewhere the plain aligned allocation). A
// step streams through every page of E and E_prev: with 4 KiB pages `cpu`
// stepped 256³ float64 1.1–1.7x slower on the development VM (README.md,
// "Huge pages").
inline constexpr std::size_t huge_page_bytes = 2u << 20;
inline constexpr std::size_t huge_field_bytes = 8u << 20;
void* allocate_field_bytes(std::size_t bytes);
void free_field_bytes(void* p, std::size_t bytes);

template <class T>
struct AlignedAllocator {
  using value_type = T;
  AlignedAllocator() = default;
  template <class U>
  AlignedAllocator(const AlignedAllocator<U>&) {}
  T* allocate(std::size_t n) { return static_cast<T*>(allocate_field_bytes(n * sizeof(T))); }
  void deallocate(T* p, std::size_t n) { free_field_bytes(p, n * sizeof(T)); }
  template <class U>
  bool operator==(const AlignedAllocator<U>&) const { return true; }
};

template <class T>
class Field {
 public:
  using value_type = T;

  Field() = default;
  explicit Field(const Grid& grid, T fill = T(0))
      : grid_(grid), owned_(grid.cells(), fill), data_(owned_.data()), size_(owned_.size()) {}

  // A field over grid.cells() values at `data`, which the caller owns and
  // keeps alive while the view (or a field moved from it) is used. Its
  // alignment is the caller's: nothing in the backends assumes more than
  // alignof(T). Copying a view makes an owning copy; moving keeps the view.
  static Field view(const Grid& grid, T* data) {
    Field f;
    f.grid_ = grid;
    f.data_ = data;
    f.size_ = grid.cells();
    return f;
  }

  Field(const Field& other)
      : grid_(other.grid_), owned_(other.data_, other.data_ + other.size_), data_(owned_.data()),
        size_(other.size_) {}
  Field(Field&& other) noexcept
      : grid_(other.grid_), owned_(std::move(other.owned_)),
        data_(std::exchange(other.data_, nullptr)), size_(std::exchange(other.size_, 0)) {}
  Field& operator=(const Field& other) {
    if (this != &other) *this = Field(other);
    return *this;
  }
  Field& operator=(Field&& other) noexcept {
    grid_ = other.grid_;
    owned_ = std::move(other.owned_);  // the buffer moves with its pointer
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
    return *this;
  }
  ~Field() = default;

  const Grid& grid() const { return grid_; }
  std::size_t size() const { return size_; }
  T* data() { return data_; }
  const T* data() const { return data_; }
  std::span<T> values() { return {data_, size_}; }
  std::span<const T> values() const { return {data_, size_}; }
  T& operator[](std::size_t i) { return data_[i]; }
  const T& operator[](std::size_t i) const { return data_[i]; }
  // False for a view of the caller's memory.
  bool owns_data() const { return size_ == 0 || data_ == owned_.data(); }

 private:
  Grid grid_;
  std::vector<T, AlignedAllocator<T>> owned_;  // empty for a view
  T* data_ = nullptr;
  std::size_t size_ = 0;
};

// Element-wise conversion between precisions (float64 <-> float32).
template <class To, class From>
Field<To> convert_field(const Field<From>& in) {
  Field<To> out(in.grid());
  for (std::size_t i = 0; i < in.size(); ++i) out[i] = static_cast<To>(in[i]);
  return out;
}

}  // namespace lfm
