#include "lattice/grid.hpp"

#include <algorithm>

#include "lattice/error.hpp"

namespace lfm {

Grid::Grid(const std::vector<std::size_t>& shape) {
  if (shape.empty() || shape.size() > max_dims) {
    throw InputError("lattice shape has " + std::to_string(shape.size()) +
                     " axes; expected 1, 2 or 3");
  }
  dims_ = static_cast<int>(shape.size());
  for (int a = 0; a < dims_; ++a) {
    if (shape[a] == 0) {
      throw InputError("lattice axis " + std::to_string(a) + " has extent 0; expected >= 1");
    }
    shape_[a] = shape[a];
  }
  std::size_t stride = 1;
  for (int a = dims_ - 1; a >= 0; --a) {
    stride_[a] = stride;
    stride *= shape_[a];
  }
  cells_ = stride;
}

std::vector<std::size_t> Grid::shape() const {
  return {shape_.begin(), shape_.begin() + dims_};
}

std::size_t Grid::smallest_extent() const {
  return *std::min_element(shape_.begin(), shape_.begin() + dims_);
}

std::string Grid::shape_string() const {
  std::string s;
  for (int a = 0; a < dims_; ++a) {
    if (a > 0) s += 'x';
    s += std::to_string(shape_[a]);
  }
  return s;
}

Grid::Index Grid::coords(std::size_t i) const {
  Index c{0, 0, 0};
  for (int a = 0; a < dims_; ++a) {
    c[a] = i / stride_[a];
    i %= stride_[a];
  }
  return c;
}

std::size_t Grid::flat(const Index& c) const {
  std::size_t i = 0;
  for (int a = 0; a < dims_; ++a) i += c[a] * stride_[a];
  return i;
}

}  // namespace lfm
