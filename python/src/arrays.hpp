#pragma once
// NumPy arrays as lattice fields: the shape as a Grid, views of the caller's
// memory, new arrays NumPy owns, and the CLI's finiteness check. The Python
// layer (lfm/_arrays.py) has already refused what cannot be viewed
// (dtype, layout, alignment, writeability) with a message saying how to fix
// it; these functions trust that.
#include <nanobind/ndarray.h>

#include <cstddef>
#include <string_view>
#include <vector>

#include "lattice/field.hpp"
#include "lattice/grid.hpp"

namespace lfm::python {

namespace nb = nanobind;

// Any C-contiguous CPU array; its dtype is read at run time (float64 or float32).
using Array = nb::ndarray<nb::numpy, nb::c_contig, nb::device::cpu>;
using ReadOnlyArray = nb::ndarray<nb::numpy, nb::ro, nb::c_contig, nb::device::cpu>;

template <class A>
Grid grid_of(const A& a) {
  std::vector<std::size_t> shape(a.ndim());
  for (std::size_t i = 0; i < a.ndim(); ++i) shape[i] = a.shape(i);
  return Grid(shape);
}

template <class A>
bool is_float32(const A& a) {
  return a.dtype() == nb::dtype<float>();
}

template <class T, class A>
Field<T> view_of(const A& a) {
  return Field<T>::view(grid_of(a), static_cast<T*>(const_cast<void*>(static_cast<const void*>(a.data()))));
}

// A new C-order array of `grid`'s shape, 64-byte aligned, owned by NumPy.
template <class T>
nb::ndarray<nb::numpy, T> new_array(const Grid& grid, T*& data);

// Throws InputError naming `name` and the first non-finite value's index,
// with the CLI's wording.
template <class T>
void require_finite(const Field<T>& f, std::string_view name);

}  // namespace lfm::python
