#pragma once
// `lfm bench`'s measurements and its bench.json record, for the CLI and the
// Python module alike: each size timed interleaved (measure_interleaved)
// with the resources it used, then the stream triad on one thread and on
// all, so that every rate is stated as a fraction of the machine's limit.
// Validation comes first and is the caller's (validate_backend): a fast
// wrong answer is worthless, so a caller times nothing when it fails.
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "lattice/perf/bench.hpp"
#include "lattice/perf/machine.hpp"
#include "lattice/perf/validation.hpp"

namespace lfm::perf {

struct BenchRequest {
  std::string backend;                // the candidate
  std::string reference = "baseline";
  std::string workload = "wave_packet";
  int dims = 3;
  std::vector<std::size_t> sizes = {64, 128};  // cells per axis
  Precision precision = Precision::float64;
  int warmup = 2;
  int repetitions = 10;
  double min_rep_seconds = 0.2;
  int stencil_order = 2;  // 2 or 4
};

struct BenchSize {
  std::size_t n = 0;
  PairTimings timings;
  ResourceUsage usage;  // of the whole interleaved measurement of this size
};

struct BenchResult {
  std::vector<BenchSize> sizes;
  StreamResult triad_one_thread, triad_all_threads;
  MachineInfo machine;
};

// Throws InputError for an unknown or unavailable backend or workload,
// sizes the workload refuses, a stencil order other than 2 or 4, no sizes, or fewer than 10 repetitions (a
// median and its confidence interval need them). Quick: callers check
// before validating.
void check_bench(const BenchRequest& request);

// check_bench, then the measurements. `progress` is told each stage as it
// starts ("timing 64^3...").
BenchResult run_bench(const BenchRequest& request, const std::function<void(const std::string&)>& progress);

// bench.json's record, as `lfm bench` writes it without --numpy:
// `validation` is the report validation gave, nullptr when it was skipped.
std::string bench_json(const BenchRequest& request, const ValidationReport* validation, const BenchResult& result);

}  // namespace lfm::perf
