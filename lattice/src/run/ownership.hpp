#pragma once
// Which files in a run directory are lfm's: the names it writes, and the
// temporary files a process leaves when it dies mid-write.
#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "io/sync_path.hpp"

namespace lfm::detail {

inline constexpr const char* manifest_name = ".lfm-manifest";
inline constexpr const char* lock_name = ".lfm-lock";

// The PID in a temporary name of lfm's ("x.partial-123", ".x.tmp-123"),
// or nothing when `name` is not one.
std::optional<pid_t> temporary_owner(const std::string& name);

// A file lfm writes inside a directory it owns: checkpoints/static.bin,
// checkpoints/step_<N>.ckpt, snapshots/step_<N>.h5, snapshots/chi.h5.
bool is_lfm_entry_name(const std::string& name);

// The manifest's list, or nothing when there is no manifest. Throws
// InputError naming the file when it is there but unreadable.
std::optional<std::vector<std::string>> read_manifest(const std::filesystem::path& dir);
void write_manifest(const std::filesystem::path& dir, const std::vector<std::string>& owned);

// Removes the temporary files of dead processes in `dir` and in the
// directories it owns; returns what was removed, relative to `dir`.
std::vector<std::string> remove_debris(const std::filesystem::path& dir, const std::vector<std::string>& owned);
// Removes the staging directories (".NAME.partial-PID") that earlier
// versions of lfm made beside `dir`, when their process is dead.
std::vector<std::string> remove_stale_staging(const std::filesystem::path& dir);

// Removes every file the manifest lists (and lfm's files in the listed
// directories, then the directories once empty).
void remove_owned(const std::filesystem::path& dir, const std::vector<std::string>& owned);

// True when the process exists (kill(pid, 0) does not say ESRCH).
bool process_alive(pid_t pid);


}  // namespace lfm::detail
