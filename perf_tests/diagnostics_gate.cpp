// A cost gate for the run loop's diagnostics: one fused record (health,
// energy, invariant: what `lfm run` computes at every record) against one
// `cpu` step on the same state, interleaved after warm-up. The median of the
// record times over the median of the step times must stay at or below the
// maximum. A microbenchmark of one record; `lfm run` adds the loop around it.
// Exit 0 pass, 1 fail.
//
//   diagnostics_gate --precision float64 --n 256 --max 1.5
#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <limits>
#include <vector>

#include "lattice/backend.hpp"
#include "lattice/diagnostics.hpp"
#include "lattice/error.hpp"
#include "lattice/fused_diagnostics.hpp"
#include "lattice/perf/stats.hpp"
#include "lattice/workloads.hpp"

namespace {

using Clock = std::chrono::steady_clock;

template <class F>
double seconds(F&& f) {
  const auto t0 = Clock::now();
  f();
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

void print_side(const char* what, const lfm::stats::Summary& s) {
  std::printf("  %-7s median %.4g ms  (stddev %.2g ms, min %.4g, max %.4g, n = %zu)\n", what, 1e3 * s.median,
              1e3 * s.stddev, 1e3 * s.min, 1e3 * s.max, s.n);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Diagnostics gate: one fused record against one cpu step, interleaved"};
  std::string precision = "float64", workload = "wave_packet";
  std::size_t n = 256;
  int dims = 3, reps = 15, warmup = 2;
  double max_ratio = 1.5;
  app.add_option("--precision", precision)->capture_default_str();
  app.add_option("--workload", workload)->capture_default_str();
  app.add_option("--dim", dims)->capture_default_str();
  app.add_option("--n", n)->capture_default_str();
  app.add_option("--reps", reps, "Repetitions (>= 10)")->capture_default_str();
  app.add_option("--warmup", warmup)->capture_default_str();
  app.add_option("--max", max_ratio, "Largest accepted median(record)/median(step)")->required();
  CLI11_PARSE(app, argc, argv);

  try {
    if (reps < 10) throw lfm::InputError("--reps = " + std::to_string(reps) + "; expected >= 10");
    lfm::Problem problem = lfm::make_workload(workload, dims, n, lfm::parse_precision(precision));
    auto cpu = lfm::make_backend("cpu");
    // A finite limit, as a run with --blowup-factor has: every cell is compared.
    const double limit = 1e6 * lfm::max_abs(problem.state);
    double sink = 0;
    const auto step = [&] { lfm::advance(*cpu, problem.state, problem.params, 1); };
    const auto record = [&] { sink += lfm::fused_diagnostics(problem.state, problem.params, limit).energy; };
    for (int i = 0; i < warmup; ++i) {
      step();
      record();
    }
    std::vector<double> step_s, record_s, paired;
    for (int i = 0; i < reps; ++i) {
      step_s.push_back(seconds(step));
      record_s.push_back(seconds(record));
      paired.push_back(record_s.back() / step_s.back());
    }
    const auto ss = lfm::stats::summarize(step_s);
    const auto rs = lfm::stats::summarize(record_s);
    const auto ps = lfm::stats::summarize(paired);
    // speedup(a, b) is median(a) / median(b): here records per step.
    const auto ratio = lfm::stats::speedup(record_s, step_s);
    std::printf("gate fused record vs cpu step, %s %zu^%d %s, %d interleaved repetitions after %d warm-up\n",
                workload.c_str(), n, dims, precision.c_str(), reps, warmup);
    print_side("step", ss);
    print_side("record", rs);
    std::printf("  paired record/step: median %.3f, min %.3f, max %.3f\n", ps.median, ps.min, ps.max);
    const bool pass = ratio.estimate <= max_ratio;
    std::printf("  ratio %.3f (95%% CI %.3f to %.3f), required <= %.3f: %s\n", ratio.estimate, ratio.ci_low,
                ratio.ci_high, max_ratio, pass ? "PASS" : "FAIL");
    if (!(sink == sink)) std::printf("  (energy went non-finite during the gate)\n");
    return pass ? 0 : 1;
  } catch (const std::exception& e) {
    std::cerr << "diagnostics_gate: error: " << e.what() << "\n";
    return 2;
  }
}
