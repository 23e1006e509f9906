#pragma once
// A periodic-indexed lattice of 1 to 3 dimensions with uniform spacing.
// Shape is given slowest axis first, C order, last axis contiguous: a 3D
// grid of shape (Nz, Ny, Nx) is indexed [z][y][x], exactly NumPy's layout.
#include <array>
#include <cstddef>
#include <string>
#include <vector>

namespace lfm {

class Grid {
 public:
  static constexpr int max_dims = 3;
  using Index = std::array<std::size_t, max_dims>;

  Grid() = default;
  // Throws InputError unless 1 <= shape.size() <= 3 and every extent >= 1.
  explicit Grid(const std::vector<std::size_t>& shape);

  int dims() const { return dims_; }
  std::size_t extent(int axis) const { return shape_[axis]; }
  std::size_t stride(int axis) const { return stride_[axis]; }
  std::size_t cells() const { return cells_; }
  std::vector<std::size_t> shape() const;
  std::size_t smallest_extent() const;
  // "64x64x64": how a shape is printed in messages and tables.
  std::string shape_string() const;

  // Whether a pass over every cell is worth OpenMP threads: from 32768
  // cells on (below that, waking the team costs more than it saves).
  bool worth_threads() const { return cells_ >= 32768; }

  // Coordinates of flat index i (entries past dims() are 0).
  Index coords(std::size_t i) const;
  std::size_t flat(const Index& c) const;

  bool operator==(const Grid& other) const = default;

 private:
  int dims_ = 0;
  Index shape_{1, 1, 1};
  Index stride_{0, 0, 0};
  std::size_t cells_ = 0;
};

}  // namespace lfm
