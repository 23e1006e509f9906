#include "lattice/perf/machine.hpp"

#include "lattice/build_info.hpp"

#include <linux/perf_event.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstring>
#include <fstream>
#include <memory>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

namespace lfm::perf {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

// First value (in kB) of the line starting with `key` in a /proc file, or 0.
std::uint64_t proc_kib(const char* path, const std::string& key) {
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(key, 0) == 0) {
      std::istringstream fields(line.substr(key.size()));
      std::uint64_t kib = 0;
      fields >> kib;
      return kib;
    }
  }
  return 0;
}

std::uint64_t current_rss_bytes() {
  std::ifstream in("/proc/self/statm");
  std::uint64_t size_pages = 0, resident_pages = 0;
  in >> size_pages >> resident_pages;
  return resident_pages * static_cast<std::uint64_t>(sysconf(_SC_PAGESIZE));
}

double to_seconds(const timeval& tv) { return static_cast<double>(tv.tv_sec) + tv.tv_usec * 1e-6; }

}  // namespace

MachineInfo machine_info() {
  MachineInfo info;
  info.cpu_model = lfm::cpu_model();
  info.logical_cores = lfm::hardware_threads();
  info.memory_gib = static_cast<double>(proc_kib("/proc/meminfo", "MemTotal:")) / (1024.0 * 1024.0);
  utsname uts{};
  info.os = uname(&uts) == 0 ? std::string(uts.sysname) + " " + uts.release : "unknown";
  info.compiler = lfm::compiler();
  info.cxx_flags = lfm::cxx_flags();
#ifdef LFM_CUDA_VERSION
  info.cuda_version = LFM_CUDA_VERSION;
#endif
#ifdef LFM_HAVE_CUDA
  // This file is host-only; the cuda backend fills in the model and driver.
  info.gpu = "unknown (queried by the cuda backend)";
#else
  info.gpu = "none";
#endif
  return info;
}

StreamResult stream_triad(int threads, std::size_t bytes_per_array, int repetitions) {
  if (threads < 1)
    throw std::invalid_argument("stream_triad: threads = " + std::to_string(threads) + ", must be >= 1");
  if (repetitions < 1)
    throw std::invalid_argument("stream_triad: repetitions = " + std::to_string(repetitions) +
                                ", must be >= 1");
  const std::size_t n = bytes_per_array / sizeof(double);
  if (n == 0)
    throw std::invalid_argument("stream_triad: bytes_per_array = " + std::to_string(bytes_per_array) +
                                ", must hold at least one double (8 bytes)");
#ifndef _OPENMP
  threads = 1;  // built without OpenMP: the figure is single-threaded, so say so
#endif
  // No value-initialisation: the pages must be first touched by the threads
  // that run the triad, so that they land on those threads' NUMA nodes.
  std::unique_ptr<double[]> a(new double[n]), b(new double[n]), c(new double[n]);
  double* pa = a.get();
  double* pb = b.get();
  double* pc = c.get();
  const auto count = static_cast<std::ptrdiff_t>(n);
  constexpr double scalar = 3.0;

#ifdef _OPENMP
#pragma omp parallel for schedule(static) num_threads(threads)
#endif
  for (std::ptrdiff_t i = 0; i < count; ++i) {
    pa[i] = 0.0;
    pb[i] = 1.0;
    pc[i] = 2.0;
  }

  auto triad = [&] {
#ifdef _OPENMP
#pragma omp parallel for schedule(static) num_threads(threads)
#endif
    for (std::ptrdiff_t i = 0; i < count; ++i) pa[i] = pb[i] + scalar * pc[i];
  };

  triad();  // warm-up: thread pool creation and TLB misses stay out of the timing
  std::vector<double> gbs;
  gbs.reserve(static_cast<std::size_t>(repetitions));
  for (int r = 0; r < repetitions; ++r) {
    const auto t0 = Clock::now();
    triad();
    const double s = seconds_since(t0);
    gbs.push_back(24.0 * static_cast<double>(n) / s / 1e9);
  }

  // Reading the result keeps the compiler from dropping the loop, and
  // catches a broken schedule that skipped part of the range.
  const double expected = 1.0 + scalar * 2.0;
  for (std::size_t i : {std::size_t{0}, n / 2, n - 1}) {
    if (pa[i] != expected)
      throw std::runtime_error("stream_triad: a[" + std::to_string(i) + "] = " + std::to_string(pa[i]) +
                               ", expected " + std::to_string(expected));
  }

  std::sort(gbs.begin(), gbs.end());
  const std::size_t m = gbs.size();
  StreamResult result;
  result.best_gbs = gbs.back();
  result.median_gbs = m % 2 ? gbs[m / 2] : 0.5 * (gbs[m / 2 - 1] + gbs[m / 2]);
  result.threads = threads;
  result.bytes_per_array = n * sizeof(double);
  return result;
}


struct ResourceMonitor::Impl {
  int sample_ms;
  bool running = false;
  Clock::time_point t0;
  rusage usage0{};
  std::thread sampler;
  std::mutex mutex;
  std::condition_variable wake;
  bool stop_requested = false;  // guarded by mutex
  std::uint64_t rss_sum = 0, rss_max = 0, samples = 0;  // guarded by mutex

  void sample() {
    const std::uint64_t rss = current_rss_bytes();
    std::lock_guard lock(mutex);
    rss_sum += rss;
    rss_max = std::max(rss_max, rss);
    ++samples;
  }

  void loop() {
    std::unique_lock lock(mutex);
    while (!wake.wait_for(lock, std::chrono::milliseconds(sample_ms), [&] { return stop_requested; })) {
      lock.unlock();
      sample();
      lock.lock();
    }
  }

  void halt() {
    {
      std::lock_guard lock(mutex);
      stop_requested = true;
    }
    wake.notify_one();
    sampler.join();
    running = false;
  }
};

ResourceMonitor::ResourceMonitor(int sample_ms) : impl_(nullptr) {
  if (sample_ms < 1)
    throw std::invalid_argument("ResourceMonitor: sample_ms = " + std::to_string(sample_ms) +
                                ", must be >= 1");
  impl_ = new Impl{};
  impl_->sample_ms = sample_ms;
}

ResourceMonitor::~ResourceMonitor() {
  if (impl_->running) impl_->halt();
  delete impl_;
}

void ResourceMonitor::start() {
  if (impl_->running) throw std::logic_error("ResourceMonitor::start: already started; call stop() first");
  impl_->stop_requested = false;
  impl_->rss_sum = impl_->rss_max = impl_->samples = 0;
  // One sample at each end, so even a window shorter than sample_ms has an average.
  impl_->sample();
  getrusage(RUSAGE_SELF, &impl_->usage0);
  impl_->t0 = Clock::now();
  impl_->sampler = std::thread([this] { impl_->loop(); });
  impl_->running = true;
}

ResourceUsage ResourceMonitor::stop() {
  if (!impl_->running) throw std::logic_error("ResourceMonitor::stop: not started; call start() first");
  ResourceUsage usage;
  usage.wall_s = seconds_since(impl_->t0);
  rusage usage1{};
  getrusage(RUSAGE_SELF, &usage1);
  impl_->halt();
  impl_->sample();

  usage.user_s = to_seconds(usage1.ru_utime) - to_seconds(impl_->usage0.ru_utime);
  usage.system_s = to_seconds(usage1.ru_stime) - to_seconds(impl_->usage0.ru_stime);
  usage.cpu_utilization = usage.wall_s > 0 ? (usage.user_s + usage.system_s) / usage.wall_s : 0.0;
  // VmHWM and ru_maxrss are the high-water mark over the whole life of the
  // process, not just this window: a window after a bigger phase reports that
  // phase's peak. The sampled maximum covers kernels without VmHWM.
  std::uint64_t hwm = proc_kib("/proc/self/status", "VmHWM:") * 1024;
  if (hwm == 0) hwm = static_cast<std::uint64_t>(usage1.ru_maxrss) * 1024;  // ru_maxrss is in KiB
  usage.peak_rss_bytes = std::max(hwm, impl_->rss_max);
  usage.avg_rss_bytes = impl_->rss_sum / impl_->samples;
  return usage;
}


namespace {

struct EventSpec {
  const char* name;
  std::uint32_t type;
  std::uint64_t config;
};

constexpr EventSpec kEvents[] = {
    {"cycles", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES},
    {"instructions", PERF_TYPE_HARDWARE, PERF_COUNT_HW_INSTRUCTIONS},
    {"cache-references", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CACHE_REFERENCES},
    {"cache-misses", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CACHE_MISSES},
    {"LLC-load-misses", PERF_TYPE_HW_CACHE,
     PERF_COUNT_HW_CACHE_LL | (PERF_COUNT_HW_CACHE_OP_READ << 8) | (PERF_COUNT_HW_CACHE_RESULT_MISS << 16)},
};

std::string paranoid_level() {
  std::ifstream in("/proc/sys/kernel/perf_event_paranoid");
  std::string level;
  return in >> level ? level : "unreadable";
}

// One line per distinct errno, naming the events that failed with it.
std::vector<std::string> describe_failures(const std::vector<std::pair<const char*, int>>& failed) {
  std::vector<std::string> lines;
  std::vector<int> seen;
  for (const auto& [first_name, err] : failed) {
    if (std::find(seen.begin(), seen.end(), err) != seen.end()) continue;
    seen.push_back(err);
    std::string names;
    for (const auto& [name, e] : failed)
      if (e == err) names += (names.empty() ? "" : ", ") + std::string(name);
    std::string text = "perf_event_open(" + names + ") failed: " + std::strerror(err);
    if (err == ENOENT || err == EOPNOTSUPP || err == ENODEV)
      text += " (no hardware PMU, e.g. in a virtual machine?)";
    else if (err == EACCES || err == EPERM)
      text += " (not permitted: lower perf_event_paranoid or grant CAP_PERFMON)";
    lines.push_back(text);
  }
  return lines;
}

}  // namespace

struct CounterGroup::Impl {
  std::vector<std::pair<const char*, int>> fds;  // event name, file descriptor
  std::vector<std::string> failures;
};

CounterGroup::CounterGroup() : impl_(new Impl) {
  std::vector<std::pair<const char*, int>> failed;  // event name, errno
  for (const EventSpec& spec : kEvents) {
    perf_event_attr attr{};
    attr.size = sizeof attr;
    attr.type = spec.type;
    attr.config = spec.config;
    attr.disabled = 1;
    // Each event is opened on its own because inherit (needed to count the
    // OpenMP threads created after start) cannot be read as a PERF_FORMAT_GROUP.
    attr.inherit = 1;
    attr.exclude_kernel = 1;  // allowed at perf_event_paranoid <= 2
    attr.exclude_hv = 1;
    attr.read_format = PERF_FORMAT_TOTAL_TIME_ENABLED | PERF_FORMAT_TOTAL_TIME_RUNNING;
    const long fd = syscall(SYS_perf_event_open, &attr, 0 /* this process */, -1 /* any cpu */, -1, 0);
    if (fd < 0)
      failed.emplace_back(spec.name, errno);
    else
      impl_->fds.emplace_back(spec.name, static_cast<int>(fd));
  }
  impl_->failures = describe_failures(failed);
}

CounterGroup::~CounterGroup() {
  for (const auto& [name, fd] : impl_->fds) close(fd);
  delete impl_;
}

void CounterGroup::start() {
  for (const auto& [name, fd] : impl_->fds) {
    ioctl(fd, PERF_EVENT_IOC_RESET, 0);
    ioctl(fd, PERF_EVENT_IOC_ENABLE, 0);
  }
}

HardwareCounters CounterGroup::stop() {
  HardwareCounters result;
  for (const auto& [name, fd] : impl_->fds) ioctl(fd, PERF_EVENT_IOC_DISABLE, 0);
  std::vector<std::string> problems = impl_->failures;
  for (const auto& [name, fd] : impl_->fds) {
    std::uint64_t buf[3] = {};  // value, time enabled, time running
    if (read(fd, buf, sizeof buf) != static_cast<ssize_t>(sizeof buf)) {
      problems.push_back(std::string("read(") + name + ") failed: " + std::strerror(errno));
      continue;
    }
    // More events than hardware counters are time-multiplexed by the kernel;
    // scale to the whole window as perf stat does.
    const bool scaled = buf[2] > 0 && buf[2] < buf[1];
    result.values[name] = scaled ? static_cast<std::uint64_t>(std::llround(
                                       static_cast<double>(buf[0]) * buf[1] / buf[2]))
                                 : buf[0];
  }
  result.available = !result.values.empty();
  for (std::size_t i = 0; i < problems.size(); ++i) result.reason += (i ? "; " : "") + problems[i];
  if (!problems.empty()) result.reason += "; perf_event_paranoid = " + paranoid_level();
  return result;
}

}  // namespace lfm::perf
