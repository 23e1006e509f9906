#include "stop_signals.hpp"

#include <csignal>
#include <cstdlib>

namespace lfm::app {
namespace {

volatile std::sig_atomic_t stop_signal = 0;
constexpr int stop_signals[] = {SIGINT, SIGTERM, SIGHUP};
struct sigaction previous[3], previous_xfsz;

extern "C" void on_stop_signal(int signo) { stop_signal = signo; }

}  // namespace

StopSignals::StopSignals() {
  stop_signal = 0;
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  // SA_RESTART: a write in progress when the signal lands carries on.
  action.sa_flags = SA_RESTART;
  for (int i = 0; i < 3; ++i) sigaction(stop_signals[i], &action, &previous[i]);
  // A file-size limit (ulimit -f) then fails the write with EFBIG, which is
  // reported naming the file, instead of killing the process mid-write.
  struct sigaction ignore {};
  ignore.sa_handler = SIG_IGN;
  sigemptyset(&ignore.sa_mask);
  sigaction(SIGXFSZ, &ignore, &previous_xfsz);
}

StopSignals::~StopSignals() {
  for (int i = 0; i < 3; ++i) sigaction(stop_signals[i], &previous[i], nullptr);
  sigaction(SIGXFSZ, &previous_xfsz, nullptr);
}

int StopSignals::received(std::int64_t step) const {
  static const char* kill_at = std::getenv("LFM_TEST_KILL_AT_STEP");
  if (kill_at && step >= std::atoll(kill_at)) std::raise(SIGKILL);
  return stop_signal;
}

const char* signal_name(int signo) {
  return signo == SIGINT ? "SIGINT" : signo == SIGTERM ? "SIGTERM" : signo == SIGHUP ? "SIGHUP" : "a signal";
}

}  // namespace lfm::app
