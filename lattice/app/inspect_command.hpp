#pragma once
// `lfm inspect FILE`: what a snapshot file, an array or a run holds, read
// without running anything.
#include <filesystem>

namespace lfm::app {

struct InspectArgs {
  std::filesystem::path file;  // a file, or a run directory (its summary.json)
};

// Prints the contents and returns 0; an unreadable or unknown file throws
// InputError naming it.
int inspect_command(const InspectArgs& a);

}  // namespace lfm::app
