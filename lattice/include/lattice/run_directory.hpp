#pragma once
// A directory that lfm writes one run into, and owns.
//
// lfm never removes what it did not write: every run directory carries a
// manifest (.lfm-manifest) of the files lfm put there, and replacing a run
// (--force) removes only those. One process writes a run directory at a
// time: it holds an exclusive lock (.lfm-lock, holding its PID) for its
// whole life, which the kernel drops when the process dies, however it dies.
//
// Final outputs are written under a temporary name in the directory itself
// and renamed into place once whole, so a reader never sees a partial file.
// Files left behind by a process that died mid-write are removed, with a
// notice, by the next process that opens the directory.
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace lfm {

class RunDirectory {
 public:
  enum class Open {
    create,   // absent, empty, or an lfm directory holding no outputs
    replace,  // as create, or an lfm directory whose listed files are removed
    resume,   // an existing lfm directory, taken over as it is
  };
  using Notice = std::function<void(const std::string&)>;

  // Resolves `requested` (relative, trailing slash, `.`, `..`, symlinks:
  // a symlinked directory is written through to its target), takes the
  // lock and checks ownership before anything is removed. Throws InputError
  // naming the path as the user wrote it: a foreign file in the way, a
  // directory in use (with the holder's PID), an unwritable location; a
  // refusal leaves the lock free and removes a directory it created.
  RunDirectory(const std::filesystem::path& requested, Open how, const Notice& notice);
  // Releases the lock. Staged files not committed are removed; a directory
  // lfm created that holds no output is removed again.
  ~RunDirectory();
  RunDirectory(const RunDirectory&) = delete;
  RunDirectory& operator=(const RunDirectory&) = delete;

  const std::filesystem::path& path() const { return path_; }
  // The path as the user spelled it, for messages.
  const std::filesystem::path& requested() const { return requested_; }
  std::filesystem::path file(const std::string& name) const { return path_ / name; }

  // Where to write `name` before commit(): a temporary name beside it.
  std::filesystem::path staged(const std::string& name);
  // Renames staged files into place, in order (put the file whose presence
  // means "finished" last), syncing each and recording them in the manifest.
  void commit(const std::vector<std::string>& names);
  // Records a file or a directory ("checkpoints/") lfm writes in place.
  void own(const std::string& name);
  // True when the manifest lists `name` ("E.npy", "checkpoints/").
  bool owns(const std::string& name) const;

 private:
  void open(Open how, const Notice& notice);
  void release() noexcept;
  void write_manifest() const;
  std::filesystem::path temporary_path(const std::string& name) const;

  std::filesystem::path requested_, path_;
  std::vector<std::string> owned_;
  std::vector<std::string> staged_;
  int lock_fd_ = -1;
  bool created_ = false;
};

// The first entry under `dir` (depth first, as a path relative to it)
// that lfm did not write, or "" when every entry is lfm's: listed in the
// manifest `owned`, inside a listed directory under one of lfm's names,
// or a temporary file of lfm's.
std::string first_foreign_entry(const std::filesystem::path& dir, const std::vector<std::string>& owned);

}  // namespace lfm
