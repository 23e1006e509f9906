// `lfm bench B [--against REF]`: validation first, then REF and B timed
// interleaved at each size, with statistics and the fraction of the stream
// bandwidth measured in the same run (lattice/perf/bench_record.hpp, which
// the Python module's lfm.bench shares). Writes bench.json. --numpy and
// --peer NAME time the same equation in NumPy and in another framework
// (peers.hpp) after lfm at each size, in the same run.
#include <cstdio>
#include <iostream>
#include <optional>
#include <utility>

#include "commands.hpp"
#include "lattice/backend.hpp"
#include "lattice/error.hpp"
#include "lattice/perf/bench.hpp"
#include "lattice/perf/bench_record.hpp"
#include "peers.hpp"
#include "perf_json.hpp"
#include "table.hpp"

namespace lfm::app {
namespace {

// Validation failed: a fast wrong answer is worthless, so nothing is timed.
constexpr int exit_not_validated = 4;

struct Rates {
  double cells_per_s, gbs;
};

Rates rates(double seconds_per_step, std::size_t cells, double bytes_per_cell) {
  const double cps = static_cast<double>(cells) / seconds_per_step;
  return {cps, cps * bytes_per_cell / 1e9};
}

// Seconds per step of the NumPy transcription at this size, or an empty
// vector with `why` set when python3 with numpy cannot run it.
std::vector<double> time_numpy(const SizeArgs& s, std::size_t n, int reps, int order, std::string& why) {
  for (const char* python : {"/usr/bin/python3", "python3"}) {
    const std::string cmd = std::string(python) + " " + LFM_NUMPY_SCRIPT + " " + std::to_string(n) + " " +
                            std::to_string(s.dim) + " " + std::to_string(reps) + " 2 " + s.precision + " " +
                            std::to_string(order) + " 2>/dev/null";
    FILE* pipe = popen(cmd.c_str(), "r");
    if (!pipe) continue;
    std::string text;
    char buf[4096];
    while (std::fgets(buf, sizeof buf, pipe)) text += buf;
    if (pclose(pipe) == 0) {
      return nlohmann::json::parse(text)["seconds_per_step"].get<std::vector<double>>();
    }
  }
  why = "python3 with numpy could not run " + std::string(LFM_NUMPY_SCRIPT);
  return {};
}

}  // namespace

int bench_command(const BenchArgs& a) {
  // Every argument is checked before the validation matrix runs (minutes),
  // and before the results directory is created.
  const Precision precision = parse_precision(a.size.precision);
  if (a.reps < 10) {
    throw InputError("--reps = " + std::to_string(a.reps) + "; expected >= 10 for a median and its CI");
  }
  perf::BenchRequest request;
  request.backend = a.backend;
  request.reference = a.against;
  request.workload = a.size.workload;
  request.dims = a.size.dim;
  if (!a.size.n.empty()) request.sizes = a.size.n;
  request.precision = precision;
  request.warmup = a.warmup;
  request.repetitions = a.reps;
  request.min_rep_seconds = a.min_rep_seconds;
  request.stencil_order = a.stencil_order;
  perf::check_bench(request);
  if (!a.peer.empty()) check_peer(a.peer);
  if (a.numpy && a.size.workload != "wave_packet") {
    throw InputError("--numpy times the NumPy transcription of wave_packet only; --workload is " +
                     a.size.workload);
  }
  if (!a.peer.empty() && a.size.workload != "wave_packet") {
    throw InputError("--peer times wave_packet's equation only; --workload is " + a.size.workload);
  }
  const auto out = prepare_out_dir(a.out, a.backend);
  const perf::Contender ref{a.against, precision}, cand{a.backend, precision};

  std::optional<perf::ValidationReport> validation;
  if (a.skip_validation) {
    std::cout << "WARNING: validation skipped (--skip-validation); these timings are unvalidated\n";
  } else {
    validation = validate_and_print(a.backend, a.against, {precision}, false);
    if (!validation->passed()) {
      std::cerr << "lfm: bench refused: " << a.backend << " fails validation against "
                << a.against << "; fix it first (lfm validate " << a.backend << ")\n";
      return exit_not_validated;
    }
  }

  const perf::BenchResult result =
      perf::run_bench(request, [](const std::string& stage) { std::cout << stage << std::endl; });
  const auto& measured = result.sizes;

  std::vector<std::vector<double>> numpy_times(measured.size());
  if (a.numpy) {
    for (std::size_t i = 0; i < measured.size(); ++i) {
      std::cout << "timing NumPy at " << measured[i].n << "^" << a.size.dim << "..." << std::endl;
      std::string why;
      numpy_times[i] = time_numpy(a.size, measured[i].n, a.reps, a.stencil_order, why);
      if (numpy_times[i].empty()) std::cout << "NumPy not timed: " << why << "\n";
    }
  }
  std::vector<PeerTimes> peer_times(measured.size());
  for (std::size_t i = 0; i < measured.size() && !a.peer.empty(); ++i) {
    std::cout << "timing " << a.peer << " at " << measured[i].n << "^" << a.size.dim << "..." << std::endl;
    std::string why;
    peer_times[i] = time_peer(a.peer, {measured[i].n, a.size.dim, a.reps, 2, a.size.precision, a.stencil_order}, why);
    if (peer_times[i].seconds_per_step.empty()) {
      std::cout << a.peer << " not timed: " << why << "\n";
      break;  // the same reason holds at every size
    }
  }
  const perf::StreamResult& triad1 = result.triad_one_thread;
  const perf::StreamResult& triad_all = result.triad_all_threads;
  auto record = nlohmann::ordered_json::parse(
      perf::bench_json(request, validation ? &*validation : nullptr, result));
  const double bytes = record["compulsory_bytes_per_cell"].get<double>();

  Table t({"size", "backend", "median ms", "stddev", "95% CI (ms)", "cells/s", "GB/s", "triad 1T",
           std::string("triad ").append(std::to_string(triad_all.threads)).append("T"), "peak RSS"});
  for (std::size_t i = 0; i < measured.size(); ++i) {
    const auto& [n, timings, usage] = measured[i];
    auto& size = record["sizes"][i];
    std::string size_label = std::to_string(n);
    size_label.append("^").append(std::to_string(a.size.dim));
    const std::string rss = fmt(static_cast<double>(usage.peak_rss_bytes) / (1 << 20), 4).append(" MiB");
    for (const auto& [side, label] : {std::pair{&timings.reference, ref.label()},
                                      std::pair{&timings.candidate, cand.label()}}) {
      const stats::Summary s = stats::summarize(side->seconds_per_step);
      const Rates r = rates(s.median, timings.cells, bytes);
      t.add({size_label, label, fmt(1e3 * s.median, 4), fmt(1e3 * s.stddev, 2),
             interval(1e3 * s.ci_low, 1e3 * s.ci_high, 4), sci(r.cells_per_s), fmt(r.gbs, 3),
             percent(r.gbs / triad1.best_gbs), percent(r.gbs / triad_all.best_gbs), rss});
    }
    for (const auto* side : {&timings.reference, &timings.candidate}) {
      if (!side->tuning.empty()) {
        std::cout << "  " << size_label << ": autotuned " << side->tuning << " in " << fmt(side->tuning_seconds, 3)
                  << " s (not timed as stepping)\n";
      }
    }
    const auto speed = stats::speedup(timings.reference.seconds_per_step, timings.candidate.seconds_per_step);
    t.add({"", "speedup", fmt(speed.estimate, 3).append("x"), "", interval(speed.ci_low, speed.ci_high),
           "", "", "", "", ""});
    if (!numpy_times[i].empty()) {
      const auto ns = stats::summarize(numpy_times[i]);
      const auto over = stats::speedup(numpy_times[i], timings.candidate.seconds_per_step);
      size["numpy"] = timing_json(numpy_times[i]);
      size["speedup_over_numpy"] = {{"estimate", over.estimate}, {"ci95", {over.ci_low, over.ci_high}}};
      t.add({size_label, "numpy (np.roll)", fmt(1e3 * ns.median, 4), fmt(1e3 * ns.stddev, 2),
             interval(1e3 * ns.ci_low, 1e3 * ns.ci_high, 4), sci(static_cast<double>(timings.cells) / ns.median),
             "", "", "", ""});
      t.add({"", "speedup over numpy", fmt(over.estimate, 3).append("x"), "", interval(over.ci_low, over.ci_high),
             "", "", "", "", ""});
    }
    if (!peer_times[i].seconds_per_step.empty()) {
      const auto& peer = peer_times[i];
      const auto ps = stats::summarize(peer.seconds_per_step);
      const auto over = stats::speedup(peer.seconds_per_step, timings.candidate.seconds_per_step);
      auto j = timing_json(peer.seconds_per_step);
      for (const auto& [key, value] : peer.record.items()) {
        if (key == "seconds_per_step") continue;
        if (key == "operator_seconds_per_step") {
          j[key] = timing_json(value.get<std::vector<double>>());
        } else {
          j[key] = value;
        }
      }
      size[a.peer] = j;
      size["speedup_over_" + a.peer] = {{"estimate", over.estimate}, {"ci95", {over.ci_low, over.ci_high}}};
      t.add({size_label, a.peer + " " + peer.record.value(a.peer, ""), fmt(1e3 * ps.median, 4),
             fmt(1e3 * ps.stddev, 2), interval(1e3 * ps.ci_low, 1e3 * ps.ci_high, 4),
             sci(static_cast<double>(timings.cells) / ps.median), "", "", "", ""});
      t.add({"", "speedup over " + a.peer, fmt(over.estimate, 3).append("x"), "",
             interval(over.ci_low, over.ci_high), "", "", "", "", ""});
      // The operator's own timer leaves out the per-step apply call and the
      // periodic halo copies: the fastest Devito could be on this equation.
      if (peer.record.contains("operator_seconds_per_step")) {
        const auto op_times = peer.record["operator_seconds_per_step"].get<std::vector<double>>();
        const auto os = stats::summarize(op_times);
        const auto over_op = stats::speedup(op_times, timings.candidate.seconds_per_step);
        size["speedup_over_" + a.peer + "_operator"] = {{"estimate", over_op.estimate},
                                                       {"ci95", {over_op.ci_low, over_op.ci_high}}};
        t.add({"", a.peer + " operator only", fmt(1e3 * os.median, 4), fmt(1e3 * os.stddev, 2),
               interval(1e3 * os.ci_low, 1e3 * os.ci_high, 4), sci(static_cast<double>(timings.cells) / os.median),
               "", "", "", ""});
        t.add({"", "speedup over operator", fmt(over_op.estimate, 3).append("x"), "",
               interval(over_op.ci_low, over_op.ci_high), "", "", "", "", ""});
      }
    }
  }

  std::cout << "bench " << cand.label() << " against " << ref.label() << ", " << a.size.workload << " "
            << a.size.dim << "D order " << a.stencil_order << ", " << a.reps << " interleaved repetitions after " << a.warmup
            << " warm-up; stream triad " << fmt(triad1.best_gbs, 3) << " GB/s (1 thread), "
            << fmt(triad_all.best_gbs, 3) << " GB/s (" << triad_all.threads << " threads)\n";
  t.print(std::cout);
  if (!a.peer.empty() && !peer_times.front().seconds_per_step.empty()) {
    std::cout << a.peer << ": " << peer_times.front().record.value("boundary", "") << "; its rows run after lfm's, "
              << a.reps << " repetitions of 2 steps in one process after a warm-up step\n";
  }
  write_text_atomically(out / "bench.json", record.dump(2) + "\n");
  std::cout << "wrote " << (out / "bench.json").string() << "\n";
  return 0;
}

}  // namespace lfm::app
