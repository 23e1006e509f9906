#include "lattice/perf/json.hpp"

namespace lfm::perf {

nlohmann::ordered_json to_json(const MachineInfo& m) {
  return {{"cpu_model", m.cpu_model}, {"logical_cores", m.logical_cores},
          {"memory_gib", m.memory_gib}, {"os", m.os}, {"compiler", m.compiler},
          {"cxx_flags", m.cxx_flags}, {"cuda_version", m.cuda_version}, {"gpu", m.gpu}};
}

nlohmann::ordered_json to_json(const StreamResult& s) {
  return {{"threads", s.threads}, {"bytes_per_array", s.bytes_per_array},
          {"best_gbs", s.best_gbs}, {"median_gbs", s.median_gbs}};
}

nlohmann::ordered_json to_json(const ResourceUsage& r) {
  return {{"wall_s", r.wall_s}, {"user_s", r.user_s}, {"system_s", r.system_s},
          {"cpu_utilization", r.cpu_utilization}, {"peak_rss_bytes", r.peak_rss_bytes},
          {"avg_rss_bytes", r.avg_rss_bytes}};
}

nlohmann::ordered_json to_json(const HardwareCounters& c) {
  nlohmann::ordered_json j{{"available", c.available}};
  if (!c.reason.empty()) j["reason"] = c.reason;
  for (const auto& [name, value] : c.values) j["values"][name] = value;
  return j;
}

nlohmann::ordered_json timing_json(std::span<const double> seconds_per_step) {
  const stats::Summary s = stats::summarize(seconds_per_step);
  return {{"unit", "seconds per step"}, {"n", s.n}, {"median", s.median}, {"mean", s.mean},
          {"stddev", s.stddev}, {"min", s.min}, {"max", s.max},
          {"median_ci95", {s.ci_low, s.ci_high}},
          {"samples", std::vector<double>(seconds_per_step.begin(), seconds_per_step.end())}};
}

}  // namespace lfm::perf
