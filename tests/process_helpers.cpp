#include "process_helpers.hpp"

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <stdexcept>

namespace lfm::testing {
namespace {

[[noreturn]] void child(const std::vector<std::string>& args, const SpawnOptions& o,
                        const std::filesystem::path& out, const std::filesystem::path& err) {
  const int in_fd = ::open("/dev/null", O_RDONLY);
  const int out_fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  const int err_fd = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (in_fd < 0 || out_fd < 0 || err_fd < 0) _exit(126);
  ::dup2(in_fd, 0);
  ::dup2(out_fd, 1);
  ::dup2(err_fd, 2);
  for (const auto& [key, value] : o.env) ::setenv(key.c_str(), value.c_str(), 1);
  if (o.file_size_limit) {
    // Ignored, a write past the limit fails with EFBIG instead of killing.
    std::signal(SIGXFSZ, o.ignore_sigxfsz ? SIG_IGN : SIG_DFL);
    const rlimit lim{*o.file_size_limit, *o.file_size_limit};
    if (::setrlimit(RLIMIT_FSIZE, &lim) != 0) _exit(126);
  }
  if (!o.cwd.empty() && ::chdir(o.cwd.c_str()) != 0) _exit(126);
  if (o.address_space_limit) {
    const rlimit lim{*o.address_space_limit, *o.address_space_limit};
    if (::setrlimit(RLIMIT_AS, &lim) != 0) _exit(126);
  }
  std::vector<char*> argv;
  std::string exe = o.program.empty() ? std::string(LFM_EXE) : o.program.string();
  argv.push_back(exe.data());
  std::vector<std::string> copy = args;
  for (auto& a : copy) argv.push_back(a.data());
  argv.push_back(nullptr);
  if (o.unprivileged && ::geteuid() == 0) {
    // Opened while still root: the build tree may sit under a directory
    // that nobody cannot search (a clone in a private temporary directory).
    const int exe_fd = ::open(exe.c_str(), O_RDONLY | O_CLOEXEC);
    if (exe_fd < 0 || ::setgid(65534) != 0 || ::setuid(65534) != 0) _exit(126);
    ::fexecve(exe_fd, argv.data(), environ);
    _exit(127);
  }
  ::execv(exe.c_str(), argv.data());
  _exit(127);
}

}  // namespace

LfmProcess::LfmProcess(const std::vector<std::string>& args, const SpawnOptions& options) {
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) child(args, options, capture_ / "out", capture_ / "err");
}

LfmProcess::~LfmProcess() {
  if (!result_) {
    ::kill(pid_, SIGKILL);
    int status;
    ::waitpid(pid_, &status, 0);
  }
}

void LfmProcess::signal(int signo) const { ::kill(pid_, signo); }

CliResult LfmProcess::wait() {
  if (!result_) {
    int status = 0;
    ::waitpid(pid_, &status, 0);
    const int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    result_ = CliResult{code, read_file(capture_ / "out"), read_file(capture_ / "err")};
  }
  return *result_;
}

CliResult run_lfm_with(const std::vector<std::string>& args, const SpawnOptions& options) {
  LfmProcess p(args, options);
  return p.wait();
}

}  // namespace lfm::testing
