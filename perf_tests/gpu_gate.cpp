// GPU gates with the fields resident on the device, where Backend::advance's
// per-call transfers would hide the kernels:
//
//   gpu_gate speedup --backend cuda --against cuda_baseline --min 3 --n 256
//     median over interleaved repetitions of time(against)/time(backend)
//   gpu_gate bandwidth --backend cuda --min 0.6 --n 256
//     the backend's compulsory bytes per second over the device-to-device
//     copy bandwidth measured in the same process
//
// Exit 0 pass, 1 fail, 2 bad input, 77 skipped (not built, or no device).
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdio>
#include <iostream>

#include "lattice/error.hpp"
#include "lattice/perf/bench.hpp"
#include "lattice/perf/stats.hpp"
#include "lattice/workloads.hpp"
#ifdef LFM_HAVE_CUDA
#include "cuda/cuda_backends.hpp"
#endif

namespace {

constexpr int exit_skip = 77;

double median(std::vector<double> v) { return lfm::stats::summarize(v).median; }

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"GPU gates on device-resident fields"};
  app.require_subcommand(1);
  std::string backend = "cuda", against = "cuda_baseline", workload = "wave_packet", precision = "float64";
  double min_ratio = 1;
  std::size_t n = 256;
  int dims = 3, reps = 9;
  std::int64_t steps = 20;
  auto* speedup = app.add_subcommand("speedup", "Ratio of two backends' device time per step");
  auto* bandwidth = app.add_subcommand("bandwidth", "Fraction of device-to-device copy bandwidth");
  for (auto* sub : {speedup, bandwidth}) {
    sub->add_option("--backend", backend)->capture_default_str();
    sub->add_option("--min", min_ratio, "Smallest accepted ratio")->required();
    sub->add_option("--workload", workload)->capture_default_str();
    sub->add_option("--precision", precision)->capture_default_str();
    sub->add_option("--n", n)->capture_default_str();
    sub->add_option("--dim", dims)->capture_default_str();
    sub->add_option("--reps", reps, "Repetitions (>= 9)")->capture_default_str();
    sub->add_option("--steps", steps, "Steps per repetition")->capture_default_str();
  }
  speedup->add_option("--against", against)->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  try {
    if (reps < 9) throw lfm::InputError("--reps = " + std::to_string(reps) + "; expected >= 9 for a gate's median");
#ifndef LFM_HAVE_CUDA
    std::cout << "SKIPPED: not built: configured without CUDA\n";
    return exit_skip;
#else
    if (const std::string& why = lfm::cuda::device_unavailable_reason(); !why.empty()) {
      std::cout << "SKIPPED: " << why << "\n";
      return exit_skip;
    }
    const lfm::Problem problem = lfm::make_workload(workload, dims, n, lfm::parse_precision(precision));
    const bool is_speedup = speedup->parsed();
    const auto t = lfm::cuda::time_on_device(is_speedup ? against : backend, backend, problem, reps, steps);
    std::printf("%s on %s, %s %zu^%d %s, %d interleaved repetitions of %lld steps\n", is_speedup ? "speedup" : "bandwidth",
                lfm::cuda::device_description().c_str(), workload.c_str(), n, dims, precision.c_str(), reps,
                static_cast<long long>(steps));
    double ratio = 0;
    if (is_speedup) {
      std::vector<double> ratios;
      for (std::size_t r = 0; r < t.reference_s.size(); ++r) ratios.push_back(t.reference_s[r] / t.candidate_s[r]);
      std::printf("  %-14s median %.4g ms/step\n  %-14s median %.4g ms/step\n", against.c_str(),
                  1e3 * median(t.reference_s), backend.c_str(), 1e3 * median(t.candidate_s));
      ratio = median(ratios);
    } else {
      const std::size_t cells = std::visit([](const auto& s) { return s.E.size(); }, problem.state);
      const bool chi_field = std::visit([](const auto& s) { return s.chi_field.has_value(); }, problem.state);
      const double bytes = lfm::perf::compulsory_bytes_per_cell(problem.params.precision, chi_field) * cells;
      const double achieved = bytes / median(t.candidate_s);
      const double copy = lfm::cuda::device_copy_bandwidth(std::max<std::size_t>(static_cast<std::size_t>(bytes), 1 << 26), reps);
      std::printf("  %s: %.1f GB/s of compulsory traffic; device-to-device copy: %.1f GB/s\n", backend.c_str(),
                  achieved / 1e9, copy / 1e9);
      ratio = achieved / copy;
    }
    const bool pass = ratio >= min_ratio;
    std::printf("  ratio %.3f, required >= %.3f: %s\n", ratio, min_ratio, pass ? "PASS" : "FAIL");
    return pass ? 0 : 1;
#endif
  } catch (const std::exception& e) {
    std::cerr << "gpu_gate: error: " << e.what() << "\n";
    return 2;
  }
}
