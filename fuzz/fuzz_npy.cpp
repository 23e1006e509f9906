// The .npy reader on arbitrary bytes: it may refuse (InputError), never
// crash, read out of bounds or allocate what the file cannot hold.
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "lattice/error.hpp"
#include "lattice/npy.hpp"

namespace {

// The reader takes a path: an in-memory file keeps the disk out of the loop.
int memory_file() {
  static const int fd = memfd_create("lfm-fuzz.npy", 0);
  return fd;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const int fd = memory_file();
  if (fd < 0 || ftruncate(fd, 0) != 0 || pwrite(fd, data, size, 0) != static_cast<ssize_t>(size)) {
    __builtin_trap();  // the harness itself failed
  }
  const std::string path = "/proc/self/fd/" + std::to_string(fd);
  try {
    const lfm::AnyField f = lfm::read_npy(path);
    // What was accepted holds exactly the values the file declared.
    const std::size_t bytes = std::visit([](const auto& x) { return x.size() * sizeof(x[0]); }, f);
    if (bytes > size) __builtin_trap();
  } catch (const lfm::InputError&) {
  }
  return 0;
}
