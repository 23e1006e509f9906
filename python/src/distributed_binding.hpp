#pragma once
// lfm.run and lfm.resume on the ranks of an mpi4py communicator: every
// rank calls them with the same arguments; the root (rank 0) runs the job
// as one process would, with a distributed backend, and the others serve
// it (lfm._core.serve) until it ends. Python hands the communicator over
// as its Fortran handle (mpi4py's comm.py2f()), which needs no mpi4py
// headers to build against.
#include <nanobind/nanobind.h>

#include <memory>
#include <optional>
#include <string>

#include "lattice/run_job.hpp"

namespace lfm::python {

// Where run options say which ranks step the job: a communicator's handle,
// the ranks along each axis ("" chooses) and the steps between exchanges
// (0 chooses), as `mpiexec -n P lfm run --decomposition D --exchange-depth K`.
struct Ranks {
  std::optional<long> comm;
  std::string decomposition;
  int exchange_depth = 0;
};

// The root's side, for the length of one run: made before anything else
// (so that whatever fails ends the workers), then wire() sets JobHooks to
// step with the ranks. Without a communicator, or on one rank, it does nothing.
class RootOfRanks {
 public:
  explicit RootOfRanks(const Ranks& ranks);
  ~RootOfRanks();  // ends the workers
  RootOfRanks(const RootOfRanks&) = delete;
  RootOfRanks& operator=(const RootOfRanks&) = delete;

  void wire(JobHooks& hooks, const Problem& problem) const;

 private:
  Ranks ranks_;
  struct Comm;
  std::unique_ptr<Comm> comm_;  // null: one process
};

void bind_distributed(nanobind::module_& m);

}  // namespace lfm::python
