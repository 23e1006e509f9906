// What a distributed step costs, per part, under mpiexec: one step of
// every rank's block and one blocking exchange of both fields' halos, timed
// apart, then the step as a run makes it (distributed::advance: the
// exchange of what the next step needs, started once the edge slices are
// computed and overlapped with the rest). A barrier before each, the
// slowest rank's time kept, the three interleaved after a warm-up.
//   usage: mpiexec -n P mpi_halo_bench [--n 256] [--reps 20] [--order 2]
//                                      [--decomposition AxBx1]  (default: slabs)
// Prints, on the root: the split, then the median and range of each in ms,
// the exchange's share of step + exchange, and what the exchange adds to a
// step as a run makes it (as run minus the step alone, each repetition's
// pair taken together).
#include <mpi.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "distributed/distributed_backend.hpp"
#include "distributed/mpi_blocks.hpp"
#include "lattice/workloads.hpp"
#include "lattice/perf/stats.hpp"

namespace {

double slowest(double seconds) {
  double out = 0;
  MPI_Allreduce(&seconds, &out, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
  return out;
}

template <class F>
double timed(F&& f) {
  MPI_Barrier(MPI_COMM_WORLD);
  const double t0 = MPI_Wtime();
  f();
  return slowest(MPI_Wtime() - t0);
}

}  // namespace

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int rank = 0, ranks = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &ranks);
  std::size_t n = 256;
  int reps = 20, order = 2;
  std::string decomposition;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--n") n = std::strtoul(argv[i + 1], nullptr, 10);
    else if (a == "--reps") reps = std::atoi(argv[i + 1]);
    else if (a == "--order") order = std::atoi(argv[i + 1]);
    else if (a == "--decomposition") decomposition = argv[i + 1];
  }
  lfm::Problem problem = lfm::make_workload("wave_packet", 3, n, lfm::Precision::float64);
  problem.params.stencil_order = order;
  auto& whole = std::get<lfm::State<double>>(problem.state);
  const lfm::distributed::Split split =
      lfm::distributed::choose_split(whole.grid(), ranks, decomposition.empty() ? std::to_string(ranks) : decomposition,
                                     problem.params, 1);
  lfm::distributed::BlockRank<double> block(whole.grid(), problem.params, split, rank, 1, false);
  lfm::distributed::scatter_state(block, rank == 0 ? &whole : nullptr, MPI_COMM_WORLD);
  std::vector<double> step, exchange, overlapped, unhidden;
  for (int r = -2; r < reps; ++r) {  // two untimed repetitions first
    const double s = timed([&] { block.advance(1); });
    const double e = timed([&] { lfm::distributed::exchange_halos(block, MPI_COMM_WORLD); });
    const double o = timed([&] { lfm::distributed::advance(block, 1, MPI_COMM_WORLD); });
    if (r >= 0) step.push_back(s), exchange.push_back(e), overlapped.push_back(o), unhidden.push_back(o - s);
  }
  if (rank == 0) {
    const auto st = lfm::stats::summarize(step), ex = lfm::stats::summarize(exchange),
               ov = lfm::stats::summarize(overlapped), un = lfm::stats::summarize(unhidden);
    std::printf("%s, %zu^3 float64, order %d, %d repetitions\n",
                lfm::distributed::describe_decomposition(whole.grid(), split, order, 1).c_str(), n, order, reps);
    std::printf("step      median %.3f ms (range %.3f-%.3f)\n", 1e3 * st.median, 1e3 * st.min, 1e3 * st.max);
    std::printf("exchange  median %.3f ms (range %.3f-%.3f), %.1f %% of step + exchange\n", 1e3 * ex.median,
                1e3 * ex.min, 1e3 * ex.max, 100 * ex.median / (st.median + ex.median));
    std::printf("as run    median %.3f ms (range %.3f-%.3f): step with the next step's halos exchanged meanwhile\n",
                1e3 * ov.median, 1e3 * ov.min, 1e3 * ov.max);
    std::printf("unhidden  median %.3f ms (range %.3f-%.3f): as run minus the step alone, paired by repetition\n",
                1e3 * un.median, 1e3 * un.min, 1e3 * un.max);
  }
  MPI_Finalize();
  return 0;
}
