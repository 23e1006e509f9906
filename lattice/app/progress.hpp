#pragma once
// Progress on stderr for runs longer than about two seconds: step, steps/s
// and the time left. A terminal gets one line rewritten in place; a log file
// gets a new line every few seconds.
#include "lattice/run.hpp"

namespace lfm::app {

class ProgressLine {
 public:
  explicit ProgressLine(bool enabled);
  void operator()(const Progress& p);
  // Ends the line if one was drawn.
  void finish();

 private:
  bool enabled_;
  bool tty_;
  bool drawn_ = false;
  double last_print_s_ = 0;
};

}  // namespace lfm::app
