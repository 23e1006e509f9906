#include "support/matchers.hpp"

namespace lfm::testing {

std::string index_string(const Grid& g, std::size_t i) {
  const Grid::Index c = g.coords(i);
  std::string s = "(";
  for (int a = 0; a < g.dims(); ++a) s += (a ? ", " : "") + std::to_string(c[a]);
  return s + ")";
}

}  // namespace lfm::testing
