// `lfm baseline WORKLOAD`: records the baseline backend's reference outputs
// and a performance record under baselines/<workload>/<dim>d_<n>_<precision>/,
// and summarises every recorded size in baselines/<workload>/report.md.
#include <ctime>
#include <iostream>

#include "commands.hpp"
#include "lattice/backend.hpp"
#include "lattice/diagnostics.hpp"
#include "lattice/error.hpp"
#include "lattice/npy.hpp"
#include "lattice/perf/bench.hpp"
#include "lattice/run.hpp"
#include "perf_json.hpp"
#include "lattice/build_info.hpp"
#include "lattice/run_outputs.hpp"
#include "table.hpp"

namespace fs = std::filesystem;

namespace lfm::app {
namespace {

// Fields are committed only for small grids (256 KiB per float64 field);
// larger ones are regenerated deterministically from the recorded command,
// and only their checksums are kept.
constexpr std::size_t max_committed_cells = 32768;

// FNV-1a over the bytes: a change anywhere in a regenerated field shows.
template <class T>
std::string fnv1a(const Field<T>& f) {
  std::uint64_t h = 1469598103934665603ull;
  const auto* bytes = reinterpret_cast<const unsigned char*>(f.data());
  for (std::size_t i = 0; i < f.size() * sizeof(T); ++i) h = (h ^ bytes[i]) * 1099511628211ull;
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

std::string case_dir_name(const SizeArgs& s, std::size_t n) {
  return std::to_string(s.dim) + "d_" + std::to_string(n) + "_" + s.precision;
}

// Runs the reference and writes its outputs; returns their description.
nlohmann::ordered_json record_outputs(const SizeArgs& s, std::size_t n, int steps, const fs::path& dir) {
  Problem problem = make_workload(s.workload, s.dim, n, parse_precision(s.precision));
  auto backend = make_backend("baseline");
  RunOptions options;
  options.steps = steps;
  options.diagnostics_every = 1;
  const RunResult result = run(problem, *backend, options);

  write_text_atomically(dir / "energy.csv", energy_csv(result, problem.params.dt));

  nlohmann::ordered_json j{{"steps", steps}, {"energy_csv", "energy.csv"}};
  std::visit(
      [&](const auto& st) {
        j["E_fnv1a"] = fnv1a(st.E);
        j["E_prev_fnv1a"] = fnv1a(st.E_prev);
        const bool small = st.E.size() <= max_committed_cells;
        j["fields_committed"] = small;
        if (small) {
          write_npy(dir / "E.npy", st.E);
          write_npy(dir / "E_prev.npy", st.E_prev);
        }
      },
      problem.state);
  const double e0 = result.trace.front().energy, e1 = result.trace.back().energy;
  j["energy_relative_drift"] = (e1 - e0) / e0;
  j["invariant_relative_drift"] =
      (result.trace.back().invariant - result.trace.front().invariant) / result.trace.front().invariant;
  return j;
}

std::string report_markdown(const fs::path& workload_dir, const std::string& workload) {
  std::string md = "# Baseline: `" + workload + "`\n\n"
                   "Recorded by `lfm baseline` (the `baseline` backend, the literal transcription of "
                   "the specification). Timings are medians of repetitions after warm-up; bandwidth "
                   "counts the compulsory bytes per cell and is compared with the stream triad "
                   "measured in the same run. Regenerate with `ci/update-baselines`.\n\n"
                   "| case | ms/step (median) | stddev | 95% CI | cells/s | GB/s | of triad | peak RSS | CPU util. | energy drift | counters |\n"
                   "|---|---|---|---|---|---|---|---|---|---|---|\n";
  std::vector<fs::path> cases;
  for (const auto& entry : fs::directory_iterator(workload_dir)) {
    if (fs::exists(entry.path() / "perf.json")) cases.push_back(entry.path());
  }
  std::sort(cases.begin(), cases.end());
  std::string machine;
  for (const auto& c : cases) {
    const auto j = nlohmann::json::parse(read_text_file(c / "perf.json"));
    const auto& t = j["timing"];
    md += "| " + c.filename().string() + " | " + fmt(1e3 * t["median"].get<double>(), 4) + " | " +
          fmt(1e3 * t["stddev"].get<double>(), 2) + " | " +
          interval(1e3 * t["median_ci95"][0].get<double>(), 1e3 * t["median_ci95"][1].get<double>(), 4) +
          " | " + sci(j["cells_per_s"]) + " | " + fmt(j["gb_per_s"], 3) + " | " +
          percent(j["fraction_of_triad_1thread"]) + " | " +
          fmt(j["resources"]["peak_rss_bytes"].get<double>() / (1 << 20), 4) + " MiB | " +
          fmt(j["resources"]["cpu_utilization"], 2) + " | " +
          sci(j["outputs"]["energy_relative_drift"]) + " | " +
          (j["hardware_counters"]["available"].get<bool>() ? "recorded" : "not available") + " |\n";
    machine = j["machine"]["cpu_model"].get<std::string>() + ", " +
              std::to_string(j["machine"]["logical_cores"].get<int>()) + " logical cores, " +
              fmt(j["machine"]["memory_gib"], 3) + " GiB, " + j["machine"]["compiler"].get<std::string>() +
              "; stream triad " + fmt(j["stream_triad"]["best_gbs"], 3) + " GB/s (1 thread)";
    if (!j["hardware_counters"]["available"].get<bool>()) {
      machine += "; hardware counters not available: " + j["hardware_counters"]["reason"].get<std::string>();
    }
  }
  return md + "\nMachine: " + machine + "\n";
}

}  // namespace

int baseline_command(const BaselineArgs& a) {
  const Precision precision = parse_precision(a.size.precision);
  if (a.steps < 1) throw InputError("--steps = " + std::to_string(a.steps) + "; expected >= 1");
  if (a.reps < 10) throw InputError("--reps = " + std::to_string(a.reps) + "; expected >= 10");
  const std::vector<std::size_t> sizes = a.size.n.empty() ? std::vector<std::size_t>{32} : a.size.n;
  check_sizes(a.size, sizes);  // every size, before the first is recorded

  const fs::path workload_dir = a.dir / a.size.workload;
  std::vector<std::pair<fs::path, nlohmann::ordered_json>> records;
  for (const std::size_t n : sizes) {
    const fs::path dir = workload_dir / case_dir_name(a.size, n);
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) throw InputError("--dir: cannot create " + dir.string() + " (" + ec.message() + ")");
    std::cout << "recording " << dir.string() << "..." << std::endl;
    nlohmann::ordered_json j;
    j["kind"] = "lfm-baseline";
    j["workload"] = a.size.workload;
    j["backend"] = "baseline";
    j["dims"] = a.size.dim;
    j["n"] = n;
    j["precision"] = a.size.precision;
    j["outputs"] = record_outputs(a.size, n, a.steps, dir);

    perf::ResourceMonitor monitor;
    perf::CounterGroup counters;
    monitor.start();
    counters.start();
    const perf::SingleTimings t =
        perf::measure({"baseline", precision}, {a.size.workload, a.size.dim, n, 1, a.reps});
    j["hardware_counters"] = to_json(counters.stop());
    j["resources"] = to_json(monitor.stop());
    j["steps_per_rep"] = t.timings.steps_per_rep;
    j["cells"] = t.cells;
    j["timing"] = timing_json(t.timings.seconds_per_step);
    const double bytes = perf::compulsory_bytes_per_cell(precision, a.size.workload == "gravity_well");
    const double steps_timed = static_cast<double>(t.timings.steps_per_rep) * a.reps;
    j["bytes"] = {{"compulsory_per_cell", bytes},
                  {"read_per_step", (bytes - (precision == Precision::float64 ? 8 : 4)) * static_cast<double>(t.cells)},
                  {"written_per_step", (precision == Precision::float64 ? 8.0 : 4.0) * static_cast<double>(t.cells)},
                  {"steps_timed", steps_timed}};
    const double median = j["timing"]["median"];
    j["ms_per_step"] = 1e3 * median;
    j["cells_per_s"] = static_cast<double>(t.cells) / median;
    j["gb_per_s"] = static_cast<double>(t.cells) * bytes / median / 1e9;
    records.emplace_back(dir, std::move(j));
  }

  // The triad runs after the timings so that its arrays do not set the peak memory.
  const perf::StreamResult triad = perf::stream_triad(1);
  Table table({"case", "ms/step", "stddev", "cells/s", "GB/s", "of triad", "peak RSS"});
  for (auto& [dir, j] : records) {
    j["stream_triad"] = to_json(triad);
    j["fraction_of_triad_1thread"] = j["gb_per_s"].get<double>() / triad.best_gbs;
    j["machine"] = to_json(perf::machine_info());
    j["date_utc"] = utc_now();
    j["command"] = "lfm baseline " + a.size.workload + " --dim " + std::to_string(a.size.dim) + " --n " +
                   j["n"].dump() + " --precision " + a.size.precision + " --steps " +
                   std::to_string(a.steps) + " --reps " + std::to_string(a.reps);
    write_text_atomically(dir / "perf.json", j.dump(2) + "\n");
    table.add({dir.filename().string(), fmt(j["ms_per_step"], 4), fmt(1e3 * j["timing"]["stddev"].get<double>(), 2),
               sci(j["cells_per_s"]), fmt(j["gb_per_s"], 3), percent(j["fraction_of_triad_1thread"]),
               fmt(j["resources"]["peak_rss_bytes"].get<double>() / (1 << 20), 4) + " MiB"});
  }
  write_text_atomically(workload_dir / "report.md", report_markdown(workload_dir, a.size.workload));
  std::cout << "baseline " << a.size.workload << " (stream triad " << fmt(triad.best_gbs, 3)
            << " GB/s, 1 thread)\n";
  table.print(std::cout);
  std::cout << "wrote " << (workload_dir / "report.md").string() << "\n";
  return 0;
}

}  // namespace lfm::app
