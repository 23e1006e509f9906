#pragma once
// What the machine is and what it can do: recorded next to every
// performance figure so that each says how far it is from the limit.
#include <cstdint>
#include <map>
#include <string>

namespace lfm::perf {

struct MachineInfo {
  std::string cpu_model;
  unsigned logical_cores = 0;
  double memory_gib = 0;
  std::string os;            // kernel release, e.g. "Linux 6.1.0"
  std::string compiler;      // "GNU 12.2.0"
  std::string cxx_flags;
  std::string cuda_version;  // "" when no CUDA toolkit was built in
  std::string gpu;           // model and driver, or "none"
};

MachineInfo machine_info();

struct StreamResult {
  double best_gbs = 0;    // the usual STREAM figure
  double median_gbs = 0;
  int threads = 1;
  std::size_t bytes_per_array = 0;
};

// STREAM triad a[i] = b[i] + s·c[i] on float64 arrays, counting 24 bytes per
// element (read b and c, write a). Arrays default to 512 MiB each, far beyond
// any cache, and are first touched by the threads that use them.
StreamResult stream_triad(int threads = 1, std::size_t bytes_per_array = std::size_t{512} << 20,
                          int repetitions = 10);

struct ResourceUsage {
  double wall_s = 0;
  double user_s = 0, system_s = 0;
  double cpu_utilization = 0;       // (user + system) / wall, 1.0 = one core busy
  std::uint64_t peak_rss_bytes = 0; // high-water mark of the process
  std::uint64_t avg_rss_bytes = 0;  // mean of samples taken while measuring
};

// Measures CPU time and resident memory between start() and stop(),
// sampling RSS on a background thread every `sample_ms`.
class ResourceMonitor {
 public:
  explicit ResourceMonitor(int sample_ms = 20);
  ~ResourceMonitor();
  ResourceMonitor(const ResourceMonitor&) = delete;
  ResourceMonitor& operator=(const ResourceMonitor&) = delete;
  void start();
  ResourceUsage stop();

 private:
  struct Impl;
  Impl* impl_;
};

struct HardwareCounters {
  bool available = false;
  std::string reason;  // why not, when unavailable (e.g. perf_event_paranoid, no PMU)
  std::map<std::string, std::uint64_t> values;  // cycles, instructions, cache-misses, ...
};

// Hardware counters of this process (all its threads) via perf_event_open.
class CounterGroup {
 public:
  CounterGroup();
  ~CounterGroup();
  CounterGroup(const CounterGroup&) = delete;
  CounterGroup& operator=(const CounterGroup&) = delete;
  void start();
  HardwareCounters stop();

 private:
  struct Impl;
  Impl* impl_;
};

}  // namespace lfm::perf
