#pragma once
// `lfm bench B --against REF --end-to-end`: whole `lfm run` processes, as a
// user starts them — default options (the backend's own tuning, the default
// diagnostics stride), outputs written — timed from spawn to exit,
// interleaved, with a cold tuning cache (a fresh $XDG_CACHE_HOME per run)
// and a warm one (shared, filled by an untimed run first).
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "commands.hpp"

namespace lfm::app {

struct EndToEndArgs {
  std::string backend, against;
  SizeArgs size;                 // one --n
  std::int64_t steps = 400;
  int reps = 10;
  std::vector<std::string> caches{"warm", "cold"};  // which tuning-cache states to time
  std::optional<double> require; // the gate: exit 1 unless the warm (else cold) paired median >= this
  // The gate: exit 1 unless diagnostics take at most this share of either
  // side's median wall time.
  std::optional<double> max_diagnostics_share;
  bool skip_validation = false;  // as for lfm bench: recorded, and said
  std::filesystem::path out;     // default results/<backend>
};

// What one whole run took, from its own summary.json and the clock around it.
struct RunTiming {
  double wall_s = 0;         // spawn to exit: startup, tuning, stepping, diagnostics, outputs
  double step_s = 0;         // as the run reports them
  double diagnostics_s = 0;
  std::string tuning;        // the backend's recorded choice
};

// Runs `lfm run` (this executable) once with these arguments and
// XDG_CACHE_HOME=cache; throws InputError with its stderr when it fails.
RunTiming time_whole_run(const std::vector<std::string>& run_args, const std::filesystem::path& cache);

// Returns the exit code: 0; 1 when a requirement is not met; 4 when the
// candidate fails validation (nothing is timed).
int bench_end_to_end(const EndToEndArgs& a);

}  // namespace lfm::app
