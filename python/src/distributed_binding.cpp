#include "distributed_binding.hpp"

#include <nanobind/stl/string.h>

#include <variant>

#include "lattice/error.hpp"
#ifdef LFM_HAVE_MPI
#include <mpi.h>

#include "distributed/distributed_backend.hpp"
#endif

namespace nb = nanobind;
using namespace nb::literals;

namespace lfm::python {

#ifdef LFM_HAVE_MPI

namespace {

// The caller's communicator, from its handle; refused before MPI is
// initialized (mpi4py initializes it when imported).
MPI_Comm from_handle(long handle) {
  int initialized = 0, finalized = 0;
  MPI_Initialized(&initialized);
  MPI_Finalized(&finalized);
  if (!initialized || finalized) {
    throw InputError("comm: MPI is not running in this process; pass an mpi4py communicator (from mpi4py import MPI)");
  }
  return MPI_Comm_f2c(static_cast<MPI_Fint>(handle));
}

int size_of(MPI_Comm comm) {
  int n = 1;
  MPI_Comm_size(comm, &n);
  return n;
}

// A duplicate of the caller's communicator for one run, so that the run's
// messages never meet the caller's own; made and freed by every rank.
class OwnComm {
 public:
  explicit OwnComm(long handle) { MPI_Comm_dup(from_handle(handle), &comm_); }
  ~OwnComm() { MPI_Comm_free(&comm_); }
  OwnComm(const OwnComm&) = delete;
  OwnComm& operator=(const OwnComm&) = delete;
  MPI_Comm get() const { return comm_; }

 private:
  MPI_Comm comm_ = MPI_COMM_NULL;
};

// What a worker rank does for one lfm.run or lfm.resume: serve the root
// until its job ends.
void serve(long handle) {
  const OwnComm comm(handle);
  nb::gil_scoped_release release;
  distributed::run_worker(comm.get());
}

}  // namespace

struct RootOfRanks::Comm {
  OwnComm own;
};

RootOfRanks::RootOfRanks(const Ranks& ranks) : ranks_(ranks) {
  if (ranks.comm && size_of(from_handle(*ranks.comm)) > 1) {
    comm_.reset(new Comm{OwnComm(*ranks.comm)});
  } else if (!ranks.decomposition.empty() || ranks.exchange_depth != 0) {
    throw InputError("decomposition and exchange_depth apply to distributed runs: pass comm=, a communicator of "
                     "several ranks (mpiexec -n P python ...)");
  }
}

RootOfRanks::~RootOfRanks() {
  if (comm_) distributed::end_workers(comm_->own.get());
}

void RootOfRanks::wire(JobHooks& hooks, const Problem& problem) const {
  if (!comm_) return;
  const Grid& grid = std::visit([](const auto& s) -> const Grid& { return s.grid(); }, problem.state);
  hooks.make_backend = distributed::root_backends(comm_->own.get(), ranks_.exchange_depth, ranks_.decomposition,
                                                  grid, problem.params, hooks.notice);
}

void bind_distributed(nb::module_& m) {
  m.attr("mpi_built") = true;
  m.def("serve", &serve, "comm"_a);
}

#else

struct RootOfRanks::Comm {};

RootOfRanks::RootOfRanks(const Ranks& ranks) : ranks_(ranks) {
  if (ranks.comm || !ranks.decomposition.empty() || ranks.exchange_depth != 0) {
    throw InputError("this lfm module was built without MPI, so it cannot run on the ranks of comm; install "
                     "libopenmpi-dev and reinstall the package (pip install .)");
  }
}

RootOfRanks::~RootOfRanks() = default;

void RootOfRanks::wire(JobHooks&, const Problem&) const {}

void bind_distributed(nb::module_& m) { m.attr("mpi_built") = false; }

#endif

}  // namespace lfm::python
