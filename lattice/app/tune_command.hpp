#pragma once
// `lfm tune`: (re)builds the tuning cache entries a run of this workload,
// size and precision would use, so that the run itself times nothing.
#include <CLI/CLI.hpp>

#include <cstddef>
#include <string>
#include <vector>

namespace lfm::app {

struct TuneArgs {
  std::string backend = "auto";
  std::string workload = "wave_packet";
  int dim = 3;
  std::vector<std::size_t> n;
  std::string precision = "float64";
};

CLI::App* add_tune_subcommand(CLI::App& app, TuneArgs& a);
int tune_command(const TuneArgs& a);

}  // namespace lfm::app
