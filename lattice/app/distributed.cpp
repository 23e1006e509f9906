#include "distributed.hpp"

#include <csignal>
#include <cstdlib>
#include <iostream>

#include "lattice/error.hpp"
#ifdef LFM_HAVE_MPI
#include <mpi.h>
#include <sys/prctl.h>

#include "distributed/distributed_backend.hpp"
#endif

namespace lfm::app {
namespace {

int session_ranks = 1;

// The ranks an MPI launcher (OpenMPI's, or a PMI one such as MPICH's)
// says this process is one of; 1 when none started it.
int launched_ranks() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_SIZE"}) {
    if (const char* v = std::getenv(name)) return std::max(1, std::atoi(v));
  }
  return 1;
}

}  // namespace

int distributed_ranks() { return session_ranks; }

#ifdef LFM_HAVE_MPI

MpiSession::MpiSession(int* argc, char*** argv) {
  if (launched_ranks() <= 1) return;
  // A rank outlives a launcher killed with SIGKILL and would go on writing
  // (rank 0 holding the run directory's lock): the job ends with it.
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  MPI_Init(argc, argv);
  started_ = true;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &ranks_);
  session_ranks = ranks_;
}

MpiSession::~MpiSession() {
  if (!started_) return;
  if (rank_ == 0 && ranks_ > 1) distributed::end_workers(MPI_COMM_WORLD);
  MPI_Finalize();
}

int MpiSession::serve() {
  // The root decides when the job stops (it checkpoints first, then ends
  // the workers); a signal mpiexec forwards must not take a rank away
  // while the root still needs it.
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) std::signal(sig, SIG_IGN);
  try {
    return distributed::run_worker(MPI_COMM_WORLD);
  } catch (const std::exception& e) {
    std::cerr << "lfm: rank " << rank_ << ": " << e.what() << "\n";
    MPI_Abort(MPI_COMM_WORLD, 1);
    return 1;
  }
}

std::function<std::unique_ptr<Backend>(const BackendInfo&)> distributed_backends(
    const DistributedArgs& args, const Grid& grid, const Params& params,
    const std::function<void(const std::string&)>& notice) {
  if (session_ranks <= 1) return {};
  return distributed::root_backends(MPI_COMM_WORLD, args.exchange_depth, args.decomposition, grid, params, notice);
}

#else

MpiSession::MpiSession(int*, char***) {
  if (launched_ranks() > 1) {
    throw InputError("this lfm was built without MPI, so each of the " + std::to_string(launched_ranks()) +
                     " processes mpiexec started would run the whole job; install libopenmpi-dev, "
                     "rebuild, and run again");
  }
}

MpiSession::~MpiSession() = default;

int MpiSession::serve() { return 0; }

std::function<std::unique_ptr<Backend>(const BackendInfo&)> distributed_backends(
    const DistributedArgs&, const Grid&, const Params&, const std::function<void(const std::string&)>&) {
  return {};
}

#endif

}  // namespace lfm::app
