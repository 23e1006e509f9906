#include "lattice/state.hpp"

#include <cmath>

#include "lattice/diagnostics.hpp"

namespace lfm {

double chi_max(const AnyState& s, const Params& p) {
  return std::visit(
      [&](const auto& st) {
        return st.chi_field ? max_abs(*st.chi_field) : std::abs(p.chi);
      },
      s);
}

}  // namespace lfm
