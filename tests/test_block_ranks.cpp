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
#include <optional>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "cpu/diagnostic_partials.hpp"
#include "distributed/decomposition.hpp"
#include "distributed/block_rank.hpp"
#include "lattice/backend.hpp"
#include "lattice/fused_diagnostics.hpp"
#include "support/matchers.hpp"
#include "support/test_states.hpp"

namespace lfm {
namespace {

using distributed::BlockRank;
using testing::same_bits;

// Every rank's halos from the whole lattice that the ranks' owned cells
// make up: the slice halos, and (when the rows are split, and `rows` asks
// for it) the row halos, corners included.
template <class T>
void exchange(std::vector<BlockRank<T>>& ranks, bool rows = true) {
  State<T> whole{Field<T>(ranks.front().whole()), Field<T>(ranks.front().whole())};
  for (const auto& r : ranks) r.store(whole);
  const Grid& g = whole.grid();
  const std::size_t n = g.extent(0), n1 = g.dims() == 3 ? g.extent(1) : 1, nx = ranks.front().row_cells();
  for (auto& r : ranks) {
    const std::size_t h = r.halo(), rh = r.row_halo();
    for (std::size_t i = 0; i < r.owned().size() + 2 * h; ++i) {
      for (std::size_t j = 0; j < r.padded_rows(); ++j) {
        const bool in_halo = i < h || i >= h + r.owned().size() ||
                             (rows && (j < rh || j >= rh + r.owned_rows().size()));
        if (!in_halo) continue;
        const std::size_t z = (r.owned().begin + n * h + i - h) % n, y = (r.owned_rows().begin + n1 * rh + j - rh) % n1;
        for (auto level : {&State<T>::E, &State<T>::E_prev}) {
          std::memcpy((r.local().*level).data() + (i * r.padded_rows() + j) * nx,
                      (whole.*level).data() + (z * n1 + y) * nx, nx * sizeof(T));
        }
      }
    }
  }
}

// A region of a rank's padded field, as a flat copy and back.
template <class T>
std::vector<T> pack(const BlockRank<T>& r, const T* base, const typename BlockRank<T>::Region& at) {
  std::vector<T> out;
  for (std::size_t i = at.slices.begin; i < at.slices.end; ++i) {
    for (std::size_t j = at.rows.begin; j < at.rows.end; ++j) {
      const T* row = base + (i * r.padded_rows() + j) * r.row_cells();
      out.insert(out.end(), row, row + r.row_cells());
    }
  }
  return out;
}
template <class T>
void unpack(const BlockRank<T>& r, const std::vector<T>& from, T* base, const typename BlockRank<T>::Region& at) {
  ASSERT_EQ(from.size(), at.slices.size() * at.rows.size() * r.row_cells()) << "a message of the wrong size";
  const T* cell = from.data();
  for (std::size_t i = at.slices.begin; i < at.slices.end; ++i) {
    for (std::size_t j = at.rows.begin; j < at.rows.end; ++j, cell += r.row_cells()) {
      std::memcpy(base + (i * r.padded_rows() + j) * r.row_cells(), cell, r.row_cells() * sizeof(T));
    }
  }
}

// A whole block of every rank through advance_block, its transfers moved
// as MPI might move them: each send read when its rank calls `start`, and
// delivered into the receiving rank's halo as early as possible (at once
// when the receiver has started its transfers but not computed its last
// step's remainder yet, else after every rank's block), so that a cell
// sent before it was computed, or a halo the remainder still reads, shows
// up as a mismatch.
template <class T>
void advance_blocks_overlapped(std::vector<BlockRank<T>>& ranks) {
  const int P = static_cast<int>(ranks.size());
  using Transfers = typename BlockRank<T>::Transfers;
  std::vector<Transfers> at(P);
  std::map<std::array<int, 4>, std::vector<T>> sent;  // by sender, channel and direction of travel
  std::vector<std::vector<bool>> delivered(P);
  const distributed::Split split = ranks.front().split();
  const auto deliver = [&](int r) {
    for (std::size_t k = 0; k < at[r].size(); ++k) {
      const auto& t = at[r][k];
      const int from = distributed::neighbour(split, r, t.slices, t.rows);
      const auto message = sent.find({from, t.channel, -t.slices, -t.rows});
      if (delivered[r][k] || message == sent.end()) continue;
      unpack(ranks[r], message->second, t.base, t.receive);
      delivered[r][k] = true;
    }
  };
  for (int r = 0; r < P; ++r) {
    ranks[r].advance_block([&](const Transfers& t) {
      at[r] = t;
      delivered[r].assign(t.size(), false);
      for (const auto& x : t) sent[{r, x.channel, x.slices, x.rows}] = pack(ranks[r], x.base, x.send);
      for (int q = 0; q <= r; ++q) deliver(q);
    }, {});
  }
  for (int r = 0; r < P; ++r) deliver(r);
  for (int r = 0; r < P; ++r) {
    for (bool done : delivered[r]) ASSERT_TRUE(done) << "rank " << r << " received no message for a transfer";
  }
}

template <class T>
FusedDiagnostics diagnose(const std::vector<BlockRank<T>>& ranks, const Params& p, bool chi_field) {
  // Each rank's slabs into their places among the whole lattice's.
  const cpu::SlabLayout whole = cpu::slab_layout(ranks.front().whole());
  std::vector<cpu::DiagnosticSums> all(whole.slices * whole.slabs_per_slice);
  for (const auto& r : ranks) {
    const auto part = r.diagnostic_partials(std::numeric_limits<double>::infinity());
    const auto at = distributed::slabs_held(r.whole(), {r.owned(), r.owned_rows()});
    EXPECT_EQ(at.size(), part.size());
    for (std::size_t j = 0; j < part.size(); ++j) all.at(at[j]) = part[j];
  }
  std::size_t first_bad = 0;
  const double chi = chi_field ? 1.0 : static_cast<double>(static_cast<T>(p.chi));
  return cpu::sum_partials(all, p, ranks.front().whole().dims(), chi, &first_bad);
}


struct Case {
  std::vector<std::size_t> shape;
  int order;
  Boundary boundary;
  bool chi_field;
  distributed::Split split;
  int depth;
  std::optional<std::size_t> wavefront_rows = std::nullopt;  // each block one wavefront, in bands of these rows
  std::string name() const {
    std::string s = std::to_string(shape.size()) + "D order " + std::to_string(order) + " " +
                    std::string(to_string(boundary)) + (chi_field ? " chi field" : " chi scalar") + ", " +
                    split.text() + " ranks, depth " + std::to_string(depth);
    if (wavefront_rows) s += ", wavefront in bands of " + std::to_string(*wavefront_rows) + " rows";
    return s;
  }
};

// How blocks end: whole blocks exchange while their last step runs, as the
// product does (a shorter block at the end, and a wavefront's, exchange
// after it); `after` exchanges after every block;
// `slices_only` leaves the row halos stale; `none` never exchanges.
enum class Exchange { overlapped, after, slices_only, none };

// Steps the case's ranks for `steps` steps in blocks of its depth, checking
// fields and diagnostics against one process after every block.
template <class T>
void expect_matches_one_process(const Case& c, int steps, Exchange how = Exchange::overlapped) {
  SCOPED_TRACE(c.name());
  const Grid g(c.shape);
  const Params p = testing::test_params(c.order, c.boundary, 0.01);
  State<T> whole = convert_state<T>(testing::random_state(g, 7 + c.shape[0], c.chi_field));
  std::vector<BlockRank<T>> ranks;
  for (int r = 0; r < c.split.ranks(); ++r) {
    ranks.emplace_back(g, p, c.split, r, c.depth, c.chi_field);
    if (c.wavefront_rows) ranks.back().use_wavefront(*c.wavefront_rows);
    ranks.back().load(whole);
  }
  State<T> reference = whole;
  const auto cpu = make_backend("cpu");
  for (int done = 0; done < steps;) {
    const int block = std::min(c.depth, steps - done);
    if (how == Exchange::overlapped && block == c.depth && !c.wavefront_rows) {
      advance_blocks_overlapped(ranks);
    } else {
      for (auto& r : ranks) r.advance(block);
      if (how != Exchange::none) exchange(ranks, how != Exchange::slices_only);
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

TEST(Decomposition, SharesEverySliceOutOnceThickerFirst) {
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

TEST(Decomposition, HaloIsTheReachOfABlock) {
  EXPECT_EQ(distributed::halo_slices(2, 1), 1u);
  EXPECT_EQ(distributed::halo_slices(4, 3), 6u);
  // 19 slices on 4 ranks: the thinnest holds 4.
  EXPECT_EQ(distributed::deepest_depth(19, 4, 2, 9, false), 4);
  EXPECT_EQ(distributed::deepest_depth(19, 4, 4, 9, false), 2);
  EXPECT_EQ(distributed::deepest_depth(19, 4, 4, 1, false), 1);
  EXPECT_EQ(distributed::deepest_depth(7, 4, 4, 3, false), 0);
  EXPECT_THROW(BlockRank<double>(Grid({7, 8}), testing::test_params(4), {4, 1}, 0, 1, false), InputError);
  // A reflective face owned alone would copy a neighbour its rank does not
  // update (5 planes on 4 ranks gave wrong bits before this was refused).
  EXPECT_EQ(distributed::deepest_depth(5, 4, 2, 1, false), 1);
  EXPECT_EQ(distributed::deepest_depth(5, 4, 2, 1, true), 0);
  EXPECT_THROW(BlockRank<double>(Grid({5, 8, 9}), testing::test_params(2, Boundary::reflective), {4, 1}, 3, 1, false),
               InputError);
  // 64 cells make one slab of the diagnostics: a line of them is not cut.
  EXPECT_THROW(BlockRank<double>(Grid({64}), testing::test_params(2), {2, 1}, 0, 1, false), InputError);
}

// A 1D line is cut at the diagnostics' slabs of 8192 cells, so that each
// rank sums whole slabs: 3 full slabs and 100 cells on 3 ranks are parts
// of 2, 1 and 1 slabs (the last 100 cells).
TEST(Decomposition, ALineGoesOutInWholeSlabs) {
  const Grid g({3 * 8192 + 100});
  ASSERT_EQ(cpu::slab_layout(g).cells_per_slab, 8192u);
  ASSERT_EQ(distributed::slabs_of_line(g), 4u);
  EXPECT_EQ(distributed::owned_block(g, {3, 1}, 0).slices.size(), 16384u);
  EXPECT_EQ(distributed::owned_block(g, {3, 1}, 1).slices.begin, 16384u);
  EXPECT_EQ(distributed::owned_block(g, {3, 1}, 2).slices.size(), 100u);
  EXPECT_EQ(distributed::slabs_held(g, distributed::owned_block(g, {3, 1}, 0)), (std::vector<std::size_t>{0, 1}));
  EXPECT_EQ(distributed::slabs_held(g, distributed::owned_block(g, {3, 1}, 2)), (std::vector<std::size_t>{3}));
  EXPECT_EQ(distributed::deepest_depth(g, {4, 1}, 4, 60, false), 50);  // the last part's 100 cells
  EXPECT_EQ(distributed::deepest_depth(g, {5, 1}, 2, 1, false), 0);    // 4 slabs for 5 ranks
  EXPECT_EQ(distributed::deepest_depth(g, {2, 2}, 2, 1, false), 0);
}

// Parts of a 1D line: every boundary (the absorbing band and the
// reflective faces placed by the whole line's coordinates), both orders,
// χ fields, uneven parts (the last one 100 cells) and depths 1–4.
TEST(BlockRanks, PartsOfALineAreBitIdentical) {
  int checked = 0;
  const std::vector<std::size_t> shape{3 * 8192 + 100};
  for (int order : {2, 4}) {
    for (Boundary b : {Boundary::periodic, Boundary::reflective, Boundary::absorbing}) {
      for (bool chi : {false, true}) {
        for (int P = 1; P <= 4; ++P) {
          for (int k = 1; k <= 4; ++k) {
            expect_matches_one_process<double>({shape, order, b, chi, {P, 1}, k}, 9);
            ++checked;
          }
        }
      }
    }
  }
  EXPECT_EQ(checked, 192);
  expect_matches_one_process<float>({shape, 4, Boundary::absorbing, true, {3, 1}, 2}, 7);
  // A part of 4 cells (the short last slab of a line just over one slab)
  // whose halos are half of it: its padding holds both faces of the line.
  expect_matches_one_process<double>({{8192 + 4}, 2, Boundary::absorbing, false, {2, 1}, 2}, 6);
  expect_matches_one_process<double>({{8192 + 4}, 2, Boundary::reflective, true, {2, 1}, 1}, 6);
}

TEST(BlockRanks, StaleHalosOfALineAreCaught) {
  static const Case c{{3 * 8192 + 100}, 2, Boundary::periodic, false, {3, 1}, 2};
  ASSERT_NO_FATAL_FAILURE(expect_matches_one_process<double>(c, 4));
  EXPECT_FATAL_FAILURE(expect_matches_one_process<double>(c, 4, Exchange::none), "same_bits");
}

TEST(BlockRanks, BitIdenticalToOneProcessAcrossTheMatrix) {
  int checked = 0;
  for (const auto& shape : {std::vector<std::size_t>{23, 11, 9}, std::vector<std::size_t>{29, 13}}) {
    for (int order : {2, 4}) {
      for (Boundary b : {Boundary::periodic, Boundary::reflective, Boundary::absorbing}) {
        for (bool chi : {false, true}) {
          for (int P = 1; P <= 4; ++P) {
            for (int k = 1; k <= 4; ++k) {
              if (distributed::deepest_depth(shape[0], P, order, k, b == Boundary::reflective) < k) continue;
              expect_matches_one_process<double>({shape, order, b, chi, {P, 1}, k}, 9);
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

// Rows are shared out in whole slabs of the diagnostics: 4096 cells a row
// makes slabs of 2 rows, so 7 rows are slabs of 2, 2, 2 and 1.
TEST(Decomposition, RowsGoOutInWholeSlabs) {
  const Grid g({9, 7, 4096});
  ASSERT_EQ(cpu::slab_layout(g).rows_per_slab, 2u);
  EXPECT_EQ(distributed::owned_block(g, {1, 2}, 0).rows.size(), 4u);
  EXPECT_EQ(distributed::owned_block(g, {1, 2}, 1).rows.begin, 4u);
  EXPECT_EQ(distributed::owned_block(g, {1, 2}, 1).rows.size(), 3u);
  EXPECT_EQ(distributed::owned_block(g, {3, 3}, 8).rows.size(), 1u);  // slabs 2, 1, 1: rows 4, 2, 1
  EXPECT_EQ(distributed::owned_block(g, {3, 3}, 8).slices.begin, 6u);
  EXPECT_EQ(distributed::deepest_depth(g, {1, 2}, 2, 9, false), 3);
  EXPECT_EQ(distributed::deepest_depth(g, {1, 3}, 4, 1, false), 0);
  EXPECT_EQ(distributed::deepest_depth(g, {1, 5}, 2, 1, false), 0);  // 4 slabs for 5 columns
  EXPECT_EQ(distributed::deepest_depth(Grid({9, 4096}), {1, 2}, 2, 1, false), 0);  // 2D: rows are the slices
  EXPECT_EQ(distributed::neighbour({3, 2}, 5, 0, 1), 4);
  EXPECT_EQ(distributed::neighbour({3, 2}, 5, 1, 0), 1);
  EXPECT_EQ(distributed::neighbour({3, 2}, 5, -1, 1), 2);
  EXPECT_THROW(BlockRank<double>(g, testing::test_params(4), {1, 3}, 0, 1, false), InputError);
}

// Blocks of slices × rows: uneven splits along both axes, thin columns.
TEST(BlockRanks, BlocksOfSlicesByRowsAreBitIdentical) {
  int checked = 0;
  const std::vector<std::size_t> shape{9, 7, 4096};
  for (int order : {2, 4}) {
    for (Boundary b : {Boundary::periodic, Boundary::reflective, Boundary::absorbing}) {
      for (bool chi : {false, true}) {
        for (distributed::Split split : {distributed::Split{1, 2}, {2, 2}, {3, 2}, {2, 3}}) {
          for (int k = 1; k <= 3; ++k) {
            if (distributed::deepest_depth(Grid(shape), split, order, k, b == Boundary::reflective) < k) continue;
            expect_matches_one_process<double>({shape, order, b, chi, split, k}, 7);
            ++checked;
          }
        }
      }
    }
  }
  EXPECT_GT(checked, 50);
  expect_matches_one_process<float>({{8, 12, 2048}, 4, Boundary::reflective, true, {2, 2}, 2}, 5);
}

// Blocks thick enough along both axes that the last step of each block
// computes its shell, starts the exchange (corners to the diagonal
// neighbours) and computes the rest meanwhile: 8 rows a slab, 8 to 24 rows
// and 6 to 18 slices a rank.
TEST(BlockRanks, BlocksOfSlicesByRowsOverlapTheirExchange) {
  int checked = 0;
  const std::vector<std::size_t> shape{18, 24, 1024};
  ASSERT_EQ(cpu::slab_layout(Grid(shape)).rows_per_slab, 8u);
  for (int order : {2, 4}) {
    for (Boundary b : {Boundary::periodic, Boundary::reflective, Boundary::absorbing}) {
      for (distributed::Split split : {distributed::Split{1, 2}, {2, 2}, {3, 2}, {2, 3}}) {
        for (int k = 1; k <= 3; ++k) {
          if (distributed::deepest_depth(Grid(shape), split, order, k, b == Boundary::reflective) < k) continue;
          expect_matches_one_process<double>({shape, order, b, b == Boundary::absorbing, split, k}, 2 * k + 1);
          ++checked;
        }
      }
    }
  }
  EXPECT_GT(checked, 50);
}

TEST(BlockRanks, BitIdenticalInFloat32) {
  for (Boundary b : {Boundary::periodic, Boundary::reflective, Boundary::absorbing}) {
    expect_matches_one_process<float>({{17, 8, 12}, 4, b, true, {3, 1}, 2}, 7);
    expect_matches_one_process<float>({{17, 12}, 2, b, false, {2, 1}, 3}, 7);
  }
}

// Sizes where both the ranks and the one-process reference step on threads.
TEST(BlockRanks, BitIdenticalAtThreadedSizes) {
  expect_matches_one_process<double>({{48, 40, 40}, 4, Boundary::absorbing, true, {2, 1}, 3}, 6);
  expect_matches_one_process<double>({{40, 40, 40}, 2, Boundary::reflective, false, {3, 1}, 4}, 8);
}

// Each rank's blocks as cpu_temporal's wavefront (periodic and absorbing:
// the wavefront's own reflective faces are refused), whole planes and bands.
TEST(BlockRanks, WavefrontsPerRankAreBitIdentical) {
  int checked = 0;
  for (int order : {2, 4}) {
    for (Boundary b : {Boundary::periodic, Boundary::absorbing}) {
      for (bool chi : {false, true}) {
        for (int P = 1; P <= 3; ++P) {
          for (int k = 1; k <= 4; ++k) {
            for (std::size_t rows : {std::size_t{0}, std::size_t{8}}) {
              const Case c{{31, 24, 9}, order, b, chi, {P, 1}, k, rows};
              if (distributed::deepest_depth(c.shape[0], P, order, k, false) < k) continue;
              expect_matches_one_process<double>(c, 11);
              ++checked;
            }
          }
        }
      }
    }
  }
  EXPECT_GT(checked, 80);
  expect_matches_one_process<float>({{26, 32, 12}, 4, Boundary::absorbing, true, {2, 1}, 3, 8}, 7);
  // At a size where the wavefront's bands run on threads.
  expect_matches_one_process<double>({{40, 64, 40}, 2, Boundary::periodic, true, {2, 1}, 4, 16}, 8);
}

TEST(BlockRanks, WavefrontsRefuseWhatTheyCannotStep) {
  const auto refused = [](const Grid& g, Boundary b, distributed::Split split) {
    BlockRank<double> r(g, testing::test_params(2, b), split, 0, 1, false);
    EXPECT_THROW(r.use_wavefront(0), InputError) << g.shape_string();
  };
  refused(Grid({16, 12}), Boundary::periodic, {2, 1});
  refused(Grid({16, 12, 4096}), Boundary::periodic, {1, 2});
  refused(Grid({16, 12, 8}), Boundary::reflective, {2, 1});
}

// The negative control: without the exchange the halos go stale and the
// comparison above must notice.
TEST(BlockRanks, StaleHalosAreCaught) {
  ASSERT_NO_FATAL_FAILURE(
      expect_matches_one_process<double>({{23, 11, 9}, 2, Boundary::periodic, false, {3, 1}, 2}, 2));
  EXPECT_FATAL_FAILURE(expect_matches_one_process<double>({{23, 11, 9}, 2, Boundary::periodic, false, {3, 1}, 2}, 4,
                                                          Exchange::none),
                       "same_bits");
}

// With rows split, stale row halos must be noticed too.
TEST(BlockRanks, StaleRowHalosAreCaught) {
  ASSERT_NO_FATAL_FAILURE(
      expect_matches_one_process<double>({{9, 7, 4096}, 2, Boundary::periodic, false, {2, 2}, 1}, 2));
  EXPECT_FATAL_FAILURE(expect_matches_one_process<double>({{9, 7, 4096}, 2, Boundary::periodic, false, {2, 2}, 1}, 2,
                                                          Exchange::slices_only),
                       "same_bits");
}

// Exchanging after each block must give the same bits as overlapping the
// exchange with the block's last step.
TEST(BlockRanks, ExchangeAfterTheBlockMatchesTheOverlappedOne) {
  for (int k = 1; k <= 3; ++k) {
    expect_matches_one_process<double>({{23, 11, 9}, 4, Boundary::reflective, true, {3, 1}, k}, 7, Exchange::after);
    expect_matches_one_process<double>({{29, 13}, 2, Boundary::absorbing, false, {2, 1}, k}, 7, Exchange::after);
  }
}

void expect_first_bad_in_place(const Grid& g, std::size_t at) {
  SCOPED_TRACE(g.shape_string());
  const Params p = testing::test_params(2);
  State<double> whole = testing::random_state(g, 3, false);
  whole.E[at] = std::numeric_limits<double>::quiet_NaN();
  const auto want = fused_diagnostics(whole, p, 10.0).health.first_bad;
  ASSERT_TRUE(want.has_value());
  std::optional<BadCell> got;
  for (int r = 0; r < 3 && !got; ++r) {
    BlockRank<double> rank(g, p, {3, 1}, r, 1, false);
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

TEST(BlockRanks, FirstBadCellIsReportedInTheWholeLatticesCoordinates) {
  const Grid g({23, 11, 9});
  expect_first_bad_in_place(g, g.flat({15, 4, 6}));
  expect_first_bad_in_place(Grid({3 * 8192 + 100}), 2 * 8192 + 17);
}

}  // namespace
}  // namespace lfm
