#pragma once
// How often a run computes its diagnostics. A record is a pass over the
// whole lattice, costing about as much as a step or two; made every step
// it would double the run time. The choosers pick the smallest stride that
// keeps records within a budget of the step time, from measured times:
// open-ended (a GPU run's device loop) or for a run of known length (the
// run loop, which always records the first and last step). Pure logic.
#include <cstdint>

namespace lfm {

struct StrideLimits {
  double budget = 0.02;            // diagnostics time / step time, at most
  std::int64_t max_stride = 1000;  // records at least this often whatever they cost
};

// The smallest stride s >= 1 with diagnostics_s <= budget · s · step_s,
// capped at max_stride. Throws std::invalid_argument for a negative or
// non-finite time, a budget outside (0, 1] or max_stride < 1.
std::int64_t diagnostics_stride(double step_s, double diagnostics_s, const StrideLimits& limits = {});

// Running totals of measured step and diagnostics times; stride() applies
// diagnostics_stride to their averages, so it adapts as timings settle.
class StrideChooser {
 public:
  explicit StrideChooser(StrideLimits limits = {}) : limits_(limits) {}
  void record_steps(std::int64_t steps, double seconds);
  void record_diagnostics(double seconds);
  // 1 until both kinds of time have been recorded.
  std::int64_t stride() const;

 private:
  StrideLimits limits_;
  std::int64_t steps_ = 0;
  double step_seconds_ = 0;
  std::int64_t diagnostics_ = 0;
  double diagnostics_seconds_ = 0;
};

// For a run of `steps` steps (>= 1) that records step 0, every multiple of
// the stride and the last step: ceil(steps / stride) + 1 records.
struct RunStrideLimits {
  double budget = 0.05;             // all records' time / all steps' time, at most
  std::int64_t max_records = 100;   // records after step 0, at most, whatever they cost
  std::int64_t multiple = 1;        // the stride is rounded up to this (the backend's block)
};

// The smallest stride, rounded up to `multiple`, whose records cost at most
// budget · steps · step_s and number at most max_records + 1; `steps` when
// even the first and last records exceed the budget. Throws
// std::invalid_argument for steps < 1, a negative or non-finite time, a
// budget outside (0, 1], max_records < 1 or multiple < 1.
std::int64_t run_diagnostics_stride(std::int64_t steps, double step_s, double record_s,
                                    const RunStrideLimits& limits = {});

}  // namespace lfm
