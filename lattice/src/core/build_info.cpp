#include "lattice/build_info.hpp"

#include <ctime>
#include <fstream>
#include <thread>

namespace lfm {

std::string version() { return LFM_VERSION; }
std::string compiler() { return LFM_COMPILER; }
std::string cxx_flags() { return LFM_CXX_FLAGS; }

std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) == 0) {
      const auto colon = line.find(':');
      if (colon != std::string::npos) return line.substr(line.find_first_not_of(' ', colon + 1));
    }
  }
  return "unknown";
}

unsigned hardware_threads() { return std::thread::hardware_concurrency(); }

std::string utc_now() {
  const std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buf;
}

}  // namespace lfm
