// A speedup gate: two backends (or precisions) measured in one process,
// interleaved, after warm-up; the median ratio must reach the minimum.
// Exit 0 pass, 1 fail, 77 skipped (a backend is not built or has no device).
//
//   speedup_gate --backend cpu --against baseline --min 3 --workload wave_packet --n 128
#include <CLI/CLI.hpp>

#include <cstdio>
#include <iostream>

#include "lattice/backend.hpp"
#include "lattice/error.hpp"
#include "lattice/perf/bench.hpp"
#include "lattice/perf/stats.hpp"

namespace {

constexpr int exit_skip = 77;

// The reason a backend cannot run here, or "" when it can.
std::string unavailable(const std::string& name) {
  for (const auto& b : lfm::registered_backends()) {
    if (b.name == name) return b.available() ? "" : b.unavailable;
  }
  return "not registered";
}

void print_side(const char* role, const lfm::perf::Contender& c, const lfm::stats::Summary& s) {
  std::printf("  %-9s %-20s median %.4g ms/step  (stddev %.2g ms, min %.4g, max %.4g, n = %zu)\n", role,
              c.label().c_str(), 1e3 * s.median, 1e3 * s.stddev, 1e3 * s.min, 1e3 * s.max, s.n);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Speedup gate: assert a ratio of two backends measured interleaved"};
  lfm::perf::Contender cand, ref;
  std::string cand_precision = "float64", ref_precision;
  double min_ratio = 1;
  lfm::perf::BenchCase bench;
  bench.repetitions = 9;
  app.add_option("--backend", cand.backend, "Backend under test")->required();
  app.add_option("--precision", cand_precision, "Its precision")->capture_default_str();
  app.add_option("--against", ref.backend, "Reference backend")->required();
  app.add_option("--against-precision", ref_precision, "Reference precision (default: the same)");
  app.add_option("--min", min_ratio, "Smallest accepted median(reference)/median(backend)")->required();
  app.add_option("--workload", bench.workload)->capture_default_str();
  app.add_option("--dim", bench.dims)->capture_default_str();
  app.add_option("--n", bench.n)->capture_default_str();
  app.add_option("--reps", bench.repetitions, "Repetitions (>= 9)")->capture_default_str();
  app.add_option("--warmup", bench.warmup)->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  try {
    if (bench.repetitions < 9) throw lfm::InputError("--reps must be >= 9 for a gate's median");
    cand.precision = lfm::parse_precision(cand_precision);
    ref.precision = lfm::parse_precision(ref_precision.empty() ? cand_precision : ref_precision);
    for (const auto& name : {cand.backend, ref.backend}) {
      if (const std::string why = unavailable(name); !why.empty()) {
        std::cout << "SKIPPED: backend '" << name << "' unavailable: " << why << "\n";
        return exit_skip;
      }
    }
    const auto t = lfm::perf::measure_interleaved(ref, cand, bench);
    const auto rs = lfm::stats::summarize(t.reference.seconds_per_step);
    const auto cs = lfm::stats::summarize(t.candidate.seconds_per_step);
    const auto ratio = lfm::stats::speedup(t.reference.seconds_per_step, t.candidate.seconds_per_step);
    std::printf("gate %s vs %s, %s %zu^%d, %d interleaved repetitions of %lld and %lld steps after %d warm-up\n",
                cand.label().c_str(), ref.label().c_str(), bench.workload.c_str(), bench.n, bench.dims,
                bench.repetitions, static_cast<long long>(t.candidate.steps_per_rep),
                static_cast<long long>(t.reference.steps_per_rep), bench.warmup);
    print_side("reference", ref, rs);
    print_side("backend", cand, cs);
    const bool pass = ratio.estimate >= min_ratio;
    std::printf("  ratio %.3f (95%% CI %.3f to %.3f), required >= %.3f: %s\n", ratio.estimate, ratio.ci_low,
                ratio.ci_high, min_ratio, pass ? "PASS" : "FAIL");
    return pass ? 0 : 1;
  } catch (const std::exception& e) {
    std::cerr << "speedup_gate: error: " << e.what() << "\n";
    return 2;
  }
}
