#pragma once
// Runs `lfm` as a child process under conditions a shell cannot set up
// portably: extra environment, resource limits (file size, address space),
// an unprivileged user, and signals sent while it runs.
#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cli_helpers.hpp"

namespace lfm::testing {

struct SpawnOptions {
  std::vector<std::pair<std::string, std::string>> env;
  std::optional<std::uint64_t> file_size_limit;      // RLIMIT_FSIZE
  bool ignore_sigxfsz = true;  // with a file size limit: false leaves SIGXFSZ to lfm
  std::optional<std::uint64_t> address_space_limit;  // RLIMIT_AS
  bool unprivileged = false;  // when root, run as nobody so permissions apply
  std::filesystem::path cwd;  // empty: this process's
  std::filesystem::path program;  // empty: lfm (else mpiexec, say, with lfm among the arguments)
};

class LfmProcess {
 public:
  LfmProcess(const std::vector<std::string>& args, const SpawnOptions& options = {});
  ~LfmProcess();
  LfmProcess(const LfmProcess&) = delete;
  LfmProcess& operator=(const LfmProcess&) = delete;

  void signal(int signo) const;
  pid_t pid() const { return pid_; }
  // Waits for the exit; the code is 128 + signal for a killed process.
  CliResult wait();

 private:
  TempDir capture_;
  pid_t pid_ = -1;
  std::optional<CliResult> result_;
};

CliResult run_lfm_with(const std::vector<std::string>& args, const SpawnOptions& options);

// Waits up to `seconds` for `condition`; false on timeout.
template <class F>
bool wait_until(F condition, double seconds);

}  // namespace lfm::testing

#include <chrono>
#include <thread>

template <class F>
bool lfm::testing::wait_until(F condition, double seconds) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (std::chrono::steady_clock::now() < end) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return condition();
}
