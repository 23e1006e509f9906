#pragma once
// The standard workloads, each for 1D/2D/3D and any extent n: a problem is
// the parameters and the initial pair (E, E_prev) with χ when it varies.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "lattice/params.hpp"
#include "lattice/state.hpp"

namespace lfm {

struct Problem {
  std::string name;  // workload name, or "config" for user input
  Params params;
  AnyState state;
};

// wave_packet, standing_wave, plane_wave, gravity_well.
const std::vector<std::string>& workload_names();

// Throws InputError for an unknown name (nearest suggested), dims outside
// 1..3 or n too small for the stencil.
Problem make_workload(std::string_view name, int dims, std::size_t n, Precision precision);

// The initial pair is built in float64 and converted to the run's precision
// (a float64 state given as an rvalue moves into the result uncopied).
AnyState to_precision(const State<double>& s, Precision precision);
AnyState to_precision(State<double>&& s, Precision precision);

}  // namespace lfm
