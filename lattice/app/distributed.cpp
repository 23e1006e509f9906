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

namespace {

// A cpu_temporal wavefront on each rank, unless --exchange-depth says
// otherwise: 8 steps deep where the slabs hold halos that deep (else the
// deepest they hold), in bands of 32 rows: common choices of its tuner at
// 256^3 (ranks do not tune).
constexpr int wavefront_depth = 8;
constexpr std::size_t wavefront_band_rows = 32;

// Steps between exchanges: the user's, else 1 for cpu and the wavefront's
// depth where the slabs of axis 0 hold it.
int exchange_depth(const DistributedArgs& args, bool wavefront, const Grid& grid, const Params& params) {
  if (args.exchange_depth > 0) return args.exchange_depth;
  if (!wavefront) return 1;
  return std::max(1, distributed::deepest_depth(grid.extent(0), session_ranks, params.stencil_order, wavefront_depth,
                                                params.boundary == Boundary::reflective));
}

}  // namespace

std::function<std::unique_ptr<Backend>(const BackendInfo&)> distributed_backends(
    const DistributedArgs& args, const Grid& grid, const Params& params,
    const std::function<void(const std::string&)>& notice) {
  if (session_ranks <= 1) return {};
  return [=](const BackendInfo& info) -> std::unique_ptr<Backend> {
    const bool wavefront = info.name == "cpu_temporal";
    if (info.name != "cpu" && info.name != "auto" && !wavefront) {
      throw InputError("--backend " + info.name + ": a distributed run steps every rank with cpu or cpu_temporal " +
                       "(auto, the default, chooses cpu); " + info.name + " runs on one process");
    }
    // The wavefront takes whole planes: by default its ranks hold slabs.
    const std::string requested =
        wavefront && args.decomposition.empty() ? std::to_string(session_ranks) : args.decomposition;
    const int depth = exchange_depth(args, wavefront, grid, params);
    const distributed::Split split = distributed::choose_split(grid, session_ranks, requested, params, depth);
    const std::optional<std::size_t> band_rows =
        wavefront ? std::optional<std::size_t>(wavefront_band_rows) : std::nullopt;
    if (notice) {
      std::string text =
          "distributed over " + distributed::describe_decomposition(grid, split, params.stencil_order, depth);
      if (band_rows) text += "; " + distributed::describe_wavefront(grid, params, depth, *band_rows);
      notice(text);
    }
    return std::make_unique<distributed::DistributedBackend>(MPI_COMM_WORLD, depth, requested, band_rows);
  };
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
