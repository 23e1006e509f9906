#include "lattice/run_directory.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "lattice/error.hpp"
#include "run/ownership.hpp"

namespace fs = std::filesystem;

namespace lfm {
namespace {

// The holder's PID as it wrote it into the lock file, for the message.
std::string lock_holder(int fd) {
  char text[32] = {};
  const ssize_t n = ::pread(fd, text, sizeof text - 1, 0);
  std::string pid = n > 0 ? std::string(text, static_cast<std::size_t>(n)) : std::string();
  pid.erase(std::remove_if(pid.begin(), pid.end(), [](char c) { return c < '0' || c > '9'; }), pid.end());
  return pid.empty() ? "another lfm process" : "another lfm process (pid " + pid + ")";
}

bool any_owned_exists(const fs::path& dir, const std::vector<std::string>& owned) {
  std::error_code ec;
  return std::any_of(owned.begin(), owned.end(), [&](const std::string& o) {
    return fs::exists(dir / (o.back() == '/' ? o.substr(0, o.size() - 1) : o), ec);
  });
}

fs::path resolve(const fs::path& requested) {
  if (requested.empty()) throw InputError("--out \"\": expected a directory path");
  std::error_code ec;
  fs::path resolved = fs::weakly_canonical(fs::absolute(requested, ec), ec);
  if (ec) throw InputError("--out " + requested.string() + ": " + ec.message());
  // weakly_canonical keeps a trailing separator of a path that does not exist yet.
  if (resolved.filename().empty()) resolved = resolved.parent_path();
  return resolved;
}

}  // namespace

RunDirectory::RunDirectory(const fs::path& requested, Open how, const Notice& notice)
    : requested_(requested), path_(resolve(requested)) {
  // A refusal leaves the directory as it was and the lock free, so that a
  // long-lived process (Python) can open it again.
  try {
    open(how, notice);
  } catch (...) {
    release();
    throw;
  }
}

void RunDirectory::open(Open how, const Notice& notice) {
  const std::string shown = requested_.string();
  std::error_code ec;
  const auto status = fs::status(path_, ec);
  if (fs::exists(status) && !fs::is_directory(status)) {
    throw InputError("--out " + shown + " exists and is not a directory");
  }
  if (!fs::exists(status)) {
    if (how == Open::resume) throw InputError(shown + ": no such run directory");
    if (fs::is_symlink(fs::symlink_status(path_, ec))) {
      throw InputError("--out " + shown + " is a symbolic link to a missing directory; create its target first");
    }
    fs::create_directories(path_, ec);
    if (ec) {
      throw InputError("--out " + shown + ": the location is not writable, cannot create the directory (" +
                       ec.message() + ")");
    }
    created_ = true;
  }

  auto manifest = detail::read_manifest(path_);
  if (!manifest && how != Open::resume) {
    // Not lfm's: refused before anything is written into it.
    const std::string foreign = first_foreign_entry(path_, {});
    if (!foreign.empty()) {
      throw InputError("--out " + shown + " holds " + (path_ / foreign).string() +
                       ", which lfm did not write; choose a new or empty directory (--force replaces only "
                       "a directory lfm made, and only the files it wrote there)");
    }
  }

  const fs::path lock = path_ / detail::lock_name;
  lock_fd_ = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (lock_fd_ < 0) {
    throw InputError("--out " + shown + " is not writable (" + std::strerror(errno) + ")");
  }
  if (::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
    const std::string holder = lock_holder(lock_fd_);
    ::close(lock_fd_);
    lock_fd_ = -1;
    throw InputError(shown + " is in use by " + holder +
                     "; wait for it to stop (SIGINT or SIGTERM make it checkpoint and exit)");
  }
  const std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(lock_fd_, 0) != 0 || ::pwrite(lock_fd_, pid.data(), pid.size(), 0) < 0) {
    throw InputError("--out " + shown + " is not writable (" + std::strerror(errno) + ")");
  }

  // Under the lock: what the manifest says now is what this process sees.
  manifest = detail::read_manifest(path_);
  owned_ = manifest.value_or(std::vector<std::string>{});
  if (!manifest && how == Open::resume) owned_ = {"checkpoints/"};
  std::vector<std::string> removed = detail::remove_debris(path_, owned_);
  for (auto& staging : detail::remove_stale_staging(path_)) removed.push_back(std::move(staging));
  if (!removed.empty() && notice) {
    std::string list;
    for (const auto& r : removed) list += (list.empty() ? "" : ", ") + r;
    notice("removed " + std::to_string(removed.size()) + " temporary file" + (removed.size() > 1 ? "s" : "") +
           " left in " + shown + " by a stopped lfm process: " + list);
  }
  if (how != Open::resume) {
    const std::string foreign = first_foreign_entry(path_, owned_);
    if (!foreign.empty()) {
      throw InputError("--out " + shown + " holds " + (path_ / foreign).string() +
                       ", which lfm did not write; lfm removes only its own files (move it, or choose "
                       "another --out)");
    }
  }
  if (how == Open::create && any_owned_exists(path_, owned_)) {
    const bool resumable = owns("checkpoints/") && fs::exists(path_ / "checkpoints" / "static.bin", ec);
    throw InputError("--out " + shown + " holds an earlier run; choose a new directory, pass --force to replace it" +
                     (resumable ? ", or continue it with `lfm resume " + shown + "`" : std::string()));
  }
  if (how == Open::replace) {
    detail::remove_owned(path_, owned_);
    owned_.clear();
  }
  write_manifest();
}

RunDirectory::~RunDirectory() { release(); }

void RunDirectory::release() noexcept {
  std::error_code ec;
  for (const auto& name : staged_) fs::remove(temporary_path(name), ec);
  // The lock file goes only with the lock held: another holder's stays.
  if (lock_fd_ >= 0 && !any_owned_exists(path_, owned_)) {
    fs::remove(path_ / detail::manifest_name, ec);
    fs::remove(path_ / detail::lock_name, ec);
  }
  if (created_) fs::remove(path_, ec);  // only when empty
  if (lock_fd_ >= 0) ::close(lock_fd_);
  lock_fd_ = -1;
}

fs::path RunDirectory::staged(const std::string& name) {
  if (std::find(staged_.begin(), staged_.end(), name) == staged_.end()) staged_.push_back(name);
  return temporary_path(name);
}

fs::path RunDirectory::temporary_path(const std::string& name) const {
  std::string temp = ".";
  temp += name;
  temp += ".partial-" + std::to_string(::getpid());
  return path_ / temp;
}

void RunDirectory::commit(const std::vector<std::string>& names) {
  for (const auto& name : names) {
    const fs::path from = temporary_path(name), to = file(name);
    const int err = detail::sync_path(from);
    if (err != 0 || ::rename(from.c_str(), to.c_str()) != 0) {
      const int why = err != 0 ? err : errno;
      throw WriteError(to.string() + ": cannot write (" + std::strerror(why) + ")");
    }
    std::erase(staged_, name);
    if (!owns(name)) owned_.push_back(name);
  }
  detail::sync_path(path_);
  write_manifest();
}

void RunDirectory::own(const std::string& name) {
  if (owns(name)) return;
  owned_.push_back(name);
  write_manifest();
}

bool RunDirectory::owns(const std::string& name) const {
  return std::find(owned_.begin(), owned_.end(), name) != owned_.end();
}

void RunDirectory::write_manifest() const { detail::write_manifest(path_, owned_); }

}  // namespace lfm
