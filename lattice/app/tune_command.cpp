#include "tune_command.hpp"

#include <iomanip>
#include <iostream>

#include "lattice/backend.hpp"
#include "lattice/error.hpp"
#include "lattice/workloads.hpp"

namespace lfm::app {

CLI::App* add_tune_subcommand(CLI::App& app, TuneArgs& a) {
  auto* cmd = app.add_subcommand("tune", "Time the tuning candidates again and rewrite their cache entries");
  cmd->add_option("workload", a.workload, "Standard workload")->capture_default_str();
  cmd->add_option("--backend", a.backend, "Backend that tunes (auto tunes every candidate)")->capture_default_str();
  cmd->add_option("--dim", a.dim, "Dimensions (1, 2 or 3)")->capture_default_str();
  cmd->add_option("--n", a.n, "Cells per axis (repeatable; default 256)");
  cmd->add_option("--precision", a.precision, "float64 or float32")->capture_default_str();
  return cmd;
}

int tune_command(const TuneArgs& a) {
  const Precision precision = parse_precision(a.precision);
  for (const std::size_t n : a.n.empty() ? std::vector<std::size_t>{256} : a.n) {
    const Problem problem = make_workload(a.workload, a.dim, n, precision);
    const auto backend = make_backend(a.backend);
    prepare(*backend, problem.state, problem.params, true);
    const std::string chosen = backend->tuning();
    std::cout << a.workload << " " << n << "^" << a.dim << " " << a.precision << ": "
              << (chosen.empty() ? "nothing to tune" : chosen) << " (" << backend->tuning_trials()
              << " configurations timed in " << std::fixed << std::setprecision(2) << backend->tuning_seconds()
              << " s)\n";
  }
  return 0;
}

}  // namespace lfm::app
