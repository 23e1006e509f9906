// `lfm profile WORKLOAD --backend B`: where a run's time goes — allocation,
// stencil update, boundaries, diagnostics, I/O — with every phase over 10 %
// flagged, hardware counters where the kernel allows them, and peak memory.
#include <unistd.h>

#include <chrono>
#include <iostream>

#include "commands.hpp"
#include "lattice/backend.hpp"
#include "lattice/error.hpp"
#include "lattice/npy.hpp"
#include "lattice/phase.hpp"
#include "lattice/run.hpp"
#include "perf_json.hpp"
#include "table.hpp"

namespace fs = std::filesystem;

namespace lfm::app {
namespace {

using Clock = std::chrono::steady_clock;

double since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// A phase worth a look: the seed workflow's "hot loop" threshold.
constexpr double hot_share = 0.10;

}  // namespace

int profile_command(const ProfileArgs& a) {
  if (a.steps < 1) throw InputError("--steps = " + std::to_string(a.steps) + "; expected >= 1");
  const std::size_t n = a.size.n.empty() ? 64 : a.size.n.front();
  // Bad input is refused before the results directory exists.
  check_sizes(a.size, {n});
  find_backend(a.backend);
  const fs::path out = prepare_out_dir(a.out, a.backend);

  perf::ResourceMonitor monitor;
  perf::CounterGroup counters;
  PhaseRecorder phases;
  monitor.start();
  counters.start();
  const auto start = Clock::now();

  auto t0 = Clock::now();
  Problem problem = make_workload(a.size.workload, a.size.dim, n, parse_precision(a.size.precision));
  auto backend = make_backend(a.backend);
  const double setup_s = since(t0);

  set_phase_recorder(&phases);
  RunOptions options;
  options.steps = a.steps;
  options.diagnostics_every = 1;
  RunResult result;
  try {
    result = run(problem, *backend, options);
  } catch (...) {
    set_phase_recorder(nullptr);
    throw;
  }
  set_phase_recorder(nullptr);

  t0 = Clock::now();
  const fs::path scratch = out / (".profile-io-" + std::to_string(getpid()));
  fs::create_directories(scratch);
  std::visit([&](const auto& s) { write_npy(scratch / "E.npy", s.E); write_npy(scratch / "E_prev.npy", s.E_prev); },
             problem.state);
  fs::remove_all(scratch);
  const double io_s = since(t0);
  const double total_s = since(start);
  const perf::HardwareCounters hw = counters.stop();
  const perf::ResourceUsage usage = monitor.stop();

  // Phases the backend marked (ScopedPhase); what it did not mark inside
  // its steps is reported as one fused update.
  std::vector<std::pair<std::string, double>> rows{{"allocation (setup)", setup_s}};
  double marked = 0;
  for (const auto& [name, s] : phases.seconds()) {
    rows.emplace_back(name == "allocation" ? "allocation (backend)" : name, s);
    marked += s;
  }
  if (result.step_s - marked > 0.01 * result.step_s) {
    rows.emplace_back("update (unmarked, fused)", result.step_s - marked);
  }
  rows.emplace_back("diagnostics (every step)", result.diagnostics_s);
  rows.emplace_back("I/O (write E, E_prev)", io_s);

  nlohmann::ordered_json j;
  j["workload"] = a.size.workload;
  j["backend"] = a.backend;
  j["dims"] = a.size.dim;
  j["n"] = n;
  j["precision"] = a.size.precision;
  j["steps"] = a.steps;
  j["total_s"] = total_s;
  j["ms_per_step"] = 1e3 * result.step_s / a.steps;
  Table t({"phase", "seconds", "share", ""});
  double accounted = 0;
  for (const auto& [name, s] : rows) {
    const bool hot = s / total_s > hot_share;
    j["phases"].push_back({{"phase", name}, {"seconds", s}, {"share", s / total_s}, {"over_10_percent", hot}});
    t.add({name, fmt(s, 4), percent(s / total_s), hot ? "<-- over 10%" : ""});
    accounted += s;
  }
  t.add({"other (loop, untimed)", fmt(total_s - accounted, 3), percent((total_s - accounted) / total_s), ""});
  j["resources"] = to_json(usage);
  j["hardware_counters"] = to_json(hw);
  j["machine"] = to_json(perf::machine_info());

  std::cout << "profile " << a.backend << ", " << a.size.workload << " " << n << "^" << a.size.dim << " "
            << a.size.precision << ", " << a.steps << " steps: " << fmt(total_s, 4) << " s, "
            << fmt(1e3 * result.step_s / a.steps, 4) << " ms/step\n";
  t.print(std::cout);
  std::cout << "peak RSS " << fmt(static_cast<double>(usage.peak_rss_bytes) / (1 << 20), 4)
            << " MiB, CPU utilization " << fmt(usage.cpu_utilization, 2) << "\n";
  if (hw.available) {
    for (const auto& [name, v] : hw.values) std::cout << "  " << name << " " << v << "\n";
  } else {
    std::cout << "hardware counters not available: " << hw.reason << "\n";
  }
  write_text_atomically(out / "profile.json", j.dump(2) + "\n");
  std::cout << "wrote " << (out / "profile.json").string() << "\n";
  return 0;
}

}  // namespace lfm::app
