#include "distributed/mpi_slabs.hpp"

#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <vector>

namespace lfm::distributed {
namespace {

template <class T>
MPI_Datatype scalar_type() {
  return sizeof(T) == sizeof(double) ? MPI_DOUBLE : MPI_FLOAT;
}

// One slice of the lattice as an MPI type, so that counts are in slices
// and stay far below INT_MAX at any size a node holds.
template <class T>
struct SliceType {
  MPI_Datatype type;
  explicit SliceType(std::size_t cells) {
    MPI_Type_contiguous(static_cast<int>(cells), scalar_type<T>(), &type);
    MPI_Type_commit(&type);
  }
  ~SliceType() { MPI_Type_free(&type); }
  SliceType(const SliceType&) = delete;
  SliceType& operator=(const SliceType&) = delete;
};

void check(int rc, const char* what) {
  if (rc != MPI_SUCCESS) throw std::runtime_error(std::string("MPI: ") + what + " failed");
}

struct Ring {
  int size, rank, down, up;
  explicit Ring(MPI_Comm comm) {
    MPI_Comm_size(comm, &size);
    MPI_Comm_rank(comm, &rank);
    down = (rank + size - 1) % size;
    up = (rank + 1) % size;
  }
};

// Slice counts and offsets of every rank's owned slices, in rank order.
void owned_counts(std::size_t n, int ranks, std::vector<int>& counts, std::vector<int>& offsets) {
  counts.resize(ranks);
  offsets.resize(ranks);
  for (int r = 0; r < ranks; ++r) {
    const SliceRange s = owned_slices(n, ranks, r);
    counts[r] = static_cast<int>(s.size());
    offsets[r] = static_cast<int>(s.begin);
  }
}

template <class T>
void exchange_field(SlabRank<T>& rank, Field<T>& f, const Ring& ring, MPI_Comm comm) {
  const auto b = rank.blocks(f);
  const int count = static_cast<int>(rank.halo());
  const SliceType<T> slice(rank.slice_cells());
  // Upward: my top slices become the upper neighbour's lower halo; then downward.
  check(MPI_Sendrecv(b.last_owned, count, slice.type, ring.up, 0, b.lower_halo, count, slice.type, ring.down, 0,
                     comm, MPI_STATUS_IGNORE),
        "halo exchange (up)");
  check(MPI_Sendrecv(b.first_owned, count, slice.type, ring.down, 1, b.upper_halo, count, slice.type, ring.up, 1,
                     comm, MPI_STATUS_IGNORE),
        "halo exchange (down)");
}

}  // namespace

template <class T>
void exchange_halos(SlabRank<T>& rank, MPI_Comm comm) {
  const Ring ring(comm);
  exchange_field(rank, rank.local().E, ring, comm);
  exchange_field(rank, rank.local().E_prev, ring, comm);
}

template <class T>
void advance(SlabRank<T>& rank, std::int64_t steps, MPI_Comm comm) {
  const Ring ring(comm);
  const SliceType<T> slice(rank.slice_cells());
  for (; steps >= rank.depth(); steps -= rank.depth()) {
    std::vector<MPI_Request> pending;
    rank.advance_block([&](const typename SlabRank<T>::Transfers& transfers) {
      int tag = 0;
      for (const auto& t : transfers) {
        if (t.slices == 0) continue;
        const int count = static_cast<int>(t.slices);
        MPI_Request q[4];
        // Upward: my top slices become the upper neighbour's lower halo; then downward.
        check(MPI_Irecv(t.lower_halo, count, slice.type, ring.down, tag, comm, &q[0]), "halo receive");
        check(MPI_Irecv(t.upper_halo, count, slice.type, ring.up, tag + 1, comm, &q[1]), "halo receive");
        check(MPI_Isend(t.send_up, count, slice.type, ring.up, tag, comm, &q[2]), "halo send");
        check(MPI_Isend(t.send_down, count, slice.type, ring.down, tag + 1, comm, &q[3]), "halo send");
        pending.insert(pending.end(), q, q + 4);
        tag += 2;
      }
    });
    check(MPI_Waitall(static_cast<int>(pending.size()), pending.data(), MPI_STATUSES_IGNORE), "halo exchange");
  }
  if (steps > 0) {
    rank.advance(static_cast<int>(steps));
    exchange_halos(rank, comm);
  }
}

template <class T>
void scatter_state(SlabRank<T>& rank, const State<T>* whole, MPI_Comm comm) {
  const Ring ring(comm);
  std::vector<int> counts, offsets;
  owned_counts(rank.whole().extent(0), ring.size, counts, offsets);
  const SliceType<T> slice(rank.slice_cells());
  State<T>& local = rank.local();
  const std::size_t at = rank.halo() * rank.slice_cells();
  const auto scatter = [&](const Field<T>* from, Field<T>& to) {
    check(MPI_Scatterv(ring.rank == 0 ? from->data() : nullptr, counts.data(), offsets.data(), slice.type,
                       to.data() + at, counts[ring.rank], slice.type, 0, comm),
          "scatter");
  };
  scatter(whole ? &whole->E : nullptr, local.E);
  scatter(whole ? &whole->E_prev : nullptr, local.E_prev);
  if (local.chi_field) {
    scatter(whole ? &*whole->chi_field : nullptr, *local.chi_field);
    exchange_field(rank, *local.chi_field, ring, comm);
  }
  long long step = ring.rank == 0 ? whole->step : 0;
  check(MPI_Bcast(&step, 1, MPI_LONG_LONG, 0, comm), "broadcast of the step");
  local.step = step;
  exchange_halos(rank, comm);
}

template <class T>
void gather_state(const SlabRank<T>& rank, State<T>* whole, MPI_Comm comm) {
  const Ring ring(comm);
  std::vector<int> counts, offsets;
  owned_counts(rank.whole().extent(0), ring.size, counts, offsets);
  const SliceType<T> slice(rank.slice_cells());
  const std::size_t at = rank.halo() * rank.slice_cells();
  const auto gather = [&](const Field<T>& from, Field<T>* to) {
    check(MPI_Gatherv(from.data() + at, counts[ring.rank], slice.type, ring.rank == 0 ? to->data() : nullptr,
                      counts.data(), offsets.data(), slice.type, 0, comm),
          "gather");
  };
  gather(rank.local().E, whole ? &whole->E : nullptr);
  gather(rank.local().E_prev, whole ? &whole->E_prev : nullptr);
  if (ring.rank == 0) whole->step = rank.local().step;
}

template <class T>
FusedDiagnostics diagnose(const SlabRank<T>& rank, const Params& p, double limit, MPI_Comm comm) {
  const Ring ring(comm);
  constexpr int per_slab = sizeof(cpu::DiagnosticSums) / sizeof(double);
  static_assert(sizeof(cpu::DiagnosticSums) == per_slab * sizeof(double), "slab sums are plain doubles");
  const std::vector<cpu::DiagnosticSums> mine = rank.diagnostic_partials(limit);
  const std::size_t per_slice = cpu::slab_layout(rank.local().grid()).slabs_per_slice;
  std::vector<int> counts, offsets;
  owned_counts(rank.whole().extent(0), ring.size, counts, offsets);
  for (int r = 0; r < ring.size; ++r) {
    counts[r] *= static_cast<int>(per_slice) * per_slab;
    offsets[r] *= static_cast<int>(per_slice) * per_slab;
  }
  std::vector<cpu::DiagnosticSums> all(ring.rank == 0 ? rank.whole().extent(0) * per_slice : 0);
  check(MPI_Gatherv(mine.data(), counts[ring.rank], MPI_DOUBLE, all.data(), counts.data(), offsets.data(),
                    MPI_DOUBLE, 0, comm),
        "gather of the diagnostic sums");

  // What every rank needs of the root's sum: energy, invariant, max|E|,
  // the non-finite count and the first bad slab (as doubles: exact below 2^53).
  double result[5] = {};
  FusedDiagnostics out;
  if (ring.rank == 0) {
    const double chi = rank.local().chi_field ? 1.0 : static_cast<double>(static_cast<T>(p.chi));
    std::size_t first_bad_slab = 0;
    out = cpu::sum_partials(all, p, rank.whole().dims(), chi, &first_bad_slab);
    result[0] = out.energy, result[1] = out.invariant, result[2] = out.health.max_abs;
    result[3] = static_cast<double>(out.health.non_finite);
    result[4] = first_bad_slab < all.size() ? static_cast<double>(first_bad_slab) : -1.0;
  }
  check(MPI_Bcast(result, 5, MPI_DOUBLE, 0, comm), "broadcast of the diagnostics");
  out.energy = result[0], out.invariant = result[1], out.health.max_abs = result[2];
  out.health.non_finite = static_cast<std::int64_t>(result[3]);
  if (result[4] >= 0) {
    const std::size_t slab = static_cast<std::size_t>(result[4]), slice = slab / per_slice;
    int owner = 0;
    while (owned_slices(rank.whole().extent(0), ring.size, owner).end <= slice) ++owner;
    // index, coordinates and value of the bad cell, sent by its owner.
    double cell[5] = {};
    if (ring.rank == owner) {
      const std::size_t j = slab - owned_slices(rank.whole().extent(0), ring.size, owner).begin * per_slice;
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

#define LFM_MPI_SLABS(T)                                                           \
  template void exchange_halos(SlabRank<T>&, MPI_Comm);                            \
  template void advance(SlabRank<T>&, std::int64_t, MPI_Comm);                     \
  template void scatter_state(SlabRank<T>&, const State<T>*, MPI_Comm);            \
  template void gather_state(const SlabRank<T>&, State<T>*, MPI_Comm);             \
  template FusedDiagnostics diagnose(const SlabRank<T>&, const Params&, double, MPI_Comm);
LFM_MPI_SLABS(double)
LFM_MPI_SLABS(float)
#undef LFM_MPI_SLABS

}  // namespace lfm::distributed
