#pragma once
// `lfm run`'s snapshot options, checked before anything is written, and
// the printout of what the run wrote.
#include <cstdint>
#include <optional>
#include <string>

#include "lattice/run_outputs.hpp"
#include "lattice/snapshot.hpp"

namespace CLI {
class App;
}

namespace lfm::app {

struct SnapshotArgs {
  std::optional<std::int64_t> every;
  std::optional<std::string> fields;
  std::optional<int> compression;
  bool float32 = false;
};

void add_snapshot_options(CLI::App& run, SnapshotArgs& a);

// nullopt without --snapshot-every. Throws InputError for a bad value, or
// for another snapshot option given without --snapshot-every.
std::optional<SnapshotOptions> snapshot_options(const SnapshotArgs& a);

void print_snapshot_summary(const SnapshotReport& r);

// "812 B", "45.3 kB", "671.1 MB", "1.20 GB" (powers of 1000, as MB/s).
std::string byte_size_text(std::uint64_t bytes);

}  // namespace lfm::app
