#include "lattice/diagnostic_stride.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace lfm {
namespace {

void require_time(double seconds, const char* what) {
  if (!std::isfinite(seconds) || seconds < 0) {
    throw std::invalid_argument(std::string(what) + " = " + std::to_string(seconds) +
                                " s; expected a finite time >= 0");
  }
}

std::int64_t round_up(std::int64_t n, std::int64_t multiple) { return (n + multiple - 1) / multiple * multiple; }

}  // namespace

std::int64_t diagnostics_stride(double step_s, double diagnostics_s, const StrideLimits& limits) {
  require_time(step_s, "step time");
  require_time(diagnostics_s, "diagnostics time");
  if (!(limits.budget > 0 && limits.budget <= 1)) {
    throw std::invalid_argument("diagnostics budget = " + std::to_string(limits.budget) + "; expected 0 < budget <= 1");
  }
  if (limits.max_stride < 1) {
    throw std::invalid_argument("max_stride = " + std::to_string(limits.max_stride) + "; expected >= 1");
  }
  if (diagnostics_s == 0) return 1;
  if (step_s == 0) return limits.max_stride;  // steps too fast to time: diagnostics as rarely as allowed
  const double needed = std::ceil(diagnostics_s / (limits.budget * step_s));
  if (needed >= static_cast<double>(limits.max_stride)) return limits.max_stride;
  return std::max<std::int64_t>(1, static_cast<std::int64_t>(needed));
}

std::int64_t run_diagnostics_stride(std::int64_t steps, double step_s, double record_s,
                                    const RunStrideLimits& limits) {
  require_time(step_s, "step time");
  require_time(record_s, "record time");
  if (steps < 1) throw std::invalid_argument("steps = " + std::to_string(steps) + "; expected >= 1");
  if (!(limits.budget > 0 && limits.budget <= 1)) {
    throw std::invalid_argument("diagnostics budget = " + std::to_string(limits.budget) + "; expected 0 < budget <= 1");
  }
  if (limits.max_records < 1 || limits.multiple < 1) {
    throw std::invalid_argument("max_records = " + std::to_string(limits.max_records) + ", multiple = " +
                                std::to_string(limits.multiple) + "; expected both >= 1");
  }
  // Records after step 0 that the budget pays for: the one at step 0 is
  // always made, so it is taken out of the budget first.
  double affordable = static_cast<double>(limits.max_records);
  if (record_s > 0) {
    affordable = std::min(affordable, std::floor(limits.budget * static_cast<double>(steps) * step_s / record_s) - 1);
  }
  // ceil(steps / s) <= affordable  <=>  s >= steps / affordable.
  const std::int64_t affordable_records = static_cast<std::int64_t>(affordable);
  const std::int64_t stride = affordable_records < 1 ? steps : (steps + affordable_records - 1) / affordable_records;
  return round_up(stride, limits.multiple);
}

void StrideChooser::record_steps(std::int64_t steps, double seconds) {
  require_time(seconds, "step time");
  if (steps < 1) throw std::invalid_argument("steps = " + std::to_string(steps) + "; expected >= 1");
  steps_ += steps;
  step_seconds_ += seconds;
}

void StrideChooser::record_diagnostics(double seconds) {
  require_time(seconds, "diagnostics time");
  ++diagnostics_;
  diagnostics_seconds_ += seconds;
}

std::int64_t StrideChooser::stride() const {
  if (steps_ == 0 || diagnostics_ == 0) return 1;
  return diagnostics_stride(step_seconds_ / static_cast<double>(steps_),
                            diagnostics_seconds_ / static_cast<double>(diagnostics_), limits_);
}

}  // namespace lfm
