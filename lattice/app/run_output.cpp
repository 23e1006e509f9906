#include "run_output.hpp"

#include "commands.hpp"

#include <unistd.h>

#include <algorithm>
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

namespace lfm::app {
namespace {

bool is_non_empty_dir(const fs::path& p) {
  std::error_code ec;
  return fs::is_directory(p, ec) && !fs::is_empty(p, ec);
}

double relative_change(double from, double to) {
  return from != 0 ? (to - from) / std::abs(from) : to - from;
}

void write_text(const fs::path& path, const std::string& text) {
  std::ofstream f(path);
  f << text;
  f.close();
  if (!f) throw std::runtime_error("could not write " + path.string());
}

}  // namespace

std::string energy_csv(const RunResult& r) {
  std::ostringstream s;
  s << "step,energy,invariant\n" << std::setprecision(17);
  for (const auto& e : r.trace) s << e.step << ',' << e.energy << ',' << e.invariant << '\n';
  return s.str();
}

StagedOutput::StagedOutput(fs::path target, bool force, bool into_existing)
    : StagedOutput(std::move(target), force || into_existing) {
  into_existing_ = into_existing;
}

StagedOutput::StagedOutput(fs::path target, bool force) : target_(std::move(target)) {
  if (fs::exists(target_) && !fs::is_directory(target_)) {
    throw InputError("--out " + target_.string() + " exists and is not a directory");
  }
  if (is_non_empty_dir(target_) && !force) {
    throw InputError("--out " + target_.string() +
                     " is not empty; choose a new directory or pass --force to replace it");
  }
  const fs::path parent = fs::absolute(target_).parent_path();
  std::error_code ec;
  fs::create_directories(parent, ec);
  std::string staging_name = ".";
  staging_name += target_.filename().string();
  staging_name += ".partial-" + std::to_string(getpid());
  staging_ = parent / staging_name;
  if (ec || !fs::create_directory(staging_, ec) || ec) {
    throw InputError("--out " + target_.string() + ": directory " + parent.string() +
                     " is not writable (" + (ec ? ec.message() : "exists") + ")");
  }
}

StagedOutput::~StagedOutput() {
  if (!committed_) {
    std::error_code ec;
    fs::remove_all(staging_, ec);
  }
}

void StagedOutput::commit() {
  if (into_existing_) {
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(staging_)) files.push_back(entry.path());
    std::stable_partition(files.begin(), files.end(),
                          [](const fs::path& f) { return f.filename() != "summary.json"; });
    for (const auto& f : files) fs::rename(f, target_ / f.filename());
    fs::remove(staging_);
    committed_ = true;
    return;
  }
  fs::remove_all(target_);  // empty, or --force was given
  fs::rename(staging_, target_);
  committed_ = true;
}

std::string write_run_outputs(const StagedOutput& out, const Problem& problem,
                              const RunResult& result, const RunRecord& record) {
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
  j["chi"] = std::visit([](const auto& s) { return s.chi_field ? "field" : "scalar"; },
                        problem.state);
  j["wall_time_s"] = result.wall_s;
  j["step_time_s"] = result.step_s;
  j["diagnostics_time_s"] = result.diagnostics_s;
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
  write_text(out.file("summary.json"), summary);
  write_text(out.file("energy.csv"), energy_csv(result));
  std::visit(
      [&](const auto& s) {
        write_npy(out.file("E.npy"), s.E);
        write_npy(out.file("E_prev.npy"), s.E_prev);
      },
      problem.state);
  return summary;
}

}  // namespace lfm::app
