// A distributed lattice's arithmetic, with its ranks held in one process
// and the halos copied between them: the owned slices after any number of
// blocks, and the diagnostics summed from every rank's slabs, must be the
// bits one process gives with `cpu`, for uneven splits, both orders, every
// boundary mode, χ fields and exchange depths 1–4. The MPI exchange
// (tests/mpi/) moves the same blocks between processes.
#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "cpu/diagnostic_partials.hpp"
#include "distributed/slab_decomposition.hpp"
#include "distributed/slab_rank.hpp"
#include "lattice/backend.hpp"
#include "lattice/fused_diagnostics.hpp"
#include "support/test_states.hpp"

namespace lfm {
namespace {

using distributed::SlabRank;

template <class T>
void exchange(std::vector<SlabRank<T>>& ranks) {
  const int P = static_cast<int>(ranks.size());
  for (int r = 0; r < P; ++r) {
    SlabRank<T>& down = ranks[(r + P - 1) % P];
    SlabRank<T>& up = ranks[(r + 1) % P];
    const std::size_t bytes = ranks[r].block_cells() * sizeof(T);
    for (auto level : {&State<T>::E, &State<T>::E_prev}) {
      std::memcpy(ranks[r].blocks(ranks[r].local().*level).lower_halo, down.blocks(down.local().*level).last_owned,
                  bytes);
      std::memcpy(ranks[r].blocks(ranks[r].local().*level).upper_halo, up.blocks(up.local().*level).first_owned,
                  bytes);
    }
  }
}

// A whole block of every rank through advance_block, its transfers moved
// as MPI might move them: each send read when its rank calls `start`, and
// delivered into the receiving rank's halo as early as possible (at once
// when the receiver has not reached its last step's remainder yet, else
// after every rank's block), so that a slice sent before it was computed,
// or a halo the remainder still reads, shows up as a mismatch.
template <class T>
void advance_blocks_overlapped(std::vector<SlabRank<T>>& ranks) {
  const int P = static_cast<int>(ranks.size());
  const std::size_t cells = ranks.front().slice_cells();
  using Transfers = typename SlabRank<T>::Transfers;
  std::vector<Transfers> at(P);
  std::vector<std::array<std::vector<T>, 4>> sent(P);  // per field: down, up
  std::vector<bool> started(P, false), lower_done(P, false), upper_done(P, false);
  const auto deliver = [&](int r) {
    const int down = (r + P - 1) % P, up = (r + 1) % P;
    for (int f = 0; f < 2; ++f) {
      const std::size_t n = at[r][f].slices * cells * sizeof(T);
      if (!lower_done[r] && started[down]) std::memcpy(at[r][f].lower_halo, sent[down][2 * f + 1].data(), n);
      if (!upper_done[r] && started[up]) std::memcpy(at[r][f].upper_halo, sent[up][2 * f].data(), n);
    }
    lower_done[r] = lower_done[r] || started[down];
    upper_done[r] = upper_done[r] || started[up];
  };
  for (int r = 0; r < P; ++r) {
    ranks[r].advance_block([&](const Transfers& t) {
      at[r] = t;
      for (int f = 0; f < 2; ++f) {
        sent[r][2 * f].assign(t[f].send_down, t[f].send_down + t[f].slices * cells);
        sent[r][2 * f + 1].assign(t[f].send_up, t[f].send_up + t[f].slices * cells);
      }
      started[r] = true;
      for (int q = 0; q <= r; ++q) deliver(q);
    });
  }
  for (int r = 0; r < P; ++r) deliver(r);
}

template <class T>
FusedDiagnostics diagnose(const std::vector<SlabRank<T>>& ranks, const Params& p, bool chi_field) {
  std::vector<cpu::DiagnosticSums> all;
  for (const auto& r : ranks) {
    const auto part = r.diagnostic_partials(std::numeric_limits<double>::infinity());
    all.insert(all.end(), part.begin(), part.end());
  }
  std::size_t first_bad = 0;
  const double chi = chi_field ? 1.0 : static_cast<double>(static_cast<T>(p.chi));
  return cpu::sum_partials(all, p, ranks.front().whole().dims(), chi, &first_bad);
}

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

template <class T>
bool same_bits(const Field<T>& a, const Field<T>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) == 0;
}

struct Case {
  std::vector<std::size_t> shape;
  int order;
  Boundary boundary;
  bool chi_field;
  int ranks;
  int depth;
  std::string name() const {
    std::string s = std::to_string(shape.size()) + "D order " + std::to_string(order) + " " +
                    std::string(to_string(boundary)) + (chi_field ? " chi field" : " chi scalar") + ", " +
                    std::to_string(ranks) + " ranks, depth " + std::to_string(depth);
    return s;
  }
};

// How blocks end: whole blocks exchange while their last step runs, as
// the product does (a shorter block at the end exchanges after it);
// `after` exchanges after every block; `none` never does.
enum class Exchange { overlapped, after, none };

// Steps the case's ranks for `steps` steps in blocks of its depth, checking
// fields and diagnostics against one process after every block.
template <class T>
void expect_matches_one_process(const Case& c, int steps, Exchange how = Exchange::overlapped) {
  SCOPED_TRACE(c.name());
  const Grid g(c.shape);
  const Params p = testing::test_params(c.order, c.boundary, 0.01);
  State<T> whole = convert_state<T>(testing::random_state(g, 7 + c.shape[0], c.chi_field));
  std::vector<SlabRank<T>> ranks;
  for (int r = 0; r < c.ranks; ++r) {
    ranks.emplace_back(g, p, c.ranks, r, c.depth, c.chi_field);
    ranks.back().load(whole);
  }
  State<T> reference = whole;
  const auto cpu = make_backend("cpu");
  for (int done = 0; done < steps;) {
    const int block = std::min(c.depth, steps - done);
    if (how == Exchange::overlapped && block == c.depth) {
      advance_blocks_overlapped(ranks);
    } else {
      for (auto& r : ranks) r.advance(block);
      if (how != Exchange::none) exchange(ranks);
    }
    cpu->advance(reference, p, block);
    done += block;
    for (const auto& r : ranks) r.store(whole);
    ASSERT_TRUE(same_bits(whole.E, reference.E)) << "E after " << done << " steps";
    ASSERT_TRUE(same_bits(whole.E_prev, reference.E_prev)) << "E_prev after " << done << " steps";
    ASSERT_EQ(whole.step, reference.step);
    const FusedDiagnostics want = fused_diagnostics(reference, p, std::numeric_limits<double>::infinity());
    const FusedDiagnostics got = diagnose(ranks, p, c.chi_field);
    ASSERT_TRUE(same_bits(got.energy, want.energy)) << got.energy << " vs " << want.energy;
    ASSERT_TRUE(same_bits(got.invariant, want.invariant)) << got.invariant << " vs " << want.invariant;
    ASSERT_TRUE(same_bits(got.health.max_abs, want.health.max_abs));
  }
}

TEST(SlabDecomposition, SharesEverySliceOutOnceThickerFirst) {
  for (std::size_t n : {1u, 5u, 19u, 64u}) {
    for (int P = 1; P <= 5; ++P) {
      std::size_t next = 0;
      for (int r = 0; r < P; ++r) {
        const auto s = distributed::owned_slices(n, P, r);
        EXPECT_EQ(s.begin, next) << n << " on " << P;
        EXPECT_TRUE(s.size() == n / P || s.size() == n / P + 1);
        if (r > 0) EXPECT_LE(s.size(), distributed::owned_slices(n, P, r - 1).size());
        next = s.end;
      }
      EXPECT_EQ(next, n);
    }
  }
}

TEST(SlabDecomposition, HaloIsTheReachOfABlock) {
  EXPECT_EQ(distributed::halo_slices(2, 1), 1u);
  EXPECT_EQ(distributed::halo_slices(4, 3), 6u);
  // 19 slices on 4 ranks: the thinnest holds 4.
  EXPECT_EQ(distributed::deepest_depth(19, 4, 2, 9), 4);
  EXPECT_EQ(distributed::deepest_depth(19, 4, 4, 9), 2);
  EXPECT_EQ(distributed::deepest_depth(19, 4, 4, 1), 1);
  EXPECT_EQ(distributed::deepest_depth(7, 4, 4, 3), 0);
  EXPECT_THROW(SlabRank<double>(Grid({7, 8}), testing::test_params(4), 4, 0, 1, false), InputError);
  EXPECT_THROW(SlabRank<double>(Grid({64}), testing::test_params(2), 2, 0, 1, false), InputError);
}

TEST(SlabRanks, BitIdenticalToOneProcessAcrossTheMatrix) {
  int checked = 0;
  for (const auto& shape : {std::vector<std::size_t>{23, 11, 9}, std::vector<std::size_t>{29, 13}}) {
    for (int order : {2, 4}) {
      for (Boundary b : {Boundary::periodic, Boundary::reflective, Boundary::absorbing}) {
        for (bool chi : {false, true}) {
          for (int P = 1; P <= 4; ++P) {
            for (int k = 1; k <= 4; ++k) {
              if (distributed::deepest_depth(shape[0], P, order, k) < k) continue;
              expect_matches_one_process<double>({shape, order, b, chi, P, k}, 9);
              ++checked;
            }
          }
        }
      }
    }
  }
  // Every order, boundary and depth has cases that fit.
  EXPECT_GT(checked, 300);
}

TEST(SlabRanks, BitIdenticalInFloat32) {
  for (Boundary b : {Boundary::periodic, Boundary::reflective, Boundary::absorbing}) {
    expect_matches_one_process<float>({{17, 8, 12}, 4, b, true, 3, 2}, 7);
    expect_matches_one_process<float>({{17, 12}, 2, b, false, 2, 3}, 7);
  }
}

// Sizes where both the ranks and the one-process reference step on threads.
TEST(SlabRanks, BitIdenticalAtThreadedSizes) {
  expect_matches_one_process<double>({{48, 40, 40}, 4, Boundary::absorbing, true, 2, 3}, 6);
  expect_matches_one_process<double>({{40, 40, 40}, 2, Boundary::reflective, false, 3, 4}, 8);
}

// The negative control: without the exchange the halos go stale and the
// comparison above must notice.
TEST(SlabRanks, StaleHalosAreCaught) {
  ASSERT_NO_FATAL_FAILURE(expect_matches_one_process<double>({{23, 11, 9}, 2, Boundary::periodic, false, 3, 2}, 2));
  EXPECT_FATAL_FAILURE(expect_matches_one_process<double>({{23, 11, 9}, 2, Boundary::periodic, false, 3, 2}, 4,
                                                          Exchange::none),
                       "same_bits");
}

// Exchanging after each block must give the same bits as overlapping the
// exchange with the block's last step.
TEST(SlabRanks, ExchangeAfterTheBlockMatchesTheOverlappedOne) {
  for (int k = 1; k <= 3; ++k) {
    expect_matches_one_process<double>({{23, 11, 9}, 4, Boundary::reflective, true, 3, k}, 7, Exchange::after);
    expect_matches_one_process<double>({{29, 13}, 2, Boundary::absorbing, false, 2, k}, 7, Exchange::after);
  }
}

TEST(SlabRanks, FirstBadCellIsReportedInTheWholeLatticesCoordinates) {
  const Grid g({23, 11, 9});
  const Params p = testing::test_params(2);
  State<double> whole = testing::random_state(g, 3, false);
  const std::size_t at = g.flat({15, 4, 6});
  whole.E[at] = std::numeric_limits<double>::quiet_NaN();
  const auto want = fused_diagnostics(whole, p, 10.0).health.first_bad;
  ASSERT_TRUE(want.has_value());
  std::optional<BadCell> got;
  for (int r = 0; r < 3 && !got; ++r) {
    SlabRank<double> rank(g, p, 3, r, 1, false);
    rank.load(whole);
    const auto part = rank.diagnostic_partials(10.0);
    for (std::size_t j = 0; j < part.size() && !got; ++j) {
      if (part[j].bad > 0) got = rank.first_bad(10.0, j);
    }
  }
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->index, want->index);
  EXPECT_EQ(got->coords, want->coords);
}

}  // namespace
}  // namespace lfm
