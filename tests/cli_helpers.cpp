#include "cli_helpers.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;

namespace lfm::testing {
namespace {

std::string quoted(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

}  // namespace

TempDir::TempDir() {
  static std::atomic<int> counter{0};
  path_ = fs::temp_directory_path() /
          ("lfm-test-" + std::to_string(getpid()) + "-" + std::to_string(counter++));
  fs::remove_all(path_);
  fs::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::permissions(path_, fs::perms::owner_all, fs::perm_options::add, ec);
  fs::remove_all(path_, ec);
}

std::string read_file(const fs::path& p) {
  std::ifstream f(p);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

void write_file(const fs::path& p, const std::string& text) {
  std::ofstream f(p);
  f << text;
}

CliResult run_lfm(const std::vector<std::string>& args) {
  std::vector<std::string> argv{LFM_EXE};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_program(argv);
}

CliResult run_program(const std::vector<std::string>& argv) {
  const TempDir capture;
  std::string cmd;
  for (const auto& a : argv) cmd += (cmd.empty() ? "" : " ") + quoted(a);
  cmd += " > " + quoted((capture / "out").string()) + " 2> " + quoted((capture / "err").string()) +
         " < /dev/null";
  const int status = std::system(cmd.c_str());
  const int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return {code, read_file(capture / "out"), read_file(capture / "err")};
}

}  // namespace lfm::testing
