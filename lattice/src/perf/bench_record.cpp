#include "lattice/perf/bench_record.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "lattice/backend.hpp"
#include "lattice/error.hpp"
#include "lattice/perf/json.hpp"
#include "lattice/perf/stats.hpp"
#include "lattice/workloads.hpp"

namespace lfm::perf {

void check_bench(const BenchRequest& request) {
  if (request.repetitions < 10) {
    throw InputError("repetitions = " + std::to_string(request.repetitions) +
                     "; expected >= 10 for a median and its CI");
  }
  if (request.stencil_order != 2 && request.stencil_order != 4) {
    throw InputError("stencil order = " + std::to_string(request.stencil_order) + "; expected 2 or 4");
  }
  if (request.sizes.empty()) throw InputError("no sizes to time; expected at least one");
  // make_workload holds the rules: each size on a 1D lattice, the dimension
  // on the smallest size (allocated here anyway), before anything is timed.
  for (const std::size_t n : request.sizes) make_workload(request.workload, 1, n, request.precision);
  make_workload(request.workload, request.dims, *std::min_element(request.sizes.begin(), request.sizes.end()),
                request.precision);
  find_backend(request.backend);
  find_backend(request.reference);
}

BenchResult run_bench(const BenchRequest& request, const std::function<void(const std::string&)>& progress) {
  check_bench(request);
  const Contender ref{request.reference, request.precision}, cand{request.backend, request.precision};
  BenchResult result;
  for (const std::size_t n : request.sizes) {
    progress("timing " + std::to_string(n) + "^" + std::to_string(request.dims) + "...");
    ResourceMonitor monitor;
    monitor.start();
    PairTimings timings = measure_interleaved(
        ref, cand, {request.workload, request.dims, n, request.warmup, request.repetitions, request.min_rep_seconds,
                   request.stencil_order});
    result.sizes.push_back({n, std::move(timings), monitor.stop()});
  }
  // After the timings, so that its 1.5 GiB of arrays does not set the
  // process's peak memory seen while the backends ran.
  progress("measuring stream triad bandwidth...");
  result.triad_one_thread = stream_triad(1);
  result.machine = machine_info();
  result.triad_all_threads = stream_triad(static_cast<int>(result.machine.logical_cores));
  return result;
}

std::string bench_json(const BenchRequest& request, const ValidationReport* validation, const BenchResult& result) {
  nlohmann::ordered_json record;
  record["backend"] = request.backend;
  record["reference"] = request.reference;
  record["workload"] = request.workload;
  record["precision"] = std::string(to_string(request.precision));
  record["stencil_order"] = request.stencil_order;
  if (validation) {
    record["validation"] = {{"skipped", false}, {"passed", validation->passed()},
                            {"cases", validation->cases.size()}, {"failures", validation->failures()}};
  } else {
    record["validation"] = {{"skipped", true}};
  }
  const bool chi_field = request.workload == "gravity_well";
  const double bytes = compulsory_bytes_per_cell(request.precision, chi_field);
  record["compulsory_bytes_per_cell"] = bytes;
  record["machine"] = to_json(result.machine);
  record["stream_triad"] = {to_json(result.triad_one_thread), to_json(result.triad_all_threads)};
  record["sizes"] = nlohmann::ordered_json::array();
  for (const BenchSize& m : result.sizes) {
    nlohmann::ordered_json size;
    size["dims"] = request.dims;
    size["n"] = m.n;
    size["cells"] = m.timings.cells;
    // Each side's own count is beside its timings; this is the reference's.
    size["steps_per_rep"] = m.timings.reference.steps_per_rep;
    size["warmup"] = request.warmup;
    size["resources"] = to_json(m.usage);
    for (const auto& [name, side] : {std::pair{"reference", &m.timings.reference},
                                     std::pair{"candidate", &m.timings.candidate}}) {
      const stats::Summary s = stats::summarize(side->seconds_per_step);
      const double cells_per_s = static_cast<double>(m.timings.cells) / s.median;
      const double gbs = cells_per_s * bytes / 1e9;
      auto j = timing_json(side->seconds_per_step);
      j["steps_per_rep"] = side->steps_per_rep;
      j["cells_per_s"] = cells_per_s;
      j["gb_per_s"] = gbs;
      j["fraction_of_triad_1thread"] = gbs / result.triad_one_thread.best_gbs;
      j["fraction_of_triad_all_threads"] = gbs / result.triad_all_threads.best_gbs;
      if (!side->tuning.empty()) j["tuning"] = side->tuning;
      j["tuning_seconds"] = side->tuning_seconds;  // apart from the timed steps
      size[name] = j;
    }
    const auto speed = stats::speedup(m.timings.reference.seconds_per_step, m.timings.candidate.seconds_per_step);
    size["speedup"] = {{"estimate", speed.estimate}, {"ci95", {speed.ci_low, speed.ci_high}}};
    record["sizes"].push_back(size);
  }
  return record.dump(2);
}

}  // namespace lfm::perf
