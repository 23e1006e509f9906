#pragma once
// What `lfm run` and `lfm resume` take for a run under mpiexec
// (app/distributed.hpp); ignored on one process, where main() refuses them.
#include <string>

namespace lfm::app {

struct DistributedArgs {
  int exchange_depth = 0;     // steps between halo exchanges; 0: chosen (distributed.hpp)
  std::string decomposition;  // ranks along each axis ("4x2x1"); empty: chosen
};

}  // namespace lfm::app
