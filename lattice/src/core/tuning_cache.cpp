#include "core/tuning_cache.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <system_error>

namespace lfm {

std::optional<TuningTable> TuningTable::parse(std::string_view text, const TuningValueCheck& valid) {
  TuningTable table;
  std::istringstream in{std::string(text)};
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    const auto first = line.find('\t');
    const auto second = first == std::string::npos ? first : line.find('\t', first + 1);
    if (second == std::string::npos || first == 0 || second == first + 1 || second + 1 == line.size()) {
      return std::nullopt;
    }
    std::string value = line.substr(second + 1);
    if (!valid(value)) return std::nullopt;
    table.put(line.substr(0, first), line.substr(first + 1, second - first - 1), std::move(value));
  }
  return table;
}

std::string TuningTable::to_text(std::string_view header) const {
  std::string out(header);
  out += '\n';
  for (const auto& [key, value] : entries_) out += key.first + '\t' + key.second + '\t' + value + '\n';
  return out;
}

std::optional<std::string> TuningTable::find(const std::string& machine, const std::string& key) const {
  const auto it = entries_.find({machine, key});
  if (it == entries_.end()) return std::nullopt;
  return it->second;
}

void TuningTable::put(const std::string& machine, const std::string& key, std::string value) {
  entries_[{machine, key}] = std::move(value);
}

std::filesystem::path tuning_file_path(std::string_view file) {
  const std::filesystem::path leaf = std::filesystem::path("lfm") / file;
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg) return std::filesystem::path(xdg) / leaf;
  if (const char* home = std::getenv("HOME"); home && *home) return std::filesystem::path(home) / ".cache" / leaf;
  return std::filesystem::temp_directory_path() / leaf;
}

LoadedTuningTable load_tuning_table(const std::filesystem::path& path, const TuningValueCheck& valid) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  std::stringstream text;
  text << in.rdbuf();
  auto table = TuningTable::parse(text.str(), valid);
  if (!table) return {TuningTable{}, true};
  return {std::move(*table), false};
}

bool save_tuning_table(const std::filesystem::path& path, const TuningTable& table, std::string_view header) {
  std::error_code ec;
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path(), ec);
  // Per process: two processes filling the cache at once never share a temporary file.
  const std::filesystem::path temporary = path.string() + ".tmp-" + std::to_string(::getpid());
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (!out) return false;
    out << table.to_text(header);
    out.close();
    if (!out) {
      std::filesystem::remove(temporary, ec);
      return false;
    }
  }
  std::filesystem::rename(temporary, path, ec);
  if (ec) std::filesystem::remove(temporary, ec);
  return !ec;
}

}  // namespace lfm

namespace lfm {

TuningTable read_tuning_cache(const std::filesystem::path& path, const TuningValueCheck& valid) {
  LoadedTuningTable loaded = load_tuning_table(path, valid);
  if (loaded.corrupt) {
    std::fprintf(stderr, "lfm: warning: tuning cache %s is corrupt; rebuilding it\n", path.string().c_str());
  }
  return std::move(loaded.table);
}

bool retune_requested() {
  const char* v = std::getenv("LFM_RETUNE");
  return v && *v && std::string_view(v) != "0";
}

}  // namespace lfm
