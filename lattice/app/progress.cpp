#include "progress.hpp"

#include <unistd.h>

#include <cstdio>

namespace lfm::app {
namespace {

// Short runs stay silent: a progress line that appears and vanishes in under
// two seconds is noise.
constexpr double quiet_for_s = 2.0;
constexpr double log_interval_s = 5.0;

}  // namespace

ProgressLine::ProgressLine(bool enabled) : enabled_(enabled), tty_(isatty(STDERR_FILENO) != 0) {}

void ProgressLine::operator()(const Progress& p) {
  if (!enabled_ || p.elapsed_s < quiet_for_s || p.step == 0) return;
  if (!tty_ && p.elapsed_s - last_print_s_ < log_interval_s && p.step < p.total) return;
  last_print_s_ = p.elapsed_s;
  const double rate = static_cast<double>(p.step) / p.elapsed_s;
  const double eta = static_cast<double>(p.total - p.step) / rate;
  std::fprintf(stderr, "%sstep %lld/%lld (%3.0f%%)  %.1f steps/s  ETA %.0f s%s",
               tty_ ? "\r" : "", static_cast<long long>(p.step),
               static_cast<long long>(p.total), 100.0 * static_cast<double>(p.step) /
               static_cast<double>(p.total), rate, eta, tty_ ? "   " : "\n");
  std::fflush(stderr);
  drawn_ = true;
}

void ProgressLine::finish() {
  if (drawn_ && tty_) std::fputs("\n", stderr);
  drawn_ = false;
}

}  // namespace lfm::app
