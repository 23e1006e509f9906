#include "stop_signals.hpp"

#include <csignal>
#include <cstdlib>

namespace lfm::app {
namespace {

volatile std::sig_atomic_t stop_signal = 0;
struct sigaction previous_int, previous_term;

extern "C" void on_stop_signal(int signo) { stop_signal = signo; }

}  // namespace

StopSignals::StopSignals() {
  stop_signal = 0;
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  // SA_RESTART: a write in progress when the signal lands carries on.
  action.sa_flags = SA_RESTART;
  sigaction(SIGINT, &action, &previous_int);
  sigaction(SIGTERM, &action, &previous_term);
}

StopSignals::~StopSignals() {
  sigaction(SIGINT, &previous_int, nullptr);
  sigaction(SIGTERM, &previous_term, nullptr);
}

int StopSignals::received(std::int64_t step) const {
  static const char* kill_at = std::getenv("LFM_TEST_KILL_AT_STEP");
  if (kill_at && step >= std::atoll(kill_at)) std::raise(SIGKILL);
  return stop_signal;
}

}  // namespace lfm::app
