#pragma once
// SIGINT, SIGTERM and SIGHUP (a closed terminal) ask a run to stop cleanly:
// it finishes the step (or temporal block) in progress, writes a checkpoint
// and exits with 128 + the signal number (130 for SIGINT, 143 for SIGTERM,
// 129 for SIGHUP), as a shell reports a process killed by that signal.
// SIGXFSZ is ignored meanwhile, so that a file-size limit is a write error.
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

// "SIGINT", "SIGTERM", "SIGHUP".
const char* signal_name(int signo);

inline int exit_code_for_signal(int signo) { return 128 + signo; }

}  // namespace lfm::app
