// lfm: the Lattice Field Medium simulator's command-line tool.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdint>
#include <iostream>
#include <limits>

#include "lattice/backend.hpp"
#include "lattice/build_info.hpp"
#include "lattice/checkpoint.hpp"
#include "lattice/diagnostic_stride.hpp"
#include "lattice/error.hpp"
#include "lattice/run.hpp"
#include "lattice/workloads.hpp"
#include "commands.hpp"
#include "distributed.hpp"
#include "bench_end_to_end.hpp"
#include "inspect_command.hpp"
#include "resume_command.hpp"
#include "run_command.hpp"
#include "run_inputs.hpp"
#include "tune_command.hpp"

namespace {

std::string join_args(int argc, char** argv) {
  std::string s;
  for (int i = 0; i < argc; ++i) s += (i ? " " : "") + std::string(argv[i]);
  return s;
}

using lfm::app::integer_in;
using lfm::app::not_empty;
constexpr std::int64_t int64_max = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t int_max = std::numeric_limits<int>::max();

// The help states the default stride's rule from the limits the run loop uses.
std::string default_stride_rule() {
  const lfm::RunStrideLimits limits;
  return "chosen so that records cost at most " + std::to_string(static_cast<int>(100 * limits.budget)) +
         "% of the stepping time, at most " + std::to_string(limits.max_records) +
         " records after step 0, first and last step always";
}

void add_run_options(CLI::App& run, lfm::app::RunArgs& a) {
  run.add_option("workload", a.workload,
                 "Standard workload: wave_packet, standing_wave, plane_wave, gravity_well");
  integer_in(run.add_option("--dim", a.dim, "Dimensions of a standard workload (1, 2 or 3)"), 1, 3)
      ->capture_default_str();
  integer_in(run.add_option("--n", a.n, "Cells per axis of a standard workload"), 1, int64_max)
      ->capture_default_str();
  integer_in(run.add_option("--steps", a.steps, "Leapfrog steps to take"), 0, int64_max)->capture_default_str();
  not_empty(run.add_option("--backend", a.backend,
                           "Backend name (see `lfm backends`); default " + lfm::default_backend_name()));
  run.add_option("--precision", a.precision, "float64 or float32 (overrides the config)");
  auto* config = not_empty(run.add_option(
      "--config", a.config, "JSON parameters: lfm's own config, or an LFM config (README: Coming from LFM)"));
  auto* variant = not_empty(run.add_option("--variant", a.variant, "An LFM config's variant or test, by test_id"));
  auto* init = not_empty(run.add_option("--init", a.init, "E at time level n, a .npy array"));
  auto* prev = not_empty(run.add_option("--init-prev", a.init_prev, "E at time level n-1, a .npy array"));
  not_empty(run.add_option("--chi", a.chi,
                           "chi field, a .npy array of the run's shape (replaces the config's or the "
                           "workload's chi)"));
  run.add_option("--set", a.overrides, "Override a parameter, KEY=VALUE (repeatable)");
  integer_in(run.add_option("--diagnostics-every", a.diagnostics_every,
                            "Steps between energy records (0: " + default_stride_rule() + ")"),
             0, int64_max);
  not_empty(run.add_option("--out", a.out, "Output directory: absent, empty, or one lfm wrote (with --force)"))->required();
  run.add_flag("--force", a.force, "Replace an earlier run in --out, removing only the files lfm wrote there");
  run.add_flag("--quiet", a.quiet, "No progress on stderr");
  run.add_flag("--allow-unstable", a.allow_unstable, "Run even when dt breaks the leapfrog limit");
  lfm::app::add_snapshot_options(run, a.snapshot);
  integer_in(run.add_option("--checkpoint-every", a.checkpoint_every,
                            "Write a checkpoint every K steps into --out/checkpoints (0: none); continue "
                            "with `lfm resume`"),
             0, int64_max);
  integer_in(run.add_option("--keep-checkpoints", a.keep_checkpoints,
                            "Checkpoints kept, newest first (with --checkpoint-every)"),
             1, int_max)
      ->capture_default_str();
  run.add_option("--blowup-factor", a.blowup_factor,
                 "Stop when max|E| exceeds this times its start (0: stop on NaN/Inf only)")->capture_default_str();
  run.add_option("--memory-limit", a.memory_limit,
                 "Refuse a run estimated above this size (800M, 16G; default: MemAvailable)");
  integer_in(run.add_option("--exchange-depth", a.distributed.exchange_depth,
                            "Under mpiexec: steps between halo exchanges (deeper halos, fewer messages; "
                            "default: 1, and with --backend cpu_temporal the deepest up to 8 that the slabs hold)"),
             1, 64);
  run.add_option("--decomposition", a.distributed.decomposition,
                 "Under mpiexec: ranks along axes 0, 1 and 2, e.g. 4x2x1 (axis 2 is never split; "
                 "default: MPI_Dims_create's split of axes 0 and 1 in 3D where it fits, else slabs of axis 0)");
  run.footer("Exit status: 0 done; 2 bad input or not enough memory; 3 diverged (NaN/Inf or blow-up); "
             "5 an output could not be written; 130 stopped by SIGINT, 143 by SIGTERM, 129 by SIGHUP (a checkpoint is "
             "written first when --checkpoint-every is set).");
  init->needs(config);
  prev->needs(config);
  config->needs(init, prev);
  variant->needs(config);
}

// A distributed run's options are refused on one process, so that no
// option given is silently ignored.
void refuse_distributed_options(const CLI::App& command) {
  for (const char* option : {"--exchange-depth", "--decomposition"}) {
    if (command.count(option) > 0 && lfm::app::distributed_ranks() <= 1) {
      throw lfm::InputError(std::string(option) + " applies to distributed runs (mpiexec -n P lfm " +
                            command.get_name() + ", P >= 2); this one runs on one process");
    }
  }
}

// Options that take effect only beside another one are refused alone.
void refuse_idle_run_options(const CLI::App& run, const lfm::app::RunArgs& a) {
  refuse_distributed_options(run);
  if (run.count("--keep-checkpoints") > 0 && a.checkpoint_every == 0) {
    throw lfm::InputError("--keep-checkpoints needs --checkpoint-every K (K >= 1); without checkpoints "
                          "there is nothing to keep");
  }
  for (const char* size : {"--dim", "--n"}) {
    if (run.count(size) > 0 && a.workload.empty()) {
      throw lfm::InputError(std::string(size) + " sizes a standard workload; with --config the shape is "
                            "--init's");
    }
  }
}

void add_size_options(CLI::App& cmd, lfm::app::SizeArgs& s) {
  cmd.add_option("--workload", s.workload, "Standard workload")->capture_default_str();
  integer_in(cmd.add_option("--dim", s.dim, "Dimensions (1, 2 or 3)"), 1, 3)->capture_default_str();
  integer_in(cmd.add_option("--n", s.n, "Cells per axis (repeatable: --n 64 --n 128)"), 1, int64_max);
  cmd.add_option("--precision", s.precision, "float64 or float32")->capture_default_str();
}

}  // namespace

int cli(int argc, char** argv) {
  CLI::App app{"lfm — the Lattice Field Medium: d²E/dt² = c²∇²E − χ(x)²E on 1D–3D lattices"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "lfm " + lfm::version());

  lfm::app::RunArgs run_args;
  run_args.command_line = join_args(argc, argv);
  auto* run = app.add_subcommand("run", "Run a workload or your own fields and write the results");
  add_run_options(*run, run_args);
  lfm::app::ResumeArgs resume_args;
  resume_args.command_line = run_args.command_line;
  auto* resume = app.add_subcommand("resume", "Continue a checkpointed run from its newest intact checkpoint");
  not_empty(resume->add_option("dir", resume_args.dir, "The run's --out directory"))->required();
  integer_in(resume->add_option("--steps-total", resume_args.steps_total, "Step to end at (default: the run's --steps)"),
             0, int64_max);
  resume->add_option("--memory-limit", resume_args.memory_limit, "As for lfm run");
  resume->add_flag("--quiet", resume_args.quiet, "No progress on stderr");
  integer_in(resume->add_option("--exchange-depth", resume_args.distributed.exchange_depth, "As for lfm run"), 1, 64);
  resume->add_option("--decomposition", resume_args.distributed.decomposition, "As for lfm run");
  resume->footer("Exit status as for lfm run.");
  lfm::app::BackendsArgs backends_args;
  auto* backends = app.add_subcommand(
      "backends", "List the backends, whether each is available, and whether its records promote it");
  not_empty(backends->add_option("--records", backends_args.records,
                                 "Tree with results/, docs/optimizations/ and perf_tests/"))
      ->capture_default_str();

  lfm::app::ValidateArgs validate_args;
  auto* validate = app.add_subcommand("validate", "Compare a backend with the baseline over the standard matrix");
  validate->add_option("backend", validate_args.backend, "Backend to validate")->required();
  validate->add_option("--against", validate_args.against, "Reference backend")->capture_default_str();
  validate->add_option("--precision", validate_args.precisions, "Precisions to validate")->capture_default_str();
  not_empty(validate->add_option("--out", validate_args.out, "Directory for validation.json (default results/B)"));

  lfm::app::BenchArgs bench_args;
  auto* bench = app.add_subcommand("bench", "Time a validated backend against a reference, interleaved");
  bench->add_option("backend", bench_args.backend, "Backend to time")->required();
  bench->add_option("--against", bench_args.against, "Reference backend")->capture_default_str();
  add_size_options(*bench, bench_args.size);
  integer_in(bench->add_option("--reps", bench_args.reps, "Timed repetitions"), 10, int_max)->capture_default_str();
  integer_in(bench->add_option("--warmup", bench_args.warmup, "Untimed repetitions first"), 0, int_max)
      ->capture_default_str();
  lfm::app::positive_number(
      bench->add_option("--min-time", bench_args.min_rep_seconds, "Seconds per repetition, at least"))
      ->capture_default_str();
  bench->add_flag("--numpy", bench_args.numpy,
                  "Also time the NumPy transcription (python3-numpy; --workload wave_packet only)");
  bench->add_option("--peer", bench_args.peer, "Also time another framework on the same equation: devito");
  bench->add_option("--order", bench_args.stencil_order, "Stencil order, 2 or 4")->capture_default_str();
  bench->add_flag("--skip-validation", bench_args.skip_validation, "Time without validating (recorded)");
  not_empty(bench->add_option("--out", bench_args.out, "Directory for bench.json (default results/B)"));
  lfm::app::EndToEndArgs e2e;
  bool end_to_end = false;
  bench->add_flag("--end-to-end", end_to_end,
                  "Time whole `lfm run` processes with default options instead of the step loop");
  integer_in(bench->add_option("--steps", e2e.steps, "--end-to-end: steps of each run"), 1, int64_max)
      ->capture_default_str();
  bench->add_option("--cache", e2e.caches, "--end-to-end: tuning-cache states to time, warm and/or cold")
      ->capture_default_str();
  bench->add_option("--require", e2e.require,
                    "--end-to-end: exit 1 unless the median paired speedup (warm cache) is at least this");
  bench->add_option("--max-diagnostics-share", e2e.max_diagnostics_share,
                    "--end-to-end: exit 1 if diagnostics take more than this share of a run's wall time");

  lfm::app::BaselineArgs baseline_args;
  lfm::app::TuneArgs tune_args;
  auto* tune = lfm::app::add_tune_subcommand(app, tune_args);

  auto* baseline = app.add_subcommand("baseline", "Record the baseline's outputs and performance");
  baseline->add_option("workload", baseline_args.size.workload, "Standard workload")->required();
  integer_in(baseline->add_option("--dim", baseline_args.size.dim, "Dimensions (1, 2 or 3)"), 1, 3)
      ->capture_default_str();
  integer_in(baseline->add_option("--n", baseline_args.size.n, "Cells per axis (repeatable); default 32"), 1,
             int64_max);
  baseline->add_option("--precision", baseline_args.size.precision, "float64 or float32")->capture_default_str();
  integer_in(baseline->add_option("--steps", baseline_args.steps, "Steps of the recorded reference run"), 1,
             int_max)
      ->capture_default_str();
  integer_in(baseline->add_option("--reps", baseline_args.reps, "Timed repetitions"), 10, int_max)
      ->capture_default_str();
  not_empty(baseline->add_option("--dir", baseline_args.dir, "Where records go"))->capture_default_str();

  lfm::app::ProfileArgs profile_args;
  auto* profile = app.add_subcommand("profile", "Time per phase of a run, hardware counters, memory");
  profile->add_option("workload", profile_args.size.workload, "Standard workload")->required();
  profile->add_option("--backend", profile_args.backend, "Backend")->capture_default_str();
  integer_in(profile->add_option("--dim", profile_args.size.dim, "Dimensions (1, 2 or 3)"), 1, 3)
      ->capture_default_str();
  integer_in(profile->add_option("--n", profile_args.size.n, "Cells per axis; default 64"), 1, int64_max)
      ->expected(1);
  profile->add_option("--precision", profile_args.size.precision, "float64 or float32")->capture_default_str();
  integer_in(profile->add_option("--steps", profile_args.steps, "Steps to profile"), 1, int_max)
      ->capture_default_str();
  not_empty(profile->add_option("--out", profile_args.out, "Directory for profile.json (default results/B)"));

  lfm::app::ReportArgs report_args;
  auto* report = app.add_subcommand("report", "Write docs/optimizations/B.md from validation and bench results");
  report->add_option("backend", report_args.backend, "Backend")->required();
  not_empty(report->add_option("--results", report_args.results,
                               "Where validation.json and bench.json are (default results/B)"));
  not_empty(report->add_option("--docs", report_args.docs, "Where the report goes"))->capture_default_str();

  lfm::app::CompareArgs compare_args;
  auto* compare = app.add_subcommand("compare", "Regression check between two performance records");
  not_empty(compare->add_option("old", compare_args.old_record, "Older record (perf.json or bench.json)"))
      ->required();
  not_empty(compare->add_option("new", compare_args.new_record, "Newer record"))->required();
  compare->add_option("--threshold", compare_args.threshold, "Smallest change that counts")->capture_default_str();
  compare->add_option("--alpha", compare_args.alpha, "Significance level")->capture_default_str();

  lfm::app::TiersArgs tiers_args;
  auto* tiers = app.add_subcommand(
      "tiers", "Physics validation tiers on a backend; exit 6 when a check fails");
  tiers->add_option("--backend", tiers_args.backend, "Backend (default: the default backend)");
  integer_in(tiers->add_option("--tier", tiers_args.tiers,
                               "Tier to run, repeatable: 1 relativistic, 2 gravity analogue, 3 energy, "
                               "4 quantization"),
             1, 4);
  tiers->add_option("--check", tiers_args.checks, "Check id to run, repeatable (see tiers.json)");
  not_empty(tiers->add_option("--out", tiers_args.out, "Directory for tiers.json and the plot (default results/B)"));

  lfm::app::InspectArgs inspect_args;
  auto* inspect = app.add_subcommand("inspect", "Show what a snapshot .h5, a .npy or a run directory holds");
  not_empty(inspect->add_option("file", inspect_args.file,
                               "snapshots.h5, an array .npy, summary.json or a run directory"))
      ->required();

  try {
    app.parse(argc, argv);
    if (run->parsed()) refuse_idle_run_options(*run, run_args);
    if (backends->parsed()) return lfm::app::backends_command(backends_args);
    if (resume->parsed()) {
      refuse_distributed_options(*resume);
      return lfm::app::resume_command(resume_args);
    }
    if (validate->parsed()) return lfm::app::validate_command(validate_args);
    if (bench->parsed() && end_to_end) {
      if (!bench_args.peer.empty() || bench->count("--order") > 0) {
        throw lfm::InputError("--peer and --order time the step loop; --end-to-end times whole `lfm run` processes");
      }
      e2e.backend = bench_args.backend;
      e2e.against = bench_args.against;
      e2e.size = bench_args.size;
      e2e.reps = bench_args.reps;
      e2e.out = bench_args.out;
      e2e.skip_validation = bench_args.skip_validation;
      return lfm::app::bench_end_to_end(e2e);
    }
    if (bench->parsed()) return lfm::app::bench_command(bench_args);
    if (tune->parsed()) return lfm::app::tune_command(tune_args);
    if (baseline->parsed()) return lfm::app::baseline_command(baseline_args);
    if (profile->parsed()) return lfm::app::profile_command(profile_args);
    if (report->parsed()) return lfm::app::report_command(report_args);
    if (compare->parsed()) return lfm::app::compare_command(compare_args);
    if (tiers->parsed()) return lfm::app::tiers_command(tiers_args);
    if (inspect->parsed()) return lfm::app::inspect_command(inspect_args);
    if (run_args.workload.empty() == run_args.config.empty()) {
      throw lfm::InputError(
          "lfm run needs either a WORKLOAD name or --config/--init/--init-prev, not both");
    }
    lfm::app::take_config_steps(run_args, run->count("--steps") > 0);
    return lfm::app::run_command(run_args);
  } catch (const CLI::ParseError& e) {
    // --help and --version are parse "errors" that succeed: CLI11 prints them.
    if (e.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) return app.exit(e);
    std::string line = e.what();
    std::replace(line.begin(), line.end(), '\n', ' ');
    const auto chosen = app.get_subcommands();
    std::cerr << "lfm: error: " << line << " (see lfm " << (chosen.empty() ? "" : chosen.front()->get_name() + " ")
              << "--help)\n";
    return 2;
  } catch (const lfm::InputError& e) {
    std::cerr << "lfm: error: " << e.what() << "\n";
    return 2;
  } catch (const lfm::WriteError& e) {
    std::cerr << "lfm: error: " << e.what() << "\n";
    return lfm::app::exit_write_failed;
  } catch (const std::bad_alloc&) {
    std::cerr << "lfm: error: out of memory: an allocation failed; the run needs more memory than "
                 "this process may use (see --memory-limit)\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "lfm: internal error: " << e.what() << "\n";
    return 1;
  }
}

int main(int argc, char** argv) {
  try {
    // Under mpiexec every rank but the root serves the root's job.
    lfm::app::MpiSession mpi(&argc, &argv);
    if (mpi.worker()) return mpi.serve();
    return cli(argc, argv);
  } catch (const lfm::InputError& e) {
    std::cerr << "lfm: error: " << e.what() << "\n";
    return 2;
  }
}
