#pragma once
// `lfm resume DIR`: continues a run started with --checkpoint-every from its
// newest intact checkpoint, to the step count it was asked for (or
// --steps-total), and writes the outputs an uninterrupted run would have:
// the same fields, bit for bit, and the same energy trace.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "distributed_args.hpp"

namespace lfm::app {

struct ResumeArgs {
  std::filesystem::path dir;
  std::optional<std::int64_t> steps_total;
  std::optional<std::string> memory_limit;
  bool quiet = false;
  std::string command_line;
  DistributedArgs distributed;  // under mpiexec
};

// Exit codes as for `lfm run`.
int resume_command(const ResumeArgs& args);

}  // namespace lfm::app
