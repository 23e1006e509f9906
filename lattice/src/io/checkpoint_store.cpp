// Checkpoint files on disk: atomic writes, keeping the newest N, and finding
// the newest one that is intact.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "lattice/build_info.hpp"
#include "lattice/checkpoint.hpp"
#include "io/step_names.hpp"

namespace fs = std::filesystem;

namespace lfm {
namespace {

constexpr std::string_view temp_marker = ".tmp-";

std::string errno_text(int err) { return std::strerror(err); }

// Closes a descriptor and removes the temporary file unless released.
class TempFile {
 public:
  explicit TempFile(fs::path path) : path_(std::move(path)) {
    fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  }
  ~TempFile() {
    if (fd_ >= 0) ::close(fd_);
    if (!released_) ::unlink(path_.c_str());
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  int fd() const { return fd_; }
  // Closes the descriptor; returns errno, or 0.
  int close() {
    const int rc = ::close(fd_);
    fd_ = -1;
    return rc == 0 ? 0 : errno;
  }
  void release() { released_ = true; }

 private:
  fs::path path_;
  int fd_ = -1;
  bool released_ = false;
};

int write_all(int fd, const void* data, std::size_t bytes) {
  const auto* p = static_cast<const char*>(data);
  while (bytes > 0) {
    const ssize_t n = ::write(fd, p, bytes);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    p += n;
    bytes -= static_cast<std::size_t>(n);
  }
  return 0;
}

// A directory's entry is durable only once the directory itself is synced.
void sync_directory(const fs::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

// Test hook: LFM_TEST_KILL_IN_CHECKPOINT=STEP kills the process with SIGKILL
// halfway through writing the checkpoint of STEP, as a power cut would.
std::int64_t kill_in_checkpoint_step() {
  const char* v = std::getenv("LFM_TEST_KILL_IN_CHECKPOINT");
  return v ? std::atoll(v) : -1;
}


std::string hex(std::uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

}  // namespace

void write_file_atomically(const fs::path& path, const std::function<void(const ByteSink&)>& produce) {
  const fs::path dir = path.has_parent_path() ? path.parent_path() : fs::path(".");
  std::string temp_name = ".";  // appended, not "." + name: GCC 12 warns falsely (-Wrestrict)
  temp_name += path.filename().string();
  temp_name += temp_marker;
  temp_name += std::to_string(::getpid());
  TempFile temp(dir / temp_name);
  const auto fail = [&](int err) {
    throw WriteError(path.string() + ": write failed (" + errno_text(err) + "); the previous file is kept");
  };
  if (temp.fd() < 0) fail(errno);
  int err = 0;
  produce([&](const void* data, std::size_t bytes) {
    if (err == 0) err = write_all(temp.fd(), data, bytes);
  });
  if (err != 0) fail(err);
  if (::fsync(temp.fd()) != 0) fail(errno);
  if ((err = temp.close()) != 0) fail(err);
  if (::rename((dir / temp_name).c_str(), path.c_str()) != 0) fail(errno);
  temp.release();
  sync_directory(dir);
}

std::string read_binary_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw CheckpointError(path.string() + ": cannot be read (" + errno_text(errno) + ")");
  std::ostringstream s;
  s << in.rdbuf();
  if (in.bad()) throw CheckpointError(path.string() + ": read failed");
  return std::move(s).str();
}

CheckpointStore::CheckpointStore(fs::path run_dir) : dir_(std::move(run_dir) / "checkpoints") {}

fs::path CheckpointStore::path_for_step(std::int64_t step) const {
  char name[40];
  std::snprintf(name, sizeof name, "step_%012lld.ckpt", static_cast<long long>(step));
  return dir_ / name;
}

void CheckpointStore::create() const {
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (ec) throw WriteError(dir_.string() + ": cannot create the checkpoint directory (" + ec.message() + ")");
  // A writer killed mid-file leaves its temporary file; it was never valid.
  for (const auto& entry : fs::directory_iterator(dir_, ec)) {
    if (entry.path().filename().string().find(temp_marker) != std::string::npos) fs::remove(entry.path(), ec);
  }
}

std::uint64_t CheckpointStore::write_static(const StaticData& s) const {
  std::uint64_t sum = 0;
  write_file_atomically(static_path(), [&](const ByteSink& sink) { sum = encode_static(s, sink); });
  return sum;
}

void CheckpointStore::write(const CheckpointMeta& meta, const AnyState& state, int keep) const {
  const bool kill_midway = kill_in_checkpoint_step() == meta.step;
  write_file_atomically(path_for_step(meta.step), [&](const ByteSink& sink) {
    const std::size_t field_bytes =
        std::visit([](const auto& s) { return s.E.size() * sizeof(s.E[0]); }, state);
    encode_checkpoint(meta, state, [&](const void* data, std::size_t bytes) {
      sink(data, bytes);
      // Right after E: the file is half there.
      if (kill_midway && bytes == field_bytes) std::raise(SIGKILL);
    });
  });
  std::size_t kept = 0;
  for (const auto& file : list()) {
    char head[20] = {};
    std::ifstream in(file, std::ios::binary);
    in.read(head, sizeof head);
    std::error_code ec;
    const auto size = fs::file_size(file, ec);
    if (ec || !looks_like_checkpoint(std::string_view(head, static_cast<std::size_t>(in.gcount())), size)) continue;
    if (++kept > static_cast<std::size_t>(std::max(keep, 1))) fs::remove(file, ec);
  }
  sync_directory(dir_);
}

StaticData CheckpointStore::read_static() const {
  return decode_static(read_binary_file(static_path()), static_path().string());
}

std::vector<fs::path> CheckpointStore::list() const {
  std::vector<std::pair<std::int64_t, fs::path>> found;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir_, ec)) {
    std::int64_t step;
    if (detail::parse_step_name(entry.path().filename().string(), ".ckpt", step)) found.emplace_back(step, entry.path());
  }
  std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  std::vector<fs::path> files;
  for (auto& f : found) files.push_back(std::move(f.second));
  return files;
}

CheckpointStore::Loaded CheckpointStore::newest_valid(
    std::uint64_t static_hash, const std::function<void(const std::string&)>& warn) const {
  const auto files = list();
  for (const auto& file : files) {
    CheckpointData data;
    try {
      data = decode_checkpoint(read_binary_file(file), file.string());
    } catch (const CheckpointError& e) {
      warn(std::string(e.what()) + "; trying the previous checkpoint");
      continue;
    }
    if (data.meta.version != version()) {
      throw InputError(file.string() + ": written by lfm " + data.meta.version + ", this is lfm " +
                       version() + "; resume it with the version that started the run");
    }
    if (data.meta.static_hash != static_hash) {
      throw InputError(file.string() + ": belongs to another run (static data " +
                       hex(data.meta.static_hash) + ", this run's " + hex(static_hash) +
                       "): other parameters or another chi field");
    }
    return {std::move(data), file};
  }
  throw InputError(dir_.string() + ": no usable checkpoint (" + std::to_string(files.size()) +
                   " checkpoint files, none intact)");
}

}  // namespace lfm
