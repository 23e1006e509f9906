#include "lattice/run_outputs.hpp"

#include <unistd.h>

#include <algorithm>
#include <functional>
#include <cmath>
#include <ctime>
#include <fstream>
#include <iomanip>
#include <nlohmann/json.hpp>
#include <system_error>

#include "lattice/build_info.hpp"
#include "lattice/error.hpp"
#include "lattice/npy.hpp"

namespace fs = std::filesystem;

namespace lfm {
namespace {

double relative_change(double from, double to) {
  return from != 0 ? (to - from) / std::abs(from) : to - from;
}

void write_text(const fs::path& path, const std::string& text) {
  std::ofstream f(path);
  f << text;
  f.close();
  if (!f) throw WriteError("write failed (disk full or not writable)");
}

// Writes one output through `write` into its staged name; a failure is
// reported under the name the user will look for.
void stage(RunDirectory& dir, const std::string& name, const std::function<void(const fs::path&)>& write) {
  const fs::path staged = dir.staged(name);
  try {
    write(staged);
  } catch (const std::exception& e) {
    std::error_code ec;
    fs::remove(staged, ec);
    std::string why = e.what();
    const std::string prefix = staged.string() + ": ";
    if (why.rfind(prefix, 0) == 0) why = why.substr(prefix.size());
    throw WriteError(dir.file(name).string() + ": " + why + "; nothing was replaced");
  }
}

nlohmann::ordered_json snapshot_summary(const SnapshotReport& r) {
  const SnapshotStats& s = r.stats;
  nlohmann::ordered_json j;
  j["file"] = "snapshots.h5";
  j["xdmf"] = "snapshots.xdmf";
  j["every"] = r.options.every;
  std::vector<std::string> fields;
  for (const SnapshotField f : r.options.fields) fields.emplace_back(to_string(f));
  j["fields"] = fields;
  j["compression_level"] = r.options.compression;
  j["float32_downcast"] = r.options.float32;
  j["steps_captured"] = s.snapshots;
  j["datasets"] = s.datasets;
  j["raw_bytes"] = s.raw_bytes;
  j["file_bytes"] = s.file_bytes;
  j["compression_ratio"] = s.compression_ratio();
  j["write_s"] = s.write_s;
  j["write_MB_per_s"] = s.write_mb_per_s();
  j["write_cpu_s"] = s.write_cpu_s;
  j["write_MB_per_cpu_s"] = s.write_mb_per_cpu_s();
  j["derive_s"] = s.compute_s;
  j["queue_depth"] = s.queue_depth;
  j["loop_copy_s"] = s.copy_s;
  j["loop_wait_s"] = s.wait_s;
  j["loop_waits"] = s.waits;
  j["loop_waited"] = s.waits > 0;
  j["drain_s"] = s.drain_s;
  return j;
}

}  // namespace

std::string energy_csv(const RunResult& r, double dt) {
  std::ostringstream s;
  s << "step,time,energy,invariant\n" << std::setprecision(17);
  for (const auto& e : r.trace) {
    s << e.step << ',' << static_cast<double>(e.step) * dt << ',' << e.energy << ',' << e.invariant << '\n';
  }
  return s.str();
}

std::string write_run_outputs(RunDirectory& dir, const Problem& problem, const RunResult& result,
                              const RunRecord& record) {
  const Params& p = problem.params;
  const Grid& g = std::visit([](const auto& s) -> const Grid& { return s.grid(); }, problem.state);
  const std::int64_t steps = result.trace.empty() ? 0 : result.trace.back().step;
  const auto& first = result.trace.front();
  const auto& last = result.trace.back();

  nlohmann::ordered_json j;
  j["status"] = result.diverged_at < 0 ? "completed" : "diverged";
  if (result.diverged_at >= 0) j["diverged_at_step"] = result.diverged_at;
  if (!result.divergence.empty()) j["divergence"] = result.divergence;
  j["workload"] = problem.name;
  j["backend"] = record.backend;
  if (!record.tuning.empty()) j["backend_tuning"] = record.tuning;
  j["precision"] = std::string(to_string(p.precision));
  j["shape"] = g.shape();
  j["cells"] = g.cells();
  j["steps"] = steps;
  j["steps_requested"] = record.steps_requested;
  j["parameters"] = nlohmann::ordered_json::parse(params_to_json(p));
  const bool chi_is_field = std::visit([](const auto& s) { return s.chi_field.has_value(); }, problem.state);
  j["chi"] = chi_is_field ? "field" : "scalar";
  if (chi_is_field) {
    // The scalar χ is unused under a field: the field's range and file say what χ was.
    j["parameters"].erase("chi");
    std::visit(
        [&](const auto& s) {
          const auto [lo, hi] = std::minmax_element(s.chi_field->values().begin(), s.chi_field->values().end());
          j["chi_file"] = "chi.npy";
          j["chi_min"] = static_cast<double>(*lo);
          j["chi_max"] = static_cast<double>(*hi);
        },
        problem.state);
  }
  j["wall_time_s"] = result.wall_s;
  j["step_time_s"] = result.step_s;
  j["diagnostics_time_s"] = result.diagnostics_s;
  j["tuning_time_s"] = result.tuning_s;
  j["ms_per_step"] = steps > 0 ? 1e3 * result.step_s / static_cast<double>(steps) : 0.0;
  j["cells_per_s"] = result.step_s > 0
                         ? static_cast<double>(g.cells()) * static_cast<double>(steps) / result.step_s
                         : 0.0;
  j["diagnostics_every"] = result.trace.size() > 1 ? result.trace[1].step : 0;
  j["energy_start"] = first.energy;
  j["energy_end"] = last.energy;
  j["energy_relative_drift"] = relative_change(first.energy, last.energy);
  j["invariant_start"] = first.invariant;
  j["invariant_end"] = last.invariant;
  j["invariant_relative_drift"] = relative_change(first.invariant, last.invariant);
  j["max_abs_E"] = result.max_abs;
  if (record.snapshots) j["snapshots"] = snapshot_summary(*record.snapshots);
  j["version"] = version();
  j["compiler"] = compiler();
  j["cxx_flags"] = cxx_flags();
  j["cpu_model"] = cpu_model();
  j["hardware_threads"] = hardware_threads();
  j["date_utc"] = utc_now();
  j["command"] = record.command_line;

  const std::string summary = j.dump(2) + "\n";
  stage(dir, "energy.csv", [&](const fs::path& f) { write_text(f, energy_csv(result, p.dt)); });
  std::vector<std::string> outputs{"energy.csv", "E.npy", "E_prev.npy"};
  std::visit(
      [&](const auto& s) {
        stage(dir, "E.npy", [&](const fs::path& f) { write_npy(f, s.E); });
        stage(dir, "E_prev.npy", [&](const fs::path& f) { write_npy(f, s.E_prev); });
        if (s.chi_field) {
          stage(dir, "chi.npy", [&](const fs::path& f) { write_npy(f, *s.chi_field); });
          outputs.push_back("chi.npy");
        }
      },
      problem.state);
  stage(dir, "summary.json", [&](const fs::path& f) { write_text(f, summary); });
  outputs.push_back("summary.json");
  dir.commit(outputs);
  return summary;
}

}  // namespace lfm
