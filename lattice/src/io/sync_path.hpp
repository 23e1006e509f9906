#pragma once
// fsync by path: a file's data before the rename that publishes it, a
// directory after it, so that a power loss keeps the new name too.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>

namespace lfm::detail {

// 0, or the errno of the open or fsync that failed.
inline int sync_path(const std::filesystem::path& p) {
  const int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return errno;
  const int err = ::fsync(fd) == 0 ? 0 : errno;
  ::close(fd);
  return err;
}

}  // namespace lfm::detail
