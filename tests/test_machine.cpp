#include "lattice/perf/machine.hpp"

#include <gtest/gtest.h>

#include <ctime>

#include <chrono>
#include <cmath>
#include <cstring>
#include <iostream>
#include <memory>
#include <stdexcept>

namespace {

using lfm::perf::CounterGroup;
using lfm::perf::ResourceMonitor;

// Spins one thread for `ms` milliseconds; the returned value keeps the loop alive.
double busy_for(int ms) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  volatile double x = 1.0;
  while (std::chrono::steady_clock::now() < end)
    for (int i = 0; i < 1000; ++i) x = x * 1.0000001 + 1e-9;
  return x;
}

TEST(MachineInfo, FieldsAreFilledIn) {
  const auto info = lfm::perf::machine_info();
  EXPECT_FALSE(info.cpu_model.empty());
  EXPECT_GT(info.logical_cores, 0u);
  EXPECT_GT(info.memory_gib, 0.0);
  EXPECT_EQ(info.os.rfind("Linux ", 0), 0u) << info.os;
  EXPECT_FALSE(info.compiler.empty());
  EXPECT_FALSE(info.gpu.empty());
}

TEST(StreamTriad, SmallArraysGivePositiveFiniteBandwidth) {
  const std::size_t bytes = std::size_t{8} << 20;
  const auto r = lfm::perf::stream_triad(1, bytes, 3);
  EXPECT_TRUE(std::isfinite(r.best_gbs));
  EXPECT_TRUE(std::isfinite(r.median_gbs));
  EXPECT_GT(r.median_gbs, 0.0);
  EXPECT_GE(r.best_gbs, r.median_gbs);
  EXPECT_EQ(r.threads, 1);
  EXPECT_EQ(r.bytes_per_array, bytes);
}

TEST(StreamTriad, RejectsBadArguments) {
  EXPECT_THROW(lfm::perf::stream_triad(0, std::size_t{1} << 20, 1), std::invalid_argument);
  EXPECT_THROW(lfm::perf::stream_triad(1, std::size_t{1} << 20, 0), std::invalid_argument);
  EXPECT_THROW(lfm::perf::stream_triad(1, 4, 1), std::invalid_argument);
}

// The CPU time the process itself counts, to compare the monitor with: on a
// shared machine a busy thread may get much less than a whole core.
double process_cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

TEST(ResourceMonitor, MeasuresOneBusyThread) {
  ResourceMonitor monitor(10);
  const double cpu0 = process_cpu_seconds();
  monitor.start();
  busy_for(200);
  const auto u = monitor.stop();
  const double cpu = process_cpu_seconds() - cpu0;
  EXPECT_GE(u.wall_s, 0.15);
  // The monitor's sampling thread adds a little; the clock ticks at 10 ms.
  EXPECT_NEAR(u.user_s + u.system_s, cpu, 0.2 * cpu + 0.03);
  EXPECT_NEAR(u.cpu_utilization, (u.user_s + u.system_s) / u.wall_s, 0.05);
  EXPECT_GT(u.cpu_utilization, 0.0);
  EXPECT_LT(u.cpu_utilization, 1.5);
  EXPECT_GT(u.avg_rss_bytes, 0u);
  EXPECT_GE(u.peak_rss_bytes, u.avg_rss_bytes);
}

TEST(ResourceMonitor, SeesMemoryTouchedInsideTheWindow) {
  constexpr std::size_t bytes = std::size_t{200} << 20;
  ResourceMonitor monitor(10);
  monitor.start();
  {
    std::unique_ptr<char[]> block(new char[bytes]);
    std::memset(block.get(), 1, bytes);  // touch every page so it becomes resident
    busy_for(50);                         // let the sampler see it
    EXPECT_EQ(block[bytes / 2], 1);
  }
  const auto u = monitor.stop();
  EXPECT_GT(u.peak_rss_bytes, bytes);
  EXPECT_GT(u.avg_rss_bytes, 0u);
}

TEST(ResourceMonitor, StopWithoutStartIsAnError) {
  ResourceMonitor monitor;
  EXPECT_THROW(monitor.stop(), std::logic_error);
  EXPECT_THROW(ResourceMonitor(0), std::invalid_argument);
}

TEST(ResourceMonitor, DestructorStopsARunningSampler) {
  auto monitor = std::make_unique<ResourceMonitor>(5);
  monitor->start();
  busy_for(20);
  monitor.reset();  // must join the sampler, not terminate
  SUCCEED();
}

// Both outcomes are legitimate (VMs often have no PMU), but each must be
// self-consistent: counts when available, an explanation when not.
TEST(CounterGroup, CountsOrExplainsWhyNot) {
  CounterGroup counters;
  counters.start();
  busy_for(50);
  const auto hw = counters.stop();
  if (hw.available) {
    EXPECT_FALSE(hw.values.empty());
    if (hw.values.count("cycles")) {
      EXPECT_GT(hw.values.at("cycles"), 0u);
    }
    if (hw.values.count("instructions")) {
      EXPECT_GT(hw.values.at("instructions"), 0u);
    }
    EXPECT_TRUE(hw.values.count("cycles") || hw.values.count("instructions"))
        << "neither cycles nor instructions opened: " << hw.reason;
  } else {
    EXPECT_TRUE(hw.values.empty());
    EXPECT_FALSE(hw.reason.empty());
    EXPECT_NE(hw.reason.find("perf_event_paranoid"), std::string::npos) << hw.reason;
  }
  // Every event either reported a value or is named in the reason.
  for (const char* name : {"cycles", "instructions", "cache-references", "cache-misses", "LLC-load-misses"}) {
    EXPECT_TRUE(hw.values.count(name) || hw.reason.find(name) != std::string::npos)
        << name << " neither counted nor explained; reason: " << hw.reason;
  }
  std::cout << "hardware counters: " << (hw.available ? "available" : "unavailable")
            << (hw.reason.empty() ? "" : " (" + hw.reason + ")") << '\n';
}

}  // namespace
