#pragma once
// Runs the `lfm` executable as a user would and captures what it prints.
#include <filesystem>
#include <string>
#include <vector>

namespace lfm::testing {

struct CliResult {
  int exit_code;
  std::string out;
  std::string err;
};

CliResult run_lfm(const std::vector<std::string>& args);
// Any program, argv[0] its path (mpiexec, with lfm among its arguments).
CliResult run_program(const std::vector<std::string>& argv);

// A fresh, empty directory removed when the object goes away.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

std::string read_file(const std::filesystem::path& p);
void write_file(const std::filesystem::path& p, const std::string& text);

}  // namespace lfm::testing
