// ms/step of every available backend on the 3D wave packet, with the rate
// in cells/s and in GB/s of the bytes a step must move at the least.
//
//   bench_step --benchmark_repetitions=10 --benchmark_filter='baseline/3d/.*/float64'
//
// Names are BM_step/<backend>/<dim>d/<n>/<precision>, for n^dim cells.
#include <benchmark/benchmark.h>

#include <cmath>

#include "lattice/backend.hpp"
#include "lattice/workloads.hpp"

namespace {

// Compulsory traffic of one step with scalar χ: read E and E_prev, write
// E_next, one element each per cell. What a perfect cache would still move.
std::size_t compulsory_bytes_per_cell(lfm::Precision p) {
  return 3 * (p == lfm::Precision::float64 ? sizeof(double) : sizeof(float));
}

void step_benchmark(benchmark::State& state, const std::string& backend_name, int dims,
                    std::size_t n, lfm::Precision precision) {
  lfm::Problem problem = lfm::make_workload("wave_packet", dims, n, precision);
  auto backend = lfm::make_backend(backend_name);
  lfm::advance(*backend, problem.state, problem.params, 1);  // warm-up: first touch, caches
  for (auto _ : state) {
    lfm::advance(*backend, problem.state, problem.params, 1);
  }
  const double cells = std::pow(static_cast<double>(n), dims);
  const double per_iter = cells * static_cast<double>(state.iterations());
  state.counters["cells_per_s"] = benchmark::Counter(per_iter, benchmark::Counter::kIsRate);
  state.counters["GB_per_s"] = benchmark::Counter(
      per_iter * static_cast<double>(compulsory_bytes_per_cell(precision)) / 1e9,
      benchmark::Counter::kIsRate);
}

// 3D from 32³ (in cache) to 256³ (far beyond it); 2D and 1D at sizes of
// similar cell counts.
const std::vector<std::pair<int, std::vector<std::size_t>>> sizes = {
    {3, {32, 64, 128, 256}}, {2, {256, 1024, 4096}}, {1, {65536, 1 << 22}}};

void register_all() {
  for (const auto& name : lfm::available_backend_names()) {
    for (const auto& [dims, extents] : sizes) {
      for (const std::size_t n : extents) {
        for (const auto precision : {lfm::Precision::float64, lfm::Precision::float32}) {
          const std::string id = "BM_step/" + name + "/" + std::to_string(dims) + "d/" +
                                 std::to_string(n) + "/" + std::string(lfm::to_string(precision));
          benchmark::RegisterBenchmark(id.c_str(), step_benchmark, name, dims, n, precision)
              ->Unit(benchmark::kMillisecond)
              ->UseRealTime();
        }
      }
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  register_all();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
