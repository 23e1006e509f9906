#pragma once
// JSON pieces shared by the pipeline's records, so that every record names
// its machine and its statistics the same way.
#include <nlohmann/json.hpp>
#include <span>

#include "lattice/perf/machine.hpp"
#include "lattice/perf/stats.hpp"

namespace lfm::perf {

nlohmann::ordered_json to_json(const MachineInfo& m);
nlohmann::ordered_json to_json(const StreamResult& s);
nlohmann::ordered_json to_json(const ResourceUsage& r);
nlohmann::ordered_json to_json(const HardwareCounters& c);
// Summary of seconds-per-step samples, with the samples themselves (so that
// `lfm compare` can test them later).
nlohmann::ordered_json timing_json(std::span<const double> seconds_per_step);

}  // namespace lfm::perf
