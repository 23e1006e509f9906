#pragma once
// lfm.run, lfm.resume and lfm.Simulation on the ranks of an mpi4py
// communicator: every rank makes the same calls; rank 0 does the work as
// one process would, with a distributed backend, and the other ranks serve
// it (lfm._core.serve) until it ends. Python hands the communicator over
// as its Fortran handle (mpi4py's comm.py2f()), which needs no mpi4py
// headers to build against.
//
// Rank 0 opens a RootSession when the workers start serving and closes it
// whatever happens (lfm/_ranks.py): closing is what ends their serve().
#include <nanobind/nanobind.h>

#include <memory>
#include <string>

#include "lattice/run_job.hpp"

namespace lfm::python {

class RootSession {
 public:
  explicit RootSession(long comm);  // collective with the workers' serve()
  ~RootSession();
  RootSession(const RootSession&) = delete;
  RootSession& operator=(const RootSession&) = delete;

  // Ends the workers' serve(); once, later calls do nothing.
  void close();

  // The backend maker for a run on the ranks: the ranks along each axis
  // ("" chooses) and the steps between exchanges (0 chooses), as `mpiexec
  // -n P lfm run --decomposition D --exchange-depth K` takes them; the
  // split is said once through `notice`.
  std::function<std::unique_ptr<Backend>(const BackendInfo&)> backends(
      const std::string& decomposition, int exchange_depth, const Grid& grid, const Params& params,
      const std::function<void(const std::string&)>& notice) const;

 private:
  struct Comm;
  std::unique_ptr<Comm> comm_;  // null once closed
};

// JobHooks::make_backend for a run on the session's ranks; nothing
// without a session (one process).
void wire(JobHooks& hooks, const Problem& problem, const RootSession* session, const std::string& decomposition,
          int exchange_depth);

// Refuses, as stepping on the ranks of `comm` would (before they meet), a
// per-rank backend or a split they cannot step; says the split through
// `notice`.
void check_on_ranks(long comm, const std::string& backend, const std::string& decomposition, int exchange_depth,
                    const Grid& grid, const Params& params, const std::function<void(const std::string&)>& notice);

void bind_distributed(nanobind::module_& m);

}  // namespace lfm::python
