#include "distributed/distributed_backend.hpp"

#include <algorithm>
#include <cstring>
#include <sstream>
#include <stdexcept>
#include <type_traits>
#include <utility>
#include <vector>

#include "cpu/diagnostic_partials.hpp"
#include "cpu/wavefront.hpp"
#include "distributed/mpi_blocks.hpp"
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
  Split split;
  int wavefront;  // 1: each block is a wavefront in bands of wavefront_rows
  std::size_t wavefront_rows;
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
State<T>* null_state(const BlockRank<T>&) {
  return nullptr;
}

Grid grid_of(const SetUp& s) { return Grid(std::vector<std::size_t>(s.shape, s.shape + s.dims)); }

}  // namespace

std::string describe_decomposition(const Grid& g, Split split, int stencil_order, int depth) {
  const auto sizes = [&](bool rows) {
    std::string out;
    const int count = rows ? split.rows : split.slices;
    for (int i = 0; i < count; ++i) {
      const Block b = owned_block(g, split, rows ? i : i * split.rows);
      out += (i ? ", " : "") + std::to_string((rows ? b.rows : b.slices).size());
    }
    return out;
  };
  const std::size_t halo = halo_slices(stencil_order, depth);
  const std::string ranks = std::to_string(split.ranks()) + " ranks (";
  const bool line = g.dims() == 1;
  const std::string parts = line              ? "parts of the line: " + sizes(false) + " cells)"
                            : split.rows == 1 ? "slabs of axis 0: " + sizes(false) + " slices)"
                                              : split.text() + " blocks: " + sizes(false) + " slices of axis 0 by " +
                                                    sizes(true) + " rows of axis 1)";
  const std::string unit = line ? " cell" : " slice";
  return ranks + parts + ", halos of " + std::to_string(halo) + unit + (halo == 1 ? "" : "s") + ", exchanged every " +
         (depth == 1 ? std::string("step") : std::to_string(depth) + " steps");
}

std::string describe_wavefront(const Grid& g, const Params& p, int depth, std::size_t band_rows) {
  // The wavefront keeps whole planes where the skew leaves bands no room.
  const auto r = static_cast<std::size_t>(p.stencil_order / 2);
  const bool bands = g.dims() == 3 && cpu::band_count(g.extent(1), r, depth, band_rows, false) > 1;
  return "each rank steps a block as one cpu_temporal wavefront " + std::to_string(depth) + " steps deep, " +
         (bands ? "in bands of " + std::to_string(band_rows) + " rows" : std::string("in whole planes"));
}

namespace {

// "4x2x1", "4x2" or "4" as ranks along axes 0 and 1.
Split parse_split(const std::string& text, const Grid& g) {
  std::vector<long> n;
  std::istringstream in(text);
  bool ok = !text.empty() && text.back() != 'x';
  for (std::string part; ok && std::getline(in, part, 'x');) {
    ok = !part.empty() && part.size() <= 6 && part.find_first_not_of("0123456789") == std::string::npos;
    if (ok) n.push_back(std::stol(part));
  }
  if (!ok || n.size() > 3 || std::find(n.begin(), n.end(), 0) != n.end()) {
    throw InputError("--decomposition " + text + ": expected ranks along each axis, e.g. 4x2x1");
  }
  if (n.size() == 3 && n[2] != 1) {
    throw InputError("--decomposition " + text + ": axis 2 is never split (its rows are what each rank's " +
                     "kernel runs along); use " + std::to_string(n[0]) + "x" + std::to_string(n[1] * n[2]) +
                     "x1 or another split");
  }
  if (n.size() > 1 && n[1] > 1 && g.dims() < 3) {
    const std::string why = g.dims() == 1 ? "it has no other" : "its rows are the contiguous axis";
    throw InputError("--decomposition " + text + ": a " + std::to_string(g.dims()) +
                     "D lattice is split along axis 0 alone (" + why + "); use " + std::to_string(n[0] * n[1]) + "x1");
  }
  return {static_cast<int>(n[0]), n.size() > 1 ? static_cast<int>(n[1]) : 1};
}

}  // namespace

Split choose_split(const Grid& g, int ranks, const std::string& requested, const Params& p, int depth) {
  const int stencil_order = p.stencil_order;
  const bool reflective = p.boundary == Boundary::reflective;
  if (requested.empty() && g.dims() == 3) {
    int dims[2] = {0, 0};
    MPI_Dims_create(ranks, 2, dims);
    const Split blocks{dims[0], dims[1]};
    if (blocks.rows > 1 && deepest_depth(g, blocks, stencil_order, depth, reflective) == depth) return blocks;
  }
  const Split split = requested.empty() ? Split{ranks, 1} : parse_split(requested, g);
  if (split.ranks() != ranks) {
    throw InputError("--decomposition " + requested + " is " + std::to_string(split.ranks()) +
                     " ranks; mpiexec started " + std::to_string(ranks));
  }
  if (g.dims() == 1 && deepest_depth(g, split, stencil_order, 1, reflective) == 0) {
    const std::size_t per_slab = cpu::slab_layout(g).cells_per_slab;
    const std::size_t slabs = slabs_of_line(g);
    throw InputError("the 1D lattice's " + std::to_string(g.extent(0)) + " cells make " + std::to_string(slabs) +
                     (slabs == 1 ? " slab" : " slabs") + " of the diagnostics (" + std::to_string(per_slab) +
                     " cells each), shared out whole: too few for " + std::to_string(split.slices) +
                     " ranks at stencil order " + std::to_string(stencil_order) + "; use fewer ranks");
  }
  if (deepest_depth(g.extent(0), split.slices, stencil_order, 1, reflective) == 0) {
    throw InputError("the " + g.shape_string() + " lattice has too few slices of axis 0 for " +
                     std::to_string(split.slices) + " ranks along it at stencil order " +
                     std::to_string(stencil_order) + ": each rank needs at least " +
                     std::to_string(fewest_owned(stencil_order, 1, reflective)) +
                     (reflective ? " (2 with reflective faces)" : "") + "; use fewer ranks");
  }
  if (split.rows > 1 && deepest_depth(g, split, stencil_order, 1, reflective) == 0) {
    const std::size_t per_slab = cpu::slab_layout(g).rows_per_slab;
    throw InputError("the " + g.shape_string() + " lattice's " + std::to_string(g.extent(1)) + " rows of axis 1 make " +
                     std::to_string((g.extent(1) + per_slab - 1) / per_slab) + " slabs of the diagnostics (" +
                     std::to_string(per_slab) + " rows each), shared out whole: too few for " +
                     std::to_string(split.rows) + " ranks along it at stencil order " + std::to_string(stencil_order) +
                     "; use fewer ranks along axis 1");
  }
  const int fits = deepest_depth(g, split, stencil_order, depth, reflective);
  if (fits < depth) {
    throw InputError("--exchange-depth " + std::to_string(depth) + " needs halos of " +
                     std::to_string(halo_slices(stencil_order, depth)) + (g.dims() == 1 ? " cells" : " slices") +
                     ", more than the thinnest of " + std::to_string(ranks) + " blocks of " + g.shape_string() +
                     " holds; at most " + std::to_string(fits) + " here");
  }
  return split;
}

DistributedBackend::DistributedBackend(MPI_Comm comm, int depth, std::string decomposition,
                                       std::optional<std::size_t> wavefront_rows)
    : comm_(comm), depth_(std::max(depth, 1)), requested_(std::move(decomposition)), wavefront_rows_(wavefront_rows) {}

DistributedBackend::~DistributedBackend() = default;

template <class T>
void DistributedBackend::set_up(const State<T>& s, const Params& p) {
  const Grid& g = s.grid();
  const Split split = choose_split(g, size_of(comm_), requested_, p, depth_);
  // Refusals come before the first broadcast, while the workers still wait for a command.
  auto rank = std::make_unique<BlockRank<T>>(g, p, split, 0, depth_, s.chi_field.has_value());
  if (wavefront_rows_) rank->use_wavefront(*wavefront_rows_);
  Command c{Kind::set_up, 0, 0};
  broadcast(c, comm_);
  SetUp up{p, {g.extent(0), g.dims() > 1 ? g.extent(1) : 1, g.dims() > 2 ? g.extent(2) : 1}, g.dims(), depth_,
           s.chi_field ? 1 : 0, split, wavefront_rows_ ? 1 : 0, wavefront_rows_.value_or(0)};
  broadcast(up, comm_);
  scatter_state(*rank, &s, comm_);
  rank_ = std::move(rank);
  decomposition_ = describe_decomposition(g, split, p.stencil_order, depth_);
  if (wavefront_rows_) decomposition_ += "; " + describe_wavefront(g, p, depth_, *wavefront_rows_);
  stale_ = false;
}

void DistributedBackend::prepare(const State<double>& s, const Params& p, bool) { set_up(s, p); }
void DistributedBackend::prepare(const State<float>& s, const Params& p, bool) { set_up(s, p); }

template <class T>
void DistributedBackend::step(State<T>& s, const Params& p, std::int64_t steps) {
  if (!std::holds_alternative<std::unique_ptr<BlockRank<T>>>(rank_)) set_up(s, p);
  Command c{Kind::advance, static_cast<long long>(steps), 0};
  broadcast(c, comm_);
  distributed::advance(*std::get<std::unique_ptr<BlockRank<T>>>(rank_), steps, comm_);
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
        gather_state(*std::get<std::unique_ptr<BlockRank<T>>>(rank_), &state, comm_);
      },
      s);
  stale_ = false;
}

namespace {

// A cpu_temporal wavefront on each rank, unless the exchange depth is
// given: 8 steps deep where the slabs hold halos that deep (else the
// deepest they hold), in bands of 32 rows: common choices of its tuner at
// 256^3 (ranks do not tune).
constexpr int wavefront_depth = 8;
constexpr std::size_t wavefront_band_rows = 32;

}  // namespace

std::function<std::unique_ptr<Backend>(const BackendInfo&)> root_backends(
    MPI_Comm comm, int exchange_depth, const std::string& decomposition, const Grid& grid, const Params& params,
    const std::function<void(const std::string&)>& notice) {
  const int ranks = size_of(comm);
  return [=](const BackendInfo& info) -> std::unique_ptr<Backend> {
    const bool wavefront = info.name == "cpu_temporal";
    if (info.name != "cpu" && info.name != "auto" && !wavefront) {
      throw InputError("backend " + info.name + ": a distributed run steps every rank with cpu or cpu_temporal " +
                       "(auto, the default, chooses cpu); " + info.name + " runs on one process");
    }
    // The wavefront takes whole planes: by default its ranks hold slabs.
    const std::string requested = wavefront && decomposition.empty() ? std::to_string(ranks) : decomposition;
    int depth = exchange_depth;
    if (depth <= 0) {
      depth = wavefront ? std::max(1, deepest_depth(grid.extent(0), ranks, params.stencil_order, wavefront_depth,
                                                    params.boundary == Boundary::reflective))
                        : 1;
    }
    const Split split = choose_split(grid, ranks, requested, params, depth);
    const std::optional<std::size_t> band_rows =
        wavefront ? std::optional<std::size_t>(wavefront_band_rows) : std::nullopt;
    if (notice) {
      std::string text = "distributed over " + describe_decomposition(grid, split, params.stencil_order, depth);
      if (band_rows) text += "; " + describe_wavefront(grid, params, depth, *band_rows);
      notice(text);
    }
    return std::make_unique<DistributedBackend>(comm, depth, requested, band_rows);
  };
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
          auto r = std::make_unique<BlockRank<T>>(g, params, up.split, rank_of(comm), up.depth, up.chi_field);
          if (up.wavefront) r->use_wavefront(up.wavefront_rows);
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
