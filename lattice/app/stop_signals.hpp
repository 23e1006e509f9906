#pragma once
// SIGINT and SIGTERM ask a run to stop cleanly: it finishes the step (or
// temporal block) in progress, writes a checkpoint and exits with
// 128 + the signal number (130 for SIGINT, 143 for SIGTERM), as a shell
// reports a process killed by that signal.
#include <cstdint>

namespace lfm::app {

class StopSignals {
 public:
  // Installs the handlers; the destructor restores the previous ones.
  StopSignals();
  ~StopSignals();
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

  // The signal received, or 0. `step` feeds the test hook
  // LFM_TEST_KILL_AT_STEP=N, which SIGKILLs the process at the first check
  // at or after step N, as an out-of-memory killer or a scheduler would.
  int received(std::int64_t step) const;
};

inline int exit_code_for_signal(int signo) { return 128 + signo; }

}  // namespace lfm::app
