#pragma once
// What produced a result: recorded next to every figure lfm writes.
#include <string>

namespace lfm {

std::string version();
std::string compiler();      // "GNU 12.2.0"
std::string cxx_flags();     // flags of the library's build type
std::string cpu_model();     // from /proc/cpuinfo, or "unknown"
unsigned hardware_threads();
std::string utc_now();       // "2026-11-24T21:33:05Z": when a record was made

}  // namespace lfm
