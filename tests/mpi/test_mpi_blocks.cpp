// Distributed slabs between real processes (ctest label `mpi`, under
// mpiexec with 1–4 ranks): scattered from the root, stepped in blocks with
// the MPI halo exchange, gathered back. The fields must be the bytes one
// process gives with `cpu` and the diagnostics its bits, on every rank.
// Every rank makes the same collective calls whatever the outcome; the
// root compares and tells the others, so that all pass or fail together.
#include <gtest/gtest.h>
#include <mpi.h>

#include <array>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "distributed/mpi_blocks.hpp"
#include "lattice/backend.hpp"
#include "support/test_states.hpp"

namespace lfm {
namespace {

using distributed::BlockRank;

int world_rank() {
  int r = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &r);
  return r;
}
int world_size() {
  int n = 0;
  MPI_Comm_size(MPI_COMM_WORLD, &n);
  return n;
}

// The root's verdict, on every rank.
bool agreed(bool ok_on_root) {
  int ok = ok_on_root ? 1 : 0;
  MPI_Bcast(&ok, 1, MPI_INT, 0, MPI_COMM_WORLD);
  return ok == 1;
}

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }
template <class T>
bool same_bits(const Field<T>& a, const Field<T>& b) {
  return std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) == 0;
}

struct Case {
  std::vector<std::size_t> shape;
  int order;
  Boundary boundary;
  bool chi_field;
  int depth;
  std::string name() const {
    return std::to_string(shape.size()) + "D order " + std::to_string(order) + " " +
           std::string(to_string(boundary)) + (chi_field ? " chi field" : " chi scalar") + ", depth " +
           std::to_string(depth) + ", " + std::to_string(world_size()) + " ranks";
  }
};

// Steps in blocks of the depth; after each block, the first mismatch (""
// when none), agreed by every rank.
template <class T>
std::string first_mismatch(const Case& c, int steps, bool exchange = true,
                           distributed::Split split = {world_size(), 1}) {
  const Grid g(c.shape);
  const Params p = testing::test_params(c.order, c.boundary, 0.01);
  const bool root = world_rank() == 0;
  State<T> whole = convert_state<T>(testing::random_state(g, 11 + c.shape[0], c.chi_field));
  State<T> reference = whole;
  BlockRank<T> rank(g, p, split, world_rank(), c.depth, c.chi_field);
  distributed::scatter_state(rank, root ? &whole : nullptr, MPI_COMM_WORLD);
  const auto cpu = make_backend("cpu");
  const double limit = std::numeric_limits<double>::infinity();
  for (int done = 0; done < steps;) {
    const int block = std::min(c.depth, steps - done);
    if (exchange) {
      distributed::advance(rank, block, MPI_COMM_WORLD);
    } else {
      rank.advance(block);
    }
    done += block;
    distributed::gather_state(rank, root ? &whole : nullptr, MPI_COMM_WORLD);
    const FusedDiagnostics got = distributed::diagnose(rank, p, limit, MPI_COMM_WORLD);
    std::string why;
    if (root) {
      cpu->advance(reference, p, block);
      const FusedDiagnostics want = fused_diagnostics(reference, p, limit);
      if (!same_bits(whole.E, reference.E)) why = "E";
      else if (!same_bits(whole.E_prev, reference.E_prev)) why = "E_prev";
      else if (whole.step != reference.step) why = "step";
      else if (!same_bits(got.energy, want.energy)) why = "energy";
      else if (!same_bits(got.invariant, want.invariant)) why = "invariant";
      else if (!same_bits(got.health.max_abs, want.health.max_abs)) why = "max|E|";
      if (!why.empty()) why += " after " + std::to_string(done) + " steps";
    }
    if (!agreed(why.empty())) return root ? why : "a mismatch on the root";
  }
  return "";
}

TEST(MpiBlocks, BitIdenticalToOneProcessAcrossTheMatrix) {
  int checked = 0;
  for (const auto& shape : {std::vector<std::size_t>{23, 11, 9}, std::vector<std::size_t>{29, 13}}) {
    for (int order : {2, 4}) {
      for (Boundary b : {Boundary::periodic, Boundary::reflective, Boundary::absorbing}) {
        for (bool chi : {false, true}) {
          for (int k = 1; k <= 4; ++k) {
            if (distributed::deepest_depth(shape[0], world_size(), order, k, b == Boundary::reflective) < k) continue;
            const Case c{shape, order, b, chi, k};
            EXPECT_EQ(first_mismatch<double>(c, 9), "") << c.name();
            ++checked;
          }
        }
      }
    }
  }
  EXPECT_GT(checked, 60);
}

// Parts of a 1D line: 4 slabs of the diagnostics (the last one 100
// cells), so that every split of 1–4 ranks holds whole slabs.
TEST(MpiBlocks, PartsOfALineAreBitIdentical) {
  const std::vector<std::size_t> shape{3 * 8192 + 100};
  for (int order : {2, 4}) {
    for (Boundary b : {Boundary::periodic, Boundary::reflective, Boundary::absorbing}) {
      for (int k = 1; k <= 4; ++k) {
        const Case c{shape, order, b, b != Boundary::periodic, k};
        EXPECT_EQ(first_mismatch<double>(c, 9), "") << c.name();
      }
    }
  }
  EXPECT_EQ(first_mismatch<float>({shape, 4, Boundary::reflective, true, 3}, 7), "");
}

TEST(MpiBlocks, BitIdenticalInFloat32) {
  for (Boundary b : {Boundary::periodic, Boundary::reflective, Boundary::absorbing}) {
    const Case c{{17, 8, 12}, 4, b, true, 2};
    EXPECT_EQ(first_mismatch<float>(c, 7), "") << c.name();
  }
}

// Blocks of slices × rows on every split of the ranks along axis 1 alone
// and, on 4, 2x2: 4096 cells a row makes diagnostics slabs of 2 rows, so
// columns hold 4 and 3 rows (2 ranks), 4, 2 and 1 (3 ranks); 1024 cells
// make slabs of 8, and columns of 8 to 16 rows thick enough that each
// block computes its shell, exchanges and computes the rest meanwhile.
TEST(MpiBlocks, BlocksOfSlicesByRowsAreBitIdentical) {
  if (world_size() < 2) GTEST_SKIP() << "one rank holds the whole plane";
  std::vector<distributed::Split> splits{{1, world_size()}};
  if (world_size() == 4) splits.push_back({2, 2});
  int checked = 0;
  for (const auto split : splits) {
    for (const auto& shape : {std::vector<std::size_t>{9, 7, 4096}, std::vector<std::size_t>{18, 32, 1024}}) {
      for (int order : {2, 4}) {
        for (Boundary b : {Boundary::periodic, Boundary::reflective, Boundary::absorbing}) {
          for (int k = 1; k <= 2; ++k) {
            if (distributed::deepest_depth(Grid(shape), split, order, k, b == Boundary::reflective) < k) continue;
            const Case c{shape, order, b, b == Boundary::absorbing, k};
            EXPECT_EQ(first_mismatch<double>(c, 5, true, split), "") << c.name() << " as " << split.text();
            ++checked;
          }
        }
      }
    }
  }
  EXPECT_GT(checked, 0);
  EXPECT_EQ(first_mismatch<float>({{8, 12, 2048}, 4, Boundary::reflective, true, 2}, 5, true, splits.back()), "");
}

// The negative control: without the exchange the comparison must fail
// (one rank wraps onto itself, so it needs the exchange as much).
TEST(MpiBlocks, StaleHalosAreCaught) {
  const Case c{{23, 11, 9}, 2, Boundary::periodic, false, 2};
  EXPECT_NE(first_mismatch<double>(c, 6, /*exchange=*/false), "");
  EXPECT_NE(first_mismatch<double>({{3 * 8192 + 100}, 2, Boundary::periodic, false, 2}, 6, false), "");
}

// The first bad cell as the ranks of `split` report it: the one that one
// process finds, on every rank.
FusedDiagnostics expect_first_bad_as_one_process(const State<double>& whole, distributed::Split split,
                                                 std::int64_t non_finite) {
  const Params p = testing::test_params(2);
  BlockRank<double> rank(whole.grid(), p, split, world_rank(), 1, false);
  distributed::scatter_state(rank, world_rank() == 0 ? &whole : nullptr, MPI_COMM_WORLD);
  const FusedDiagnostics got = distributed::diagnose(rank, p, 10.0, MPI_COMM_WORLD);
  const FusedDiagnostics want = fused_diagnostics(whole, p, 10.0);
  EXPECT_TRUE(got.health.first_bad.has_value());
  if (got.health.first_bad) {
    EXPECT_EQ(got.health.first_bad->index, want.health.first_bad->index);
    EXPECT_EQ(got.health.first_bad->coords, want.health.first_bad->coords);
  }
  EXPECT_EQ(got.health.non_finite, non_finite);
  return got;
}

TEST(MpiBlocks, FirstBadCellComesFromTheRankThatHoldsIt) {
  const Grid g({23, 11, 9});
  State<double> whole = testing::random_state(g, 3, false);
  whole.E[g.flat({20, 4, 6})] = std::numeric_limits<double>::quiet_NaN();
  EXPECT_TRUE(std::isnan(expect_first_bad_as_one_process(whole, {world_size(), 1}, 1).health.max_abs));

  // From blocks of slices × rows: of two bad cells, the first in the whole
  // lattice's slab order, not the first rank's (which holds rows 0–3 of
  // every plane).
  const Grid wide({9, 7, 4096});
  State<double> blocks = testing::random_state(wide, 5, false);
  blocks.E[wide.flat({2, 5, 100})] = std::numeric_limits<double>::infinity();
  blocks.E[wide.flat({6, 1, 3000})] = std::numeric_limits<double>::quiet_NaN();
  const auto got = expect_first_bad_as_one_process(blocks, {1, world_size()}, 2);
  ASSERT_TRUE(got.health.first_bad.has_value());
  EXPECT_EQ(got.health.first_bad->coords, (std::array<std::size_t, 3>{2, 5, 100}));

  // On a line, in the last rank's part.
  const Grid line({3 * 8192 + 100});
  State<double> cells = testing::random_state(line, 9, false);
  cells.E[3 * 8192 + 50] = std::numeric_limits<double>::quiet_NaN();
  expect_first_bad_as_one_process(cells, {world_size(), 1}, 1);
}

}  // namespace
}  // namespace lfm

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  ::testing::InitGoogleTest(&argc, argv);
  if (lfm::world_rank() != 0) {
    auto& listeners = ::testing::UnitTest::GetInstance()->listeners();
    delete listeners.Release(listeners.default_result_printer());
  }
  int rc = RUN_ALL_TESTS(), worst = 0;
  MPI_Allreduce(&rc, &worst, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  MPI_Finalize();
  return worst;
}
