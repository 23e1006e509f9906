#include "distributed/distributed_backend.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <type_traits>

#include "distributed/mpi_slabs.hpp"
#include "lattice/error.hpp"

namespace lfm::distributed {
namespace {

enum class Kind : int { set_up = 1, advance, diagnose, gather, end };

// One command from the root; what set_up needs follows it.
struct Command {
  Kind kind;
  long long steps;  // advance
  double limit;     // diagnose
};

struct SetUp {
  Params params;
  std::size_t shape[3];
  int dims;
  int depth;
  int chi_field;
};
static_assert(std::is_trivially_copyable_v<SetUp>, "broadcast as bytes between ranks of one build");

template <class V>
void broadcast(V& v, MPI_Comm comm) {
  if (MPI_Bcast(&v, sizeof v, MPI_BYTE, 0, comm) != MPI_SUCCESS) throw std::runtime_error("MPI: broadcast failed");
}

int rank_of(MPI_Comm comm) {
  int r = 0;
  MPI_Comm_rank(comm, &r);
  return r;
}
int size_of(MPI_Comm comm) {
  int n = 0;
  MPI_Comm_size(comm, &n);
  return n;
}

// f(rank) for the rank set up so far, in its precision; nothing before set-up.
template <class F>
void with_rank(AnyRank& rank, F&& f) {
  std::visit(
      [&](auto& r) {
        if constexpr (!std::is_same_v<std::decay_t<decltype(r)>, std::monostate>) f(*r);
      },
      rank);
}

// A worker's "no whole state" in the rank's precision.
template <class T>
State<T>* null_state(const SlabRank<T>&) {
  return nullptr;
}

Grid grid_of(const SetUp& s) { return Grid(std::vector<std::size_t>(s.shape, s.shape + s.dims)); }

}  // namespace

std::string describe_decomposition(std::size_t n, int ranks, int stencil_order, int depth) {
  std::string slices;
  for (int r = 0; r < ranks; ++r) slices += (r ? ", " : "") + std::to_string(owned_slices(n, ranks, r).size());
  const std::size_t halo = halo_slices(stencil_order, depth);
  return std::to_string(ranks) + " ranks (slabs of axis 0: " + slices + " slices), halos of " +
         std::to_string(halo) + (halo == 1 ? " slice" : " slices") + ", exchanged every " +
         (depth == 1 ? std::string("step") : std::to_string(depth) + " steps");
}

DistributedBackend::DistributedBackend(MPI_Comm comm, int depth) : comm_(comm), depth_(std::max(depth, 1)) {}

DistributedBackend::~DistributedBackend() = default;

template <class T>
void DistributedBackend::set_up(const State<T>& s, const Params& p) {
  const Grid& g = s.grid();
  const int ranks = size_of(comm_);
  if (g.dims() < 2) throw InputError("a distributed run needs a 2D or 3D lattice; run a 1D lattice on one process");
  const int fits = deepest_depth(g.extent(0), ranks, p.stencil_order, depth_);
  if (fits == 0) {
    throw InputError("the " + g.shape_string() + " lattice has too few slices of axis 0 for " +
                     std::to_string(ranks) + " ranks at stencil order " + std::to_string(p.stencil_order) +
                     ": each rank needs at least " + std::to_string(p.stencil_order / 2) + "; use fewer ranks");
  }
  if (fits < depth_) {
    throw InputError("--exchange-depth " + std::to_string(depth_) + " needs halos of " +
                     std::to_string(halo_slices(p.stencil_order, depth_)) + " slices, more than the thinnest of " +
                     std::to_string(ranks) + " slabs of " + g.shape_string() + " holds; at most " +
                     std::to_string(fits) + " here");
  }
  Command c{Kind::set_up, 0, 0};
  broadcast(c, comm_);
  SetUp up{p, {g.extent(0), g.dims() > 1 ? g.extent(1) : 1, g.dims() > 2 ? g.extent(2) : 1}, g.dims(), depth_,
           s.chi_field ? 1 : 0};
  broadcast(up, comm_);
  auto rank = std::make_unique<SlabRank<T>>(g, p, ranks, 0, depth_, s.chi_field.has_value());
  scatter_state(*rank, &s, comm_);
  rank_ = std::move(rank);
  decomposition_ = describe_decomposition(g.extent(0), ranks, p.stencil_order, depth_);
  stale_ = false;
}

void DistributedBackend::prepare(const State<double>& s, const Params& p, bool) { set_up(s, p); }
void DistributedBackend::prepare(const State<float>& s, const Params& p, bool) { set_up(s, p); }

template <class T>
void DistributedBackend::step(State<T>& s, const Params& p, std::int64_t steps) {
  if (!std::holds_alternative<std::unique_ptr<SlabRank<T>>>(rank_)) set_up(s, p);
  Command c{Kind::advance, static_cast<long long>(steps), 0};
  broadcast(c, comm_);
  distributed::advance(*std::get<std::unique_ptr<SlabRank<T>>>(rank_), steps, comm_);
  s.step += steps;
  stale_ = true;
}

void DistributedBackend::advance(State<double>& s, const Params& p, std::int64_t steps) { step(s, p, steps); }
void DistributedBackend::advance(State<float>& s, const Params& p, std::int64_t steps) { step(s, p, steps); }

std::optional<FusedDiagnostics> DistributedBackend::diagnose(const AnyState&, const Params& p, double limit) {
  Command c{Kind::diagnose, 0, limit};
  broadcast(c, comm_);
  return std::visit(
      [&](const auto& rank) -> FusedDiagnostics {
        if constexpr (std::is_same_v<std::decay_t<decltype(rank)>, std::monostate>) {
          throw std::logic_error("DistributedBackend::diagnose before prepare");
        } else {
          return distributed::diagnose(*rank, p, limit, comm_);
        }
      },
      rank_);
}

void DistributedBackend::sync(AnyState& s) {
  if (!stale_) return;
  Command c{Kind::gather, 0, 0};
  broadcast(c, comm_);
  std::visit(
      [&](auto& state) {
        using T = typename std::decay_t<decltype(state.E)>::value_type;
        gather_state(*std::get<std::unique_ptr<SlabRank<T>>>(rank_), &state, comm_);
      },
      s);
  stale_ = false;
}

void end_workers(MPI_Comm comm) {
  Command c{Kind::end, 0, 0};
  broadcast(c, comm);
}

int run_worker(MPI_Comm comm) {
  AnyRank rank;
  Params params;
  for (;;) {
    Command c{};
    broadcast(c, comm);
    switch (c.kind) {
      case Kind::set_up: {
        SetUp up{};
        broadcast(up, comm);
        params = up.params;
        const Grid g = grid_of(up);
        const auto make = [&](auto zero) {
          using T = decltype(zero);
          auto r = std::make_unique<SlabRank<T>>(g, params, size_of(comm), rank_of(comm), up.depth, up.chi_field);
          scatter_state<T>(*r, nullptr, comm);
          rank = std::move(r);
        };
        if (params.precision == Precision::float64) make(0.0);
        else make(0.0f);
        break;
      }
      case Kind::advance:
        with_rank(rank, [&](auto& r) { distributed::advance(r, c.steps, comm); });
        break;
      case Kind::diagnose:
        with_rank(rank, [&](auto& r) { distributed::diagnose(r, params, c.limit, comm); });
        break;
      case Kind::gather:
        with_rank(rank, [&](auto& r) { gather_state(r, null_state(r), comm); });
        break;
      case Kind::end:
        return 0;
    }
  }
}

}  // namespace lfm::distributed
