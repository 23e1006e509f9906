// Runs ten baseline steps of a standard workload through the installed library.
#include <cstdio>

#include "lattice/backend.hpp"
#include "lattice/diagnostics.hpp"
#include "lattice/workloads.hpp"

int main() {
  lfm::Problem problem = lfm::make_workload("wave_packet", 1, 32, lfm::Precision::float64);
  lfm::advance(*lfm::make_backend("baseline"), problem.state, problem.params, 10);
  const double e = lfm::energy(problem.state, problem.params);
  std::printf("energy after 10 steps: %.6e\n", e);
  return e > 0 ? 0 : 1;
}
