#include "distributed/mpi_blocks.hpp"

#include <array>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <map>
#include <stdexcept>
#include <utility>
#include <vector>

namespace lfm::distributed {
namespace {

template <class T>
MPI_Datatype scalar_type() {
  return sizeof(T) == sizeof(double) ? MPI_DOUBLE : MPI_FLOAT;
}

void check(int rc, const char* what) {
  if (rc != MPI_SUCCESS) throw std::runtime_error(std::string("MPI: ") + what + " failed");
}

// A committed MPI datatype, freed with its owner. Counts are in slices,
// rows or blocks, so they stay far below INT_MAX at any size a node holds.
class Type {
 public:
  explicit Type(MPI_Datatype t) : type_(t) { check(MPI_Type_commit(&type_), "a datatype"); }
  ~Type() {
    if (type_ != MPI_DATATYPE_NULL) MPI_Type_free(&type_);
  }
  Type(Type&& o) noexcept : type_(std::exchange(o.type_, MPI_DATATYPE_NULL)) {}
  Type(const Type&) = delete;
  Type& operator=(const Type&) = delete;
  Type& operator=(Type&&) = delete;
  MPI_Datatype get() const { return type_; }

 private:
  MPI_Datatype type_;
};

// Slices [s.begin, s.end) × rows [r.begin, r.end) × every cell of a row,
// within an array of slices × rows × nx.
template <class T>
Type box(std::size_t slices, std::size_t rows, std::size_t nx, SliceRange s, SliceRange r) {
  const int sizes[3] = {static_cast<int>(slices), static_cast<int>(rows), static_cast<int>(nx)};
  const int sub[3] = {static_cast<int>(s.size()), static_cast<int>(r.size()), static_cast<int>(nx)};
  const int start[3] = {static_cast<int>(s.begin), static_cast<int>(r.begin), 0};
  MPI_Datatype t;
  MPI_Type_create_subarray(3, sizes, sub, start, MPI_ORDER_C, scalar_type<T>(), &t);
  return Type(t);
}

// The whole lattice as slices × rows × nx (rows = 1 in 2D).
std::size_t rows_of(const Grid& g) { return g.dims() == 3 ? g.extent(1) : 1; }

// The owned box within a rank's padded block.
template <class T>
Type owned_box(const BlockRank<T>& rank) {
  return box<T>(rank.owned().size() + 2 * rank.halo(), rank.padded_rows(), rank.row_cells(),
                {rank.halo(), rank.halo() + rank.owned().size()},
                {rank.row_halo(), rank.row_halo() + rank.owned_rows().size()});
}

int rank_of(MPI_Comm comm) {
  int r = 0;
  MPI_Comm_rank(comm, &r);
  return r;
}

// Transfers started and not yet completed, and the datatypes of the
// regions they move, made once per region: every block moves the same.
struct Pending {
  std::vector<MPI_Request> requests;
  std::map<std::array<std::size_t, 4>, Type> types;
  template <class T>
  MPI_Datatype type(const BlockRank<T>& rank, const typename BlockRank<T>::Region& at) {
    const std::array<std::size_t, 4> key{at.slices.begin, at.slices.end, at.rows.begin, at.rows.end};
    auto found = types.find(key);
    if (found == types.end()) {
      found = types.emplace(key, box<T>(rank.owned().size() + 2 * rank.halo(), rank.padded_rows(), rank.row_cells(),
                                        at.slices, at.rows)).first;
    }
    return found->second.get();
  }
  void wait() {
    check(MPI_Waitall(static_cast<int>(requests.size()), requests.data(), MPI_STATUSES_IGNORE), "halo exchange");
    requests.clear();
  }
};

// One tag per field and direction of travel (up to 3 fields, 9 directions).
int tag_of(int channel, int slices, int rows) { return 100 + 9 * channel + 3 * (slices + 1) + (rows + 1); }

// Receives and sends of every transfer, without blocking: what comes from
// the neighbour in a direction is what it sent in the opposite one.
template <class T>
void start(const BlockRank<T>& rank, const typename BlockRank<T>::Transfers& transfers, MPI_Comm comm,
           Pending& pending) {
  const int me = rank_of(comm);
  for (const auto& t : transfers) {
    const int peer = neighbour(rank.split(), me, t.slices, t.rows);
    pending.requests.emplace_back();
    check(MPI_Irecv(t.base, 1, pending.type(rank, t.receive), peer, tag_of(t.channel, -t.slices, -t.rows), comm,
                    &pending.requests.back()),
          "halo receive");
    pending.requests.emplace_back();
    check(MPI_Isend(t.base, 1, pending.type(rank, t.send), peer, tag_of(t.channel, t.slices, t.rows), comm,
                    &pending.requests.back()),
          "halo send");
  }
}

// Whole halos of these padded fields, blocking.
template <class T>
void exchange_fields(BlockRank<T>& rank, std::initializer_list<Field<T>*> fields, MPI_Comm comm) {
  Pending pending;
  int channel = 0;
  for (Field<T>* f : fields) start(rank, rank.transfers(f->data(), rank.halo(), channel++), comm, pending);
  pending.wait();
}

// Sums per slab as plain doubles.
constexpr int per_slab = sizeof(cpu::DiagnosticSums) / sizeof(double);
static_assert(sizeof(cpu::DiagnosticSums) == per_slab * sizeof(double), "slab sums are plain doubles");

}  // namespace

template <class T>
void exchange_halos(BlockRank<T>& rank, MPI_Comm comm) {
  exchange_fields(rank, {&rank.local().E, &rank.local().E_prev}, comm);
}

template <class T>
void advance(BlockRank<T>& rank, std::int64_t steps, MPI_Comm comm) {
  if (rank.wavefront()) {  // one pass of the whole block, then the exchange
    for (; steps > 0; steps -= rank.depth()) {
      rank.advance(static_cast<int>(std::min<std::int64_t>(steps, rank.depth())));
      exchange_halos(rank, comm);
    }
    return;
  }
  Pending pending;
  for (; steps >= rank.depth(); steps -= rank.depth()) {
    const auto progress = [&] {
      int done = 0;
      check(MPI_Testall(static_cast<int>(pending.requests.size()), pending.requests.data(), &done,
                        MPI_STATUSES_IGNORE),
            "halo exchange");
    };
    rank.advance_block([&](const typename BlockRank<T>::Transfers& t) { start(rank, t, comm, pending); }, progress);
    pending.wait();
  }
  if (steps > 0) {
    rank.advance(static_cast<int>(steps));
    exchange_halos(rank, comm);
  }
}

template <class T>
void scatter_state(BlockRank<T>& rank, const State<T>* whole, MPI_Comm comm) {
  const int me = rank_of(comm);
  const Grid& g = rank.whole();
  State<T>& local = rank.local();
  const Type mine = owned_box(rank);
  std::vector<Type> theirs;
  std::vector<MPI_Request> q;
  const auto scatter = [&](const Field<T>* from, Field<T>& to, int tag) {
    q.emplace_back();
    check(MPI_Irecv(to.data(), 1, mine.get(), 0, tag, comm, &q.back()), "scatter (receive)");
    if (me != 0) return;
    for (int r = 0; r < rank.split().ranks(); ++r) {
      const Block b = owned_block(g, rank.split(), r);
      theirs.push_back(box<T>(g.extent(0), rows_of(g), rank.row_cells(), b.slices, b.rows));
      q.emplace_back();
      check(MPI_Isend(from->data(), 1, theirs.back().get(), r, tag, comm, &q.back()), "scatter (send)");
    }
  };
  theirs.reserve(3 * static_cast<std::size_t>(rank.split().ranks()));  // the types outlive the requests
  scatter(whole ? &whole->E : nullptr, local.E, 10);
  scatter(whole ? &whole->E_prev : nullptr, local.E_prev, 11);
  if (local.chi_field) scatter(whole ? &*whole->chi_field : nullptr, *local.chi_field, 12);
  check(MPI_Waitall(static_cast<int>(q.size()), q.data(), MPI_STATUSES_IGNORE), "scatter");
  if (local.chi_field) exchange_fields(rank, {&*local.chi_field}, comm);
  long long step = me == 0 ? whole->step : 0;
  check(MPI_Bcast(&step, 1, MPI_LONG_LONG, 0, comm), "broadcast of the step");
  local.step = step;
  exchange_halos(rank, comm);
}

template <class T>
void gather_state(const BlockRank<T>& rank, State<T>* whole, MPI_Comm comm) {
  const int me = rank_of(comm);
  const Grid& g = rank.whole();
  const Type mine = owned_box(rank);
  std::vector<Type> theirs;
  theirs.reserve(static_cast<std::size_t>(rank.split().ranks()));
  std::vector<MPI_Request> q;
  const auto gather = [&](const Field<T>& from, Field<T>* to, int tag) {
    q.emplace_back();
    check(MPI_Isend(from.data(), 1, mine.get(), 0, tag, comm, &q.back()), "gather (send)");
    if (me != 0) return;
    for (int r = 0; r < rank.split().ranks(); ++r) {
      if (theirs.size() <= static_cast<std::size_t>(r)) {
        const Block b = owned_block(g, rank.split(), r);
        theirs.push_back(box<T>(g.extent(0), rows_of(g), rank.row_cells(), b.slices, b.rows));
      }
      q.emplace_back();
      check(MPI_Irecv(to->data(), 1, theirs[r].get(), r, tag, comm, &q.back()), "gather (receive)");
    }
  };
  gather(rank.local().E, whole ? &whole->E : nullptr, 20);
  gather(rank.local().E_prev, whole ? &whole->E_prev : nullptr, 21);
  check(MPI_Waitall(static_cast<int>(q.size()), q.data(), MPI_STATUSES_IGNORE), "gather");
  if (me == 0) whole->step = rank.local().step;
}

template <class T>
FusedDiagnostics diagnose(const BlockRank<T>& rank, const Params& p, double limit, MPI_Comm comm) {
  const int me = rank_of(comm), ranks = rank.split().ranks();
  const Grid& g = rank.whole();
  const cpu::SlabLayout whole = cpu::slab_layout(g);
  const std::vector<cpu::DiagnosticSums> mine = rank.diagnostic_partials(limit);
  // Every rank's slabs, in the order rank r holds them.
  std::vector<std::vector<std::size_t>> slabs(ranks);
  std::vector<int> counts(ranks), offsets(ranks);
  for (int r = 0, at = 0; r < ranks; ++r) {
    slabs[r] = slabs_held(g, owned_block(g, rank.split(), r));
    counts[r] = static_cast<int>(slabs[r].size()) * per_slab;
    offsets[r] = at;
    at += counts[r];
  }
  std::vector<cpu::DiagnosticSums> gathered(me == 0 ? whole.slices * whole.slabs_per_slice : 0);
  check(MPI_Gatherv(mine.data(), counts[me], MPI_DOUBLE, gathered.data(), counts.data(), offsets.data(), MPI_DOUBLE,
                    0, comm),
        "gather of the diagnostic sums");

  // What every rank needs of the root's sum: energy, invariant, max|E|,
  // the non-finite count and the first bad slab (as doubles: exact below 2^53).
  double result[5] = {};
  FusedDiagnostics out;
  if (me == 0) {
    std::vector<cpu::DiagnosticSums> all(gathered.size());  // in the whole lattice's slab order
    for (int r = 0; r < ranks; ++r) {
      for (std::size_t j = 0; j < slabs[r].size(); ++j) all[slabs[r][j]] = gathered[offsets[r] / per_slab + j];
    }
    const double chi = rank.local().chi_field ? 1.0 : static_cast<double>(static_cast<T>(p.chi));
    std::size_t first_bad_slab = 0;
    out = cpu::sum_partials(all, p, g.dims(), chi, &first_bad_slab);
    result[0] = out.energy, result[1] = out.invariant, result[2] = out.health.max_abs;
    result[3] = static_cast<double>(out.health.non_finite);
    result[4] = first_bad_slab < all.size() ? static_cast<double>(first_bad_slab) : -1.0;
  }
  check(MPI_Bcast(result, 5, MPI_DOUBLE, 0, comm), "broadcast of the diagnostics");
  out.energy = result[0], out.invariant = result[1], out.health.max_abs = result[2];
  out.health.non_finite = static_cast<std::int64_t>(result[3]);
  if (result[4] >= 0) {
    const std::size_t slab = static_cast<std::size_t>(result[4]);
    // The rank that holds the slab, and its index there.
    int owner = 0;
    std::size_t j = 0;
    for (int r = 0; r < ranks; ++r) {
      for (std::size_t k = 0; k < slabs[r].size(); ++k) {
        if (slabs[r][k] == slab) owner = r, j = k;
      }
    }
    // index, coordinates and value of the bad cell, sent by its owner.
    double cell[5] = {};
    if (me == owner) {
      const auto bad = rank.first_bad(limit, j);
      cell[0] = static_cast<double>(bad->index), cell[4] = bad->value;
      for (int a = 0; a < 3; ++a) cell[1 + a] = static_cast<double>(bad->coords[a]);
    }
    check(MPI_Bcast(cell, 5, MPI_DOUBLE, owner, comm), "broadcast of the first bad cell");
    out.health.first_bad = BadCell{static_cast<std::size_t>(cell[0]),
                                   {static_cast<std::size_t>(cell[1]), static_cast<std::size_t>(cell[2]),
                                    static_cast<std::size_t>(cell[3])},
                                   cell[4]};
  }
  return out;
}

#define LFM_MPI_BLOCKS(T)                                                          \
  template void exchange_halos(BlockRank<T>&, MPI_Comm);                           \
  template void advance(BlockRank<T>&, std::int64_t, MPI_Comm);                    \
  template void scatter_state(BlockRank<T>&, const State<T>*, MPI_Comm);           \
  template void gather_state(const BlockRank<T>&, State<T>*, MPI_Comm);            \
  template FusedDiagnostics diagnose(const BlockRank<T>&, const Params&, double, MPI_Comm);
LFM_MPI_BLOCKS(double)
LFM_MPI_BLOCKS(float)
#undef LFM_MPI_BLOCKS

}  // namespace lfm::distributed
