#pragma once
// The two time levels a leapfrog step needs, and the χ field when χ varies.
#include <cstdint>
#include <optional>
#include <variant>

#include "lattice/field.hpp"
#include "lattice/params.hpp"

namespace lfm {

template <class T>
struct State {
  Field<T> E;                        // time level n (the newer field)
  Field<T> E_prev;                   // time level n − 1
  std::optional<Field<T>> chi_field; // replaces Params::chi when present
  std::int64_t step = 0;             // steps taken since the initial pair

  const Grid& grid() const { return E.grid(); }
  // χ at cell i: the field's value, or the scalar from the parameters.
  T chi_at(std::size_t i, const Params& p) const {
    return chi_field ? (*chi_field)[i] : static_cast<T>(p.chi);
  }
};

// A state in the run's precision.
using AnyState = std::variant<State<double>, State<float>>;

template <class To, class From>
State<To> convert_state(const State<From>& in) {
  State<To> out{convert_field<To>(in.E), convert_field<To>(in.E_prev), std::nullopt, in.step};
  if (in.chi_field) out.chi_field = convert_field<To>(*in.chi_field);
  return out;
}

// max|χ| over the lattice: what the stability limit depends on.
double chi_max(const AnyState& s, const Params& p);

}  // namespace lfm
