#include "distributed_binding.hpp"

#include <variant>

#include "lattice/backend.hpp"
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

// A duplicate of the caller's communicator for one call, so that its
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

// A worker rank's side of one call: serve rank 0 until its session closes.
void serve(long handle) {
  const OwnComm comm(handle);
  nb::gil_scoped_release release;
  distributed::run_worker(comm.get());
}

}  // namespace

struct RootSession::Comm {
  OwnComm own;
};

RootSession::RootSession(long comm) : comm_(new Comm{OwnComm(comm)}) {}

RootSession::~RootSession() { close(); }

void RootSession::close() {
  if (!comm_) return;
  distributed::end_workers(comm_->own.get());
  comm_.reset();
}

std::function<std::unique_ptr<Backend>(const BackendInfo&)> RootSession::backends(
    const std::string& decomposition, int exchange_depth, const Grid& grid, const Params& params,
    const std::function<void(const std::string&)>& notice) const {
  if (!comm_) throw std::logic_error("RootSession::backends after close()");
  return distributed::root_backends(comm_->own.get(), exchange_depth, decomposition, grid, params, notice);
}

void check_on_ranks(long comm, const std::string& backend, const std::string& decomposition, int exchange_depth,
                    const Grid& grid, const Params& params, const std::function<void(const std::string&)>& notice) {
  // Making the backend talks to no rank: it only chooses and checks.
  distributed::root_backends(from_handle(comm), exchange_depth, decomposition, grid, params, notice)(
      find_backend(backend));
}

#else

struct RootSession::Comm {};

RootSession::RootSession(long) {
  throw InputError("this lfm module was built without MPI, so it cannot run on the ranks of comm; install "
                   "libopenmpi-dev and reinstall the package (pip install .)");
}

RootSession::~RootSession() = default;

void RootSession::close() {}

std::function<std::unique_ptr<Backend>(const BackendInfo&)> RootSession::backends(
    const std::string&, int, const Grid&, const Params&, const std::function<void(const std::string&)>&) const {
  return {};
}

void check_on_ranks(long comm, const std::string&, const std::string&, int, const Grid&, const Params&,
                    const std::function<void(const std::string&)>&) {
  RootSession refused(comm);  // says why
}

#endif

void bind_distributed(nb::module_& m) {
  nb::class_<RootSession>(m, "RootSession").def(nb::init<long>(), "comm"_a).def("close", &RootSession::close);
#ifdef LFM_HAVE_MPI
  m.attr("mpi_built") = true;
  m.def("serve", &serve, "comm"_a);
#else
  m.attr("mpi_built") = false;
#endif
}

void wire(JobHooks& hooks, const Problem& problem, const RootSession* session, const std::string& decomposition,
          int exchange_depth) {
  if (!session) return;
  const Grid& grid = std::visit([](const auto& s) -> const Grid& { return s.grid(); }, problem.state);
  hooks.make_backend = session->backends(decomposition, exchange_depth, grid, problem.params, hooks.notice);
}

}  // namespace lfm::python
