#include "bench_end_to_end.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "lattice/backend.hpp"
#include "lattice/error.hpp"
#include "lattice/perf/machine.hpp"
#include "lattice/perf/stats.hpp"
#include "perf_json.hpp"
#include "table.hpp"

extern char** environ;

namespace fs = std::filesystem;

namespace lfm::app {
namespace {

fs::path this_executable() {
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (ec) throw InputError("cannot find the lfm executable (/proc/self/exe: " + ec.message() + ")");
  return self;
}

// The environment of this process with XDG_CACHE_HOME replaced.
std::vector<std::string> environment_with_cache(const fs::path& cache) {
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e) {
    if (std::strncmp(*e, "XDG_CACHE_HOME=", 15) != 0) env.emplace_back(*e);
  }
  env.push_back("XDG_CACHE_HOME=" + cache.string());
  return env;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
  std::vector<char*> p;
  for (auto& s : strings) p.push_back(s.data());
  p.push_back(nullptr);
  return p;
}

std::string read_all(const fs::path& p) {
  std::ifstream in(p);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

struct Side {
  std::string backend;
  std::vector<RunTiming> runs;
};

std::vector<double> walls(const Side& s) {
  std::vector<double> w;
  for (const auto& r : s.runs) w.push_back(r.wall_s);
  return w;
}

double median_of(const Side& s, double RunTiming::*field) {
  std::vector<double> v;
  for (const auto& r : s.runs) v.push_back(r.*field);
  return stats::summarize(v).median;
}

}  // namespace

RunTiming time_whole_run(const std::vector<std::string>& run_args, const fs::path& cache) {
  std::vector<std::string> argv{this_executable().string()};
  argv.insert(argv.end(), run_args.begin(), run_args.end());
  std::vector<std::string> env = environment_with_cache(cache);
  const fs::path out = run_args.back();
  const fs::path err = out.string() + ".stderr";
  posix_spawn_file_actions_t files;
  posix_spawn_file_actions_init(&files);
  posix_spawn_file_actions_addopen(&files, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&files, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  auto args = pointers(argv);
  auto envp = pointers(env);
  pid_t pid = -1;
  const auto t0 = std::chrono::steady_clock::now();
  const int spawned = posix_spawn(&pid, argv[0].c_str(), &files, nullptr, args.data(), envp.data());
  posix_spawn_file_actions_destroy(&files);
  int status = 0;
  if (spawned == 0) waitpid(pid, &status, 0);
  RunTiming t;
  t.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (spawned != 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    throw InputError("end-to-end run failed: " + read_all(err));
  }
  const auto summary = nlohmann::json::parse(read_all(out / "summary.json"));
  t.step_s = summary.at("step_time_s").get<double>();
  t.diagnostics_s = summary.at("diagnostics_time_s").get<double>();
  t.tuning = summary.value("backend_tuning", "");
  return t;
}

int bench_end_to_end(const EndToEndArgs& a) {
  if (a.size.n.size() != 1) throw InputError("--end-to-end times one size; give exactly one --n");
  if (a.steps < 1) throw InputError("--steps = " + std::to_string(a.steps) + "; expected >= 1");
  if (a.reps < 10) throw InputError("--reps = " + std::to_string(a.reps) + "; expected >= 10");
  for (const auto& c : a.caches) {
    if (c != "warm" && c != "cold") throw InputError("--cache " + c + ": expected warm or cold");
  }
  find_backend(a.backend);
  find_backend(a.against);
  const fs::path results = prepare_out_dir(a.out, a.backend);
  nlohmann::ordered_json record;
  if (a.skip_validation) {
    std::cout << "WARNING: validation skipped (--skip-validation); these timings are unvalidated\n";
    record["validation"] = {{"skipped", true}};
  } else {
    const auto report = validate_and_print(a.backend, a.against, {parse_precision(a.size.precision)}, false);
    record["validation"] = {{"skipped", false}, {"passed", report.passed()}, {"cases", report.cases.size()}};
    if (!report.passed()) {
      std::cerr << "lfm: bench refused: " << a.backend << " fails validation against " << a.against << "\n";
      return 4;
    }
  }
  const fs::path scratch = fs::temp_directory_path() / ("lfm-end-to-end-" + std::to_string(getpid()));
  fs::create_directories(scratch);
  struct Cleanup {
    fs::path dir;
    ~Cleanup() {
      std::error_code ec;
      fs::remove_all(dir, ec);
    }
  } cleanup{scratch};

  const std::size_t n = a.size.n.front();
  const auto args_for = [&](const std::string& backend) {
    return std::vector<std::string>{"run", a.size.workload, "--dim", std::to_string(a.size.dim), "--n",
                                    std::to_string(n), "--steps", std::to_string(a.steps), "--precision",
                                    a.size.precision, "--backend", backend, "--quiet", "--force", "--out",
                                    (scratch / ("run_" + backend)).string()};
  };
  record["what"] = "whole lfm run processes with default options, spawn to exit, outputs written";
  record["reference"] = a.against;
  record["backend"] = a.backend;
  record["workload"] = a.size.workload;
  record["shape"] = std::to_string(n) + "^" + std::to_string(a.size.dim);
  record["precision"] = a.size.precision;
  record["steps"] = a.steps;
  record["machine"] = to_json(perf::machine_info());
  std::optional<double> verdict;
  double worst_share = 0;  // diagnostics / wall, the larger side's median
  Table t({"cache", "backend", "median wall s", "stddev", "95% CI (s)", "stepping s", "diagnostics s",
           "other s", "tuning"});
  for (const std::string& cache : a.caches) {
    const fs::path shared = scratch / "cache_warm";
    Side ref{a.against, {}}, cand{a.backend, {}};
    if (cache == "warm") {  // fills the cache and the page cache; untimed
      for (const Side* s : {&ref, &cand}) time_whole_run(args_for(s->backend), shared);
    }
    for (int rep = 0; rep < a.reps; ++rep) {
      std::cout << "end to end, " << cache << " cache, repetition " << rep + 1 << " of " << a.reps << "\r"
                << std::flush;
      // Alternating which side goes first, so that a drift in the machine's
      // state hits both alike.
      for (Side* s : rep % 2 == 0 ? std::vector<Side*>{&ref, &cand} : std::vector<Side*>{&cand, &ref}) {
        const fs::path dir = cache == "warm" ? shared : scratch / ("cache_cold_" + std::to_string(rep) + s->backend);
        s->runs.push_back(time_whole_run(args_for(s->backend), dir));
      }
    }
    std::cout << "\n";
    std::vector<double> ratios;
    for (int i = 0; i < a.reps; ++i) ratios.push_back(ref.runs[i].wall_s / cand.runs[i].wall_s);
    const stats::Summary r = stats::summarize(ratios);
    nlohmann::ordered_json mode;
    for (const Side* s : {&ref, &cand}) {
      const stats::Summary w = stats::summarize(walls(*s));
      const double step = median_of(*s, &RunTiming::step_s), diag = median_of(*s, &RunTiming::diagnostics_s);
      auto j = timing_json(walls(*s));
      j["unit"] = "seconds per whole run";
      j["median_step_s"] = step;
      j["median_diagnostics_s"] = diag;
      j["tuning"] = s->runs.back().tuning;
      j["diagnostics_share_of_wall"] = diag / w.median;
      worst_share = std::max(worst_share, diag / w.median);
      mode[s == &ref ? "reference" : "candidate"] = j;
      t.add({cache, s->backend, fmt(w.median, 4), fmt(w.stddev, 2), interval(w.ci_low, w.ci_high, 4), fmt(step, 3),
             fmt(diag, 3), fmt(w.median - step - diag, 3), s->runs.back().tuning});
    }
    mode["speedup"] = {{"estimate", r.median}, {"ci95", {r.ci_low, r.ci_high}}, {"paired_ratios", ratios}};
    t.add({"", "speedup", fmt(r.median, 3).append("x"), "", interval(r.ci_low, r.ci_high), "", "", "",
           "median of paired ratios"});
    record["caches"][cache] = mode;
    if (!verdict || cache == "warm") verdict = r.median;
  }
  std::cout << "end to end: " << a.backend << " against " << a.against << ", `lfm run " << a.size.workload
            << " --dim " << a.size.dim << " --n " << n << " --steps " << a.steps << " --precision "
            << a.size.precision << "`, " << a.reps << " interleaved repetitions per cache state\n";
  t.print(std::cout);
  write_text_atomically(results / "bench_end_to_end.json", record.dump(2) + "\n");
  std::cout << "wrote " << (results / "bench_end_to_end.json").string() << "\n";
  bool pass = true;
  if (a.require) {
    const bool ok = *verdict >= *a.require;
    std::cout << "end-to-end speedup " << fmt(*verdict, 3) << "x, required >= " << fmt(*a.require, 3) << ": "
              << (ok ? "PASS" : "FAIL") << "\n";
    pass = pass && ok;
  }
  if (a.max_diagnostics_share) {
    const bool ok = worst_share <= *a.max_diagnostics_share;
    std::cout << "diagnostics " << percent(worst_share) << " of wall time, required <= "
              << percent(*a.max_diagnostics_share) << ": " << (ok ? "PASS" : "FAIL") << "\n";
    pass = pass && ok;
  }
  return pass ? 0 : 1;
}

}  // namespace lfm::app
