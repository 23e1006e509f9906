// The run loop's schedule: the chunks it asks a backend for, the stride it
// chooses when none is given, and a record that cannot be trusted. A fake
// backend records what it is asked and leaves the fields alone.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <thread>
#include <vector>

#include "lattice/diagnostic_stride.hpp"
#include "lattice/run.hpp"
#include "lattice/workloads.hpp"

namespace lfm::testing {
namespace {

using ::testing::HasSubstr;

class ChunkRecorder final : public Backend {
 public:
  ChunkRecorder(std::int64_t multiple, std::chrono::microseconds per_step = {})
      : multiple_(multiple), per_step_(per_step) {}
  void advance(State<double>& s, const Params&, std::int64_t steps) override { take(s.step, steps); }
  void advance(State<float>& s, const Params&, std::int64_t steps) override { take(s.step, steps); }
  std::int64_t preferred_step_multiple() const override { return multiple_; }
  std::vector<std::int64_t> chunks;

 private:
  void take(std::int64_t& step, std::int64_t steps) {
    chunks.push_back(steps);
    step += steps;
    if (per_step_.count() > 0) std::this_thread::sleep_for(per_step_ * steps);
  }
  std::int64_t multiple_;
  std::chrono::microseconds per_step_;
};

Problem small_problem() { return make_workload("wave_packet", 1, 64, Precision::float64); }

std::vector<std::int64_t> recorded_steps(const RunResult& r) {
  std::vector<std::int64_t> out;
  for (const auto& e : r.trace) out.push_back(e.step);
  return out;
}

void expect_multiples_but_the_last(const std::vector<std::int64_t>& chunks, std::int64_t multiple,
                                   std::int64_t total) {
  std::int64_t sum = 0;
  for (std::size_t i = 0; i < chunks.size(); ++i) {
    sum += chunks[i];
    if (i + 1 < chunks.size()) EXPECT_EQ(chunks[i] % multiple, 0) << "chunk " << i << " = " << chunks[i];
  }
  EXPECT_EQ(sum, total);
}

TEST(RunLoop, DefaultChunksAreMultiplesOfTheBackendsBlock) {
  for (const bool with_stop : {false, true}) {
    Problem problem = small_problem();
    ChunkRecorder backend(8);
    RunOptions o;
    o.steps = 1003;
    if (with_stop) o.stop_requested = [](std::int64_t) { return false; };
    const RunResult r = run(problem, backend, o);
    expect_multiples_but_the_last(backend.chunks, 8, 1003);
    const auto steps = recorded_steps(r);
    ASSERT_GE(steps.size(), 2u);
    EXPECT_EQ(steps.front(), 0);
    EXPECT_EQ(steps.back(), 1003);
    for (std::size_t i = 1; i + 1 < steps.size(); ++i) EXPECT_EQ(steps[i] % 8, 0) << steps[i];
  }
}

TEST(RunLoop, AUserStrideIsHonouredExactly) {
  Problem problem = small_problem();
  ChunkRecorder backend(8);
  RunOptions o;
  o.steps = 23;
  o.diagnostics_every = 5;
  const RunResult r = run(problem, backend, o);
  EXPECT_EQ(recorded_steps(r), (std::vector<std::int64_t>{0, 5, 10, 15, 20, 23}));
  EXPECT_EQ(backend.chunks, (std::vector<std::int64_t>{5, 5, 5, 5, 3}));
}

// Steps of 200 µs against records of microseconds: the budget allows every
// step, so the cap of about 100 records decides.
TEST(RunLoop, TheChosenStrideKeepsAboutAHundredRecords) {
  Problem problem = small_problem();
  ChunkRecorder backend(1, std::chrono::microseconds(200));
  RunOptions o;
  o.steps = 2000;
  const RunResult r = run(problem, backend, o);
  const auto steps = recorded_steps(r);
  ASSERT_EQ(steps.size(), 101u);
  for (std::size_t i = 0; i < steps.size(); ++i) EXPECT_EQ(steps[i], static_cast<std::int64_t>(20 * i));
}

// Steps that cost nothing against records of a 48^3 lattice: only the first
// and last steps, which are always recorded, are.
TEST(RunLoop, CostlyRecordsAreMadeOnlyAtTheEnds) {
  Problem problem = make_workload("wave_packet", 3, 48, Precision::float64);
  ChunkRecorder backend(1);
  RunOptions o;
  o.steps = 200;
  const RunResult r = run(problem, backend, o);
  EXPECT_EQ(recorded_steps(r), (std::vector<std::int64_t>{0, 200}));
}

// The stride lfm chose is part of what a resumed run must repeat: it is
// read back from the trace, not chosen again from new timings.
TEST(RunLoop, AResumedRunKeepsTheStrideItsTraceShows) {
  Problem problem = small_problem();
  RunOptions o;
  o.steps = 2000;
  o.stop_requested = [](std::int64_t step) { return step >= 50; };
  std::optional<AnyState> saved;
  RunResult so_far;
  o.on_checkpoint = [&](const AnyState& s, const RunResult& r) { saved = s, so_far = r; };
  ChunkRecorder first(1, std::chrono::microseconds(200));
  ASSERT_TRUE(run(problem, first, o).interrupted);
  ASSERT_TRUE(saved.has_value());
  ASSERT_GE(so_far.trace.size(), 2u);
  const std::int64_t stride = so_far.trace[1].step;

  Problem rest{"test", problem.params, *saved};
  RunOptions resuming;
  resuming.steps = 2000;
  resuming.resumed = &so_far;
  ChunkRecorder second(1);  // steps that cost nothing would choose another stride
  const auto steps = recorded_steps(run(rest, second, resuming));
  ASSERT_EQ(steps.back(), 2000);
  for (std::size_t i = 0; i < steps.size(); ++i) EXPECT_EQ(steps[i], static_cast<std::int64_t>(i) * stride);
}

// Δx = 1e308 leaves E finite but overflows Δx³ Σ …: such a record is no
// measurement, and the run must not end as completed.
TEST(RunLoop, ANonFiniteRecordEndsTheRunAsDiverged) {
  Problem problem = make_workload("wave_packet", 3, 16, Precision::float64);
  problem.params.dx = 1e308;
  ChunkRecorder backend(1);
  RunOptions o;
  o.steps = 10;
  o.diagnostics_every = 1;
  const RunResult r = run(problem, backend, o);
  EXPECT_EQ(r.diverged_at, 0);
  EXPECT_THAT(r.divergence, HasSubstr("energy"));
  EXPECT_THAT(r.divergence, HasSubstr("not finite"));
  EXPECT_TRUE(backend.chunks.empty());
}

TEST(RunDiagnosticsStride, KeepsAllRecordsWithinTheBudget) {
  for (const double ratio : {0.01, 0.5, 1.5, 4.0}) {
    for (const std::int64_t steps : {10, 100, 400, 100000}) {
      const std::int64_t s = run_diagnostics_stride(steps, 1e-3, ratio * 1e-3);
      const std::int64_t records = (steps + s - 1) / s + 1;
      EXPECT_LE(records, 101) << ratio << " " << steps;
      if (s < steps) {
        EXPECT_LE(static_cast<double>(records) * ratio, 0.05 * static_cast<double>(steps) * (1 + 1e-12))
            << ratio << " " << steps;
        // The smallest such stride: one fewer adds a record past the budget or the cap.
        const std::int64_t more = s > 1 ? (steps + s - 2) / (s - 1) + 1 : records;
        if (more > records) {
          EXPECT_TRUE(more > 101 || static_cast<double>(more) * ratio > 0.05 * static_cast<double>(steps))
              << ratio << " " << steps;
        }
      }
    }
  }
  EXPECT_EQ(run_diagnostics_stride(100, 1e-3, 1.5e-3), 50);  // 3 records of 1.5 steps: 4.5 %
  EXPECT_EQ(run_diagnostics_stride(1000, 1e-3, 1e-6), 10);    // the cap of 100 records
  EXPECT_EQ(run_diagnostics_stride(1000, 1e-3, 1e-6, {0.05, 100, 8}), 16);
  EXPECT_THROW(run_diagnostics_stride(0, 1e-3, 1e-3), std::invalid_argument);
  EXPECT_THROW(run_diagnostics_stride(10, 1e-3, 1e-3, {0.05, 100, 0}), std::invalid_argument);
}

}  // namespace
}  // namespace lfm::testing
