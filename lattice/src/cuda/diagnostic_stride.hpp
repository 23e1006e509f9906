#pragma once
// How often a GPU run computes its diagnostics. Every diagnostic is a few
// reductions over the whole lattice, costing about as much as a step or
// two; computed every step they would double the run time. The chooser
// picks the smallest stride that keeps them within a budget of the step
// time (2 % by default) from the times measured so far. Pure host logic.
#include <cstdint>

namespace lfm::cuda {

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

}  // namespace lfm::cuda
