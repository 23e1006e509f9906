#pragma once
// `mpiexec -n P lfm run …` (and lfm.run(comm=…) from Python, whose
// Simulation steps the same way): the root (rank 0) runs the job as one process
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

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <variant>

#include "distributed/block_rank.hpp"
#include "lattice/backend.hpp"

namespace lfm::distributed {

// This rank's block in the run's precision, once set up.
using AnyRank = std::variant<std::monostate, std::unique_ptr<BlockRank<double>>, std::unique_ptr<BlockRank<float>>>;

class DistributedBackend final : public Backend {
 public:
  // `depth`: steps between halo exchanges (0 chooses 1); `decomposition`:
  // as choose_split takes it, applied to the grid of the state it gets;
  // `wavefront_rows`: step each block as one cpu_temporal wavefront in
  // bands of these rows where they fit, else in whole planes (0: always;
  // BlockRank::use_wavefront says what it needs), else `cpu`'s sweep per step.
  DistributedBackend(MPI_Comm comm, int depth, std::string decomposition,
                     std::optional<std::size_t> wavefront_rows = std::nullopt);
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
  std::string requested_;
  std::string decomposition_;
  std::optional<std::size_t> wavefront_rows_;
  AnyRank rank_;
  bool stale_ = false;  // the root's state is behind the ranks'
};

// How `ranks` ranks share g: `requested` names the ranks along each axis
// ("4x2x1", "4x2" or "4"; axis 2, the rows' own, is never split), or is
// empty: then MPI_Dims_create's two most even factors over axes 0 and 1 of
// a 3D lattice where their halos fit, else slabs of axis 0. Throws
// InputError with the reason when the split cannot hold the run's halos
// (p's stencil order and boundary) at `depth` steps between exchanges.
Split choose_split(const Grid& g, int ranks, const std::string& requested, const Params& p, int depth);

// "4 ranks (slabs of axis 0: 64, 64, 64, 64 slices), halos of 1 slice,
// exchanged every step", or with rows split "4 ranks (2x2x1 blocks: 128,
// 128 slices of axis 0 by 128, 128 rows of axis 1), …".
std::string describe_decomposition(const Grid& g, Split split, int stencil_order, int depth);
// "each rank steps a block as one cpu_temporal wavefront 4 steps deep, in
// bands of 32 rows" ("in whole planes" where g's planes leave bands of
// band_rows no room at that depth, as the wavefront then takes them).
std::string describe_wavefront(const Grid& g, const Params& p, int depth, std::size_t band_rows);

// JobHooks::make_backend for the root of a distributed run over comm:
// refuses per-rank backends other than cpu, auto (which is cpu here) and
// cpu_temporal, chooses the decomposition (or refuses the one asked for,
// with the reason) and says it once through `notice`. `exchange_depth` 0
// chooses it: 1 for cpu, and for cpu_temporal's wavefront 8 where the
// slabs hold halos that deep (else the deepest they hold).
std::function<std::unique_ptr<Backend>(const BackendInfo&)> root_backends(
    MPI_Comm comm, int exchange_depth, const std::string& decomposition, const Grid& grid, const Params& params,
    const std::function<void(const std::string&)>& notice);

// What every rank but the root runs until the root's job ends (it calls
// end_workers, also when it fails): returns 0, or throws on an MPI error.
int run_worker(MPI_Comm comm);
void end_workers(MPI_Comm comm);

}  // namespace lfm::distributed
