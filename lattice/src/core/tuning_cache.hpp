#pragma once
// Autotuning results kept per machine and problem in a plain text file, so
// that a choice is timed once per machine, not once per run. Shared by the
// backends that tune (`cuda`'s block shape, `cpu_temporal`'s blocking,
// `auto`'s pick); each keeps its own file and says which values it accepts.
//
// File format, one entry a line, fields separated by tabs:
//   <machine>\t<problem key>\t<value>
// Lines starting with '#' are comments. A file with any malformed line, or a
// value its owner rejects, is treated as corrupt and rebuilt from scratch.
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace lfm {

// Whether a value read back from a file is one its backend could have written.
using TuningValueCheck = std::function<bool(std::string_view value)>;

class TuningTable {
 public:
  // nullopt when a non-comment line lacks one of its three non-empty fields
  // or `valid` rejects its value.
  static std::optional<TuningTable> parse(std::string_view text, const TuningValueCheck& valid);
  // `header` (one comment line naming the format) first, then the entries.
  std::string to_text(std::string_view header) const;

  std::optional<std::string> find(const std::string& machine, const std::string& key) const;
  // Adds or replaces (a re-tune) the entry.
  void put(const std::string& machine, const std::string& key, std::string value);
  std::size_t size() const { return entries_.size(); }

 private:
  std::map<std::pair<std::string, std::string>, std::string> entries_;
};

// $XDG_CACHE_HOME/lfm/<file>, else $HOME/.cache/lfm/<file>, else lfm/<file>
// in the temporary directory.
std::filesystem::path tuning_file_path(std::string_view file);

struct LoadedTuningTable {
  TuningTable table;     // empty when the file is missing or corrupt
  bool corrupt = false;  // the file exists but did not parse
};

LoadedTuningTable load_tuning_table(const std::filesystem::path& path, const TuningValueCheck& valid);

// Writes to a temporary file beside `path`, then renames it over `path`, so
// a reader never sees a half-written cache. Returns false (and leaves any
// old file) when the directory cannot be written: tuning then just repeats.
bool save_tuning_table(const std::filesystem::path& path, const TuningTable& table, std::string_view header);

}  // namespace lfm

namespace lfm {

// load_tuning_table's entries, printing one warning line on stderr when the
// file was corrupt (the caller's next save rebuilds it).
TuningTable read_tuning_cache(const std::filesystem::path& path, const TuningValueCheck& valid);

// Whether LFM_RETUNE is set (to anything but "" or "0"): tuning backends then
// ignore their cache entries and time again, rewriting them.
bool retune_requested();

}  // namespace lfm
