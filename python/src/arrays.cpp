#include "arrays.hpp"

#include <cmath>
#include <new>
#include <string>

#include "lattice/error.hpp"

namespace lfm::python {

template <class T>
nb::ndarray<nb::numpy, T> new_array(const Grid& grid, T*& data) {
  data = static_cast<T*>(::operator new(grid.cells() * sizeof(T), std::align_val_t{field_alignment}));
  nb::capsule owner(data, [](void* p) noexcept { ::operator delete(p, std::align_val_t{field_alignment}); });
  std::size_t shape[Grid::max_dims];
  for (int a = 0; a < grid.dims(); ++a) shape[a] = grid.extent(a);
  return nb::ndarray<nb::numpy, T>(data, static_cast<std::size_t>(grid.dims()), shape, owner);
}

template <class T>
void require_finite(const Field<T>& f, std::string_view name) {
  for (std::size_t i = 0; i < f.size(); ++i) {
    if (std::isfinite(f[i])) continue;
    const Grid::Index c = f.grid().coords(i);
    std::string where;
    for (int a = 0; a < f.grid().dims(); ++a) where += (a ? ", " : "") + std::to_string(c[a]);
    throw InputError(std::string(name) + ": value at index (" + where + ") is " +
                     (std::isnan(f[i]) ? "NaN" : "Inf") + "; every value must be finite");
  }
}

template nb::ndarray<nb::numpy, double> new_array(const Grid&, double*&);
template nb::ndarray<nb::numpy, float> new_array(const Grid&, float*&);
template void require_finite(const Field<double>&, std::string_view);
template void require_finite(const Field<float>&, std::string_view);

}  // namespace lfm::python
