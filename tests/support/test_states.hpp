#pragma once
// Inputs for tests: smooth or random states on any grid, reproducible.
#include <cstdint>
#include <string>
#include <vector>

#include "lattice/checkpoint.hpp"
#include "lattice/params.hpp"
#include "lattice/state.hpp"

namespace lfm::testing {

Grid cube(int dims, std::size_t n);

// E, E_prev uniform in [−1, 1); with `chi_field`, χ uniform in [0.2, 0.6).
State<double> random_state(const Grid& g, std::uint64_t seed, bool chi_field);

// Stable defaults for tests: dt = 0.2, dx = 1, χ = 0.3.
Params test_params(int order, Boundary boundary = Boundary::periodic, double gamma = 0.0);

// Checkpoint metadata of this version for a state on `g` at `step`, with
// fixed hashes, timings and a two-record trace (step 0 and `step`).
CheckpointMeta meta_for(const Grid& g, Precision p, std::int64_t step);

}  // namespace lfm::testing
