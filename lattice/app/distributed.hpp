#pragma once
// `mpiexec -n P lfm run|resume …`: main() starts MPI when an MPI launcher
// started this process (its environment says so), the ranks but the root
// serve the root's job, and the root's run and resume step with a
// DistributedBackend (lattice/src/distributed/distributed_backend.hpp).
// Without MPI in the build, a launch on several ranks is refused.
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "distributed_args.hpp"
#include "lattice/backend.hpp"
#include "lattice/grid.hpp"

namespace lfm::app {

class MpiSession {
 public:
  MpiSession(int* argc, char*** argv);
  ~MpiSession();  // the root ends the workers; every rank finalizes MPI
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;

  int ranks() const { return ranks_; }
  bool worker() const { return rank_ > 0; }
  // A worker's whole life: serve the root until its job ends.
  int serve();

 private:
  int rank_ = 0, ranks_ = 1;
  bool started_ = false;
};

// Ranks of the running distributed job: 1 when not distributed.
int distributed_ranks();

// For the root of a distributed run: JobHooks::make_backend, which
// refuses per-rank backends other than cpu (and auto, which is cpu here),
// chooses the decomposition (or refuses the one asked for, with the
// reason) and says it once through `notice`. Empty when not distributed.
std::function<std::unique_ptr<Backend>(const BackendInfo&)> distributed_backends(
    const DistributedArgs& args, const Grid& grid, const Params& params,
    const std::function<void(const std::string&)>& notice);

}  // namespace lfm::app
