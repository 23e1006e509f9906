// cpu_temporal under contention: while a child process burns one core,
// cpu and cpu_temporal are timed interleaved in this process, and the
// median ratio time(cpu) / time(cpu_temporal) must reach the minimum. A
// schedule that makes every thread wait for the slowest at each plane
// collapses here (30-75x slower than cpu); one that waits only on the band
// ahead keeps pace. Exit 0 pass, 1 fail, 2 error.
//
//   contention_gate --min 0.67 --n 256 [--pin]
#include <CLI/CLI.hpp>
#include <sched.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <iostream>

#include "lattice/perf/bench.hpp"
#include "lattice/perf/stats.hpp"

namespace {

// The burner: arithmetic on one core until killed, or until `limit` seconds
// have passed or its parent is gone, so that it can never outlive the gate.
[[noreturn]] void burn(double limit, pid_t parent, bool pin) {
  if (pin) {
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(0, &one);
    sched_setaffinity(0, sizeof one, &one);
  }
  const auto t0 = std::chrono::steady_clock::now();
  volatile double x = 1;
  while (std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() < limit &&
         getppid() == parent) {
    for (int i = 0; i < 1000000; ++i) x = x * 1.0000001 + 1e-9;
  }
  _exit(0);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"cpu_temporal against cpu while another process burns one core"};
  double min_ratio = 0;
  bool pin = false;
  double limit = 600;
  lfm::perf::BenchCase bench;
  bench.n = 256;
  app.add_option("--min", min_ratio, "Smallest accepted median time(cpu)/time(cpu_temporal)")->required();
  app.add_option("--n", bench.n)->capture_default_str();
  app.add_option("--reps", bench.repetitions)->capture_default_str();
  app.add_option("--burn-limit", limit, "Seconds after which the burner stops by itself")->capture_default_str();
  app.add_flag("--pin", pin, "Pin the burner to core 0");
  CLI11_PARSE(app, argc, argv);

  const pid_t parent = getpid();
  const pid_t child = fork();
  if (child < 0) {
    std::perror("contention_gate: fork");
    return 2;
  }
  if (child == 0) burn(limit, parent, pin);
  int rc = 2;
  try {
    const auto t = lfm::perf::measure_interleaved({"cpu"}, {"cpu_temporal"}, bench);
    const auto cpu = lfm::stats::summarize(t.reference.seconds_per_step);
    const auto blocked = lfm::stats::summarize(t.candidate.seconds_per_step);
    const auto ratio = lfm::stats::speedup(t.reference.seconds_per_step, t.candidate.seconds_per_step);
    std::printf("contention gate, %s %zu^3 float64, a burner %s, %d interleaved repetitions of %lld (cpu) and "
                "%lld (cpu_temporal) steps\n",
                bench.workload.c_str(), bench.n, pin ? "pinned to core 0" : "unpinned", bench.repetitions,
                static_cast<long long>(t.reference.steps_per_rep), static_cast<long long>(t.candidate.steps_per_rep));
    std::printf("  cpu           median %.4g ms/step (min %.4g, max %.4g)\n", 1e3 * cpu.median, 1e3 * cpu.min,
                1e3 * cpu.max);
    std::printf("  cpu_temporal  median %.4g ms/step (min %.4g, max %.4g), %s, tuned in %.2f s\n",
                1e3 * blocked.median, 1e3 * blocked.min, 1e3 * blocked.max, t.candidate.tuning.c_str(),
                t.candidate.tuning_seconds);
    const bool pass = ratio.estimate >= min_ratio;
    std::printf("  ratio %.3f (95%% CI %.3f to %.3f), required >= %.3f: %s\n", ratio.estimate, ratio.ci_low,
                ratio.ci_high, min_ratio, pass ? "PASS" : "FAIL");
    rc = pass ? 0 : 1;
  } catch (const std::exception& e) {
    std::cerr << "contention_gate: error: " << e.what() << "\n";
  }
  kill(child, SIGKILL);
  waitpid(child, nullptr, 0);
  return rc;
}
