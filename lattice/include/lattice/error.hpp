#pragma once
// Errors a person can act on: every message names the input, the bad value
// and the accepted range.
#include <stdexcept>
#include <string>

namespace lfm {

// A bad input (file, parameter, name, command-line value). Reported as one
// line and a non-zero exit by the command-line tool; nothing is written.
class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// An output that could not be written (disk full, file size limit, directory
// made unwritable). The message names the file; no partial file is left.
class WriteError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace lfm
