#include "run/ownership.hpp"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "io/step_names.hpp"
#include "lattice/checkpoint.hpp"
#include "lattice/error.hpp"
#include "lattice/run_directory.hpp"

namespace fs = std::filesystem;

namespace lfm::detail {
namespace {

bool all_digits(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

// Entries of `dir` in name order, so that messages name the same file each time.
std::vector<fs::directory_entry> sorted_entries(const fs::path& dir) {
  std::vector<fs::directory_entry> entries;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) entries.push_back(e);
  std::sort(entries.begin(), entries.end(),
            [](const auto& a, const auto& b) { return a.path().filename() < b.path().filename(); });
  return entries;
}

bool is_owned_directory(const std::vector<std::string>& owned, const std::string& name) {
  return std::find(owned.begin(), owned.end(), name + "/") != owned.end();
}

bool is_owned_file(const std::vector<std::string>& owned, const std::string& name) {
  return std::find(owned.begin(), owned.end(), name) != owned.end();
}

bool is_dead_temporary(const std::string& name) {
  const auto pid = temporary_owner(name);
  return pid && (*pid == ::getpid() ? false : !process_alive(*pid));
}

}  // namespace

std::optional<pid_t> temporary_owner(const std::string& name) {
  for (const char* marker : {".partial-", ".tmp-"}) {
    const auto at = name.rfind(marker);
    if (at == std::string::npos) continue;
    const std::string digits = name.substr(at + std::strlen(marker));
    if (all_digits(digits) && digits.size() < 10) return static_cast<pid_t>(std::stol(digits));
  }
  return std::nullopt;
}

bool is_lfm_entry_name(const std::string& name) {
  std::int64_t step = 0;
  return name == "static.bin" || name == "chi.h5" || parse_step_name(name, ".ckpt", step) || parse_step_name(name, ".h5", step);
}

bool process_alive(pid_t pid) { return pid > 0 && (::kill(pid, 0) == 0 || errno != ESRCH); }

std::optional<std::vector<std::string>> read_manifest(const fs::path& dir) {
  const fs::path file = dir / manifest_name;
  std::error_code ec;
  if (!fs::exists(file, ec)) return std::nullopt;
  std::ifstream in(file);
  std::ostringstream text;
  text << in.rdbuf();
  try {
    const auto j = nlohmann::json::parse(text.str());
    if (j.at("format") != "lfm run directory") throw std::runtime_error("not an lfm manifest");
    return j.at("files").get<std::vector<std::string>>();
  } catch (const std::exception&) {
    throw InputError(file.string() + " is unreadable; lfm will not write into or remove anything in " +
                     dir.string());
  }
}

void write_manifest(const fs::path& dir, const std::vector<std::string>& owned) {
  nlohmann::ordered_json j;
  j["format"] = "lfm run directory";
  j["version"] = 1;
  j["note"] = "files lfm wrote here; lfm --force removes these and nothing else";
  j["files"] = owned;
  const std::string text = j.dump(2) + "\n";
  write_file_atomically(dir / manifest_name, [&](const ByteSink& sink) { sink(text.data(), text.size()); });
}

std::vector<std::string> remove_debris(const fs::path& dir, const std::vector<std::string>& owned) {
  std::vector<std::string> removed;
  const auto sweep = [&](const fs::path& where, const std::string& prefix) {
    for (const auto& e : sorted_entries(where)) {
      const std::string name = e.path().filename().string();
      std::error_code ec;
      if (is_dead_temporary(name) && e.is_regular_file(ec) && fs::remove(e.path(), ec)) {
        removed.push_back(prefix + name);
      }
    }
  };
  sweep(dir, "");
  for (const auto& o : owned) {
    if (ends_with(o, "/")) sweep(dir / o, o);
  }
  return removed;
}

std::vector<std::string> remove_stale_staging(const fs::path& dir) {
  std::vector<std::string> removed;
  std::string prefix = ".";  // appended: GCC 12 warns falsely on "." + name (-Wrestrict)
  prefix += dir.filename().string();
  prefix += ".partial-";
  for (const auto& e : sorted_entries(dir.parent_path())) {
    const std::string name = e.path().filename().string();
    std::error_code ec;
    if (name.rfind(prefix, 0) == 0 && is_dead_temporary(name) && e.is_directory(ec) &&
        fs::remove_all(e.path(), ec) != static_cast<std::uintmax_t>(-1) && !ec) {
      removed.push_back((dir.parent_path() / name).string());
    }
  }
  return removed;
}

void remove_owned(const fs::path& dir, const std::vector<std::string>& owned) {
  for (const auto& o : owned) {
    std::error_code ec;
    if (!ends_with(o, "/")) {
      fs::remove(dir / o, ec);
      continue;
    }
    for (const auto& e : sorted_entries(dir / o)) {
      const std::string name = e.path().filename().string();
      if (is_lfm_entry_name(name) || name == "lock" || temporary_owner(name)) fs::remove(e.path(), ec);
    }
    fs::remove(dir / o, ec);  // only when empty
  }
}

}  // namespace lfm::detail

namespace lfm {

std::string first_foreign_entry(const fs::path& dir, const std::vector<std::string>& owned) {
  using namespace detail;
  for (const auto& e : detail::sorted_entries(dir)) {
    const std::string name = e.path().filename().string();
    std::error_code ec;
    const auto status = e.symlink_status(ec);
    if (name == manifest_name || name == lock_name) continue;
    if (temporary_owner(name) && fs::is_regular_file(status)) continue;
    if (is_owned_file(owned, name) && fs::is_regular_file(status)) continue;
    if (is_owned_directory(owned, name) && fs::is_directory(status)) {
      for (const auto& inner : detail::sorted_entries(e.path())) {
        const std::string child = inner.path().filename().string();
        const bool lfm_name = is_lfm_entry_name(child) || child == "lock" || temporary_owner(child);
        if (!lfm_name || !fs::is_regular_file(inner.symlink_status(ec))) return name + "/" + child;
      }
      continue;
    }
    return name;
  }
  return "";
}

}  // namespace lfm
