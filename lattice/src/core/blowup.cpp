#include "lattice/blowup.hpp"

#include <cmath>
#include <cstdio>

namespace lfm {
namespace {

template <class T>
std::optional<BadCell> first_bad(const Field<T>& f, double limit) {
  // Serial, with an early exit: it runs once per diagnostics record, and a
  // healthy field costs one streaming pass.
  for (std::size_t i = 0; i < f.size(); ++i) {
    const double v = f[i];
    if (!std::isfinite(v) || std::abs(v) > limit) return BadCell{i, f.grid().coords(i), v};
  }
  return std::nullopt;
}

}  // namespace

std::optional<BadCell> first_bad_cell(const AnyState& s, double limit) {
  return std::visit([&](const auto& st) { return first_bad(st.E, limit); }, s);
}

std::string describe(const BadCell& cell, const Grid& g) {
  std::string text = "E(";
  for (int a = 0; a < g.dims(); ++a) text += (a ? ", " : "") + std::to_string(cell.coords[a]);
  char value[32];
  std::snprintf(value, sizeof value, "%.6g", cell.value);
  return text + ") = " + value;
}

}  // namespace lfm
