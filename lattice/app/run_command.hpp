#pragma once
// `lfm run`: a standard workload or a user's own arrays and config, stepped
// by one backend, with every output written atomically into one directory.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "snapshot_cli.hpp"

namespace lfm::app {

struct RunArgs {
  std::string workload;  // empty when --config is used
  int dim = 3;
  std::size_t n = 64;
  std::int64_t steps = 100;
  std::string backend;          // empty: the default backend
  std::optional<std::string> precision;
  std::filesystem::path config, init, init_prev, chi;
  std::vector<std::string> overrides;  // key=value, as in a JSON config
  std::int64_t diagnostics_every = 0;
  std::filesystem::path out;
  bool force = false;
  bool quiet = false;
  bool allow_unstable = false;
  SnapshotArgs snapshot;
  std::string command_line;
};

// Returns the process exit code: 0 done, 3 the field diverged (outputs kept
// up to the step where it did). Bad input throws InputError before anything
// is written.
int run_command(const RunArgs& args);

}  // namespace lfm::app
