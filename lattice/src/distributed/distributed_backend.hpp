#pragma once
// `mpiexec -n P lfm run …`: the root (rank 0) runs the job as one process
// would (inputs, run directory, the run loop, checkpoints, snapshots,
// outputs) with a DistributedBackend, and every other rank serves it in
// run_worker. Each command the backend gets is broadcast to the workers
// first, so all ranks make the same collective calls in the same order.
//
// The fields live on the ranks between calls: advance() exchanges halos
// only, diagnose() adds the slab sums in one process's order, and sync()
// gathers the whole state onto the root when the run loop is about to read
// it (a snapshot, a checkpoint, the end). Per rank the row update is
// `cpu`'s, so the outputs are the bytes one `cpu` process writes.
#include <mpi.h>

#include <memory>
#include <optional>
#include <string>
#include <variant>

#include "distributed/slab_rank.hpp"
#include "lattice/backend.hpp"

namespace lfm::distributed {

// This rank's slab in the run's precision, once set up.
using AnyRank = std::variant<std::monostate, std::unique_ptr<SlabRank<double>>, std::unique_ptr<SlabRank<float>>>;

class DistributedBackend final : public Backend {
 public:
  // `depth`: steps between halo exchanges (at most what the thinnest slab
  // allows for the run's stencil; 0 chooses 1).
  DistributedBackend(MPI_Comm comm, int depth);
  ~DistributedBackend() override;

  void advance(State<double>& s, const Params& p, std::int64_t steps) override;
  void advance(State<float>& s, const Params& p, std::int64_t steps) override;
  void prepare(const State<double>& s, const Params& p, bool retune) override;
  void prepare(const State<float>& s, const Params& p, bool retune) override;
  std::int64_t preferred_step_multiple() const override { return depth_; }
  std::string tuning() const override { return decomposition_; }
  std::optional<FusedDiagnostics> diagnose(const AnyState& s, const Params& p, double limit) override;
  void sync(AnyState& s) override;

 private:
  template <class T>
  void set_up(const State<T>& s, const Params& p);
  template <class T>
  void step(State<T>& s, const Params& p, std::int64_t steps);

  MPI_Comm comm_;
  int depth_;
  std::string decomposition_;
  AnyRank rank_;
  bool stale_ = false;  // the root's state is behind the ranks'
};

// "4 ranks (slabs of axis 0: 64, 64, 64, 64 slices), halos of 1 slice, exchanged every step".
std::string describe_decomposition(std::size_t n, int ranks, int stencil_order, int depth);

// What every rank but the root runs until the root's job ends (it calls
// end_workers, also when it fails): returns 0, or throws on an MPI error.
int run_worker(MPI_Comm comm);
void end_workers(MPI_Comm comm);

}  // namespace lfm::distributed
