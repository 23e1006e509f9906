#pragma once
// The performance pipeline's subcommands: baseline → profile → validate →
// bench → report, and compare for regressions. Each prints a readable table
// and writes JSON a script can read; each returns the process exit code.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "lattice/params.hpp"
#include "lattice/perf/validation.hpp"

namespace CLI {
class Option;
}

namespace lfm::app {

// Checks on a command-line value, run before CLI11 converts it, so that
// "-1" never wraps into a size_t and 1e30 is never clamped into an int64.
// Each refuses by throwing InputError "OPTION = VALUE ...; expected RANGE",
// which leaves the parse like any other bad input; `expected` replaces the
// range in the message. Each returns `option`.
CLI::Option* integer_in(CLI::Option* option, std::int64_t lowest, std::int64_t highest,
                        const std::string& expected = "");
CLI::Option* positive_number(CLI::Option* option);  // finite and > 0
CLI::Option* not_empty(CLI::Option* option);        // a path given as ""

struct SizeArgs {
  std::string workload = "wave_packet";
  int dim = 3;
  std::vector<std::size_t> n;
  std::string precision = "float64";
};

struct BackendsArgs {
  std::filesystem::path records = ".";  // the tree holding results/, docs/optimizations/, perf_tests/
};

struct ValidateArgs {
  std::string backend;
  std::string against = "baseline";
  std::vector<std::string> precisions{"float64", "float32"};
  std::filesystem::path out;  // default results/<backend>
};

struct BenchArgs {
  std::string backend;
  std::string against = "baseline";
  SizeArgs size;
  int reps = 10;
  int warmup = 2;
  double min_rep_seconds = 0.2;  // each repetition runs at least this long
  bool skip_validation = false;
  bool numpy = false;  // also time perf_tests/numpy_step.py, the array-library approach
  std::string peer;    // also time perf_tests/peers/<peer>_step.py (peers.hpp); empty: none
  int stencil_order = 2;
  std::filesystem::path out;
};

struct BaselineArgs {
  SizeArgs size;
  int steps = 50;
  int reps = 10;
  std::filesystem::path dir = "baselines";
};

struct ProfileArgs {
  SizeArgs size;
  std::string backend = "baseline";
  int steps = 20;
  std::filesystem::path out;
};

struct ReportArgs {
  std::string backend;
  std::filesystem::path results;  // default results/<backend>
  std::filesystem::path docs = "docs/optimizations";
};

struct CompareArgs {
  std::filesystem::path old_record, new_record;
  double threshold = 0.05;
  double alpha = 0.05;
};

struct TiersArgs {
  std::string backend;            // empty: the default backend
  std::vector<int> tiers;         // empty: all four
  std::vector<std::string> checks;  // ids; empty: every check of the chosen tiers
  std::filesystem::path out;      // default results/<backend>
};

int backends_command(const BackendsArgs& a);
int validate_command(const ValidateArgs& a);
int bench_command(const BenchArgs& a);
int baseline_command(const BaselineArgs& a);
int profile_command(const ProfileArgs& a);
int report_command(const ReportArgs& a);
int compare_command(const CompareArgs& a);
// Exit 0 when every check passed, 6 when one failed (5 is a failed write).
int tiers_command(const TiersArgs& a);

// Runs the validation matrix and prints its table (failures only unless
// all_rows); shared by `validate` and `bench`, which refuses to time an
// unvalidated backend.
perf::ValidationReport validate_and_print(const std::string& backend, const std::string& reference,
                                          const std::vector<Precision>& precisions, bool all_rows);

std::vector<Precision> parse_precisions(const std::vector<std::string>& names);
// Throws InputError for a workload name, dimension, precision or any of the
// sizes make_workload would refuse, so that a command checks all of them
// before it creates a directory or starts a measurement.
void check_sizes(const SizeArgs& s, const std::vector<std::size_t>& sizes);
// `out`, or results/<backend> when empty; created if absent.
std::filesystem::path prepare_out_dir(const std::filesystem::path& out, const std::string& backend);
// Writes to a temporary name beside `path` and renames: no partial files.
void write_text_atomically(const std::filesystem::path& path, const std::string& text);
std::string read_text_file(const std::filesystem::path& path);
// 'text' with quotes doubled: a string literal for a gnuplot script.
std::string gnuplot_quoted(const std::string& s);
// Runs gnuplot on `script` with a PNG terminal of that size writing `png`
// (atomically); returns why no plot was made, or "" when it was.
std::string plot_png(const std::filesystem::path& png, int width, int height, const std::string& script);

}  // namespace lfm::app
