#include <unistd.h>

#include <ctime>
#include <fstream>
#include <sstream>

#include "commands.hpp"
#include "lattice/error.hpp"

namespace fs = std::filesystem;

namespace lfm::app {

std::vector<Precision> parse_precisions(const std::vector<std::string>& names) {
  std::vector<Precision> out;
  for (const auto& n : names) out.push_back(parse_precision(n));
  if (out.empty()) throw InputError("--precision: expected float64 and/or float32");
  return out;
}

fs::path prepare_out_dir(const fs::path& out, const std::string& backend) {
  const fs::path dir = out.empty() ? fs::path("results") / backend : out;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec || !fs::is_directory(dir)) {
    throw InputError("--out " + dir.string() + " cannot be created (" + ec.message() + ")");
  }
  return dir;
}

void write_text_atomically(const fs::path& path, const std::string& text) {
  const fs::path tmp = path.string() + ".partial-" + std::to_string(getpid());
  {
    std::ofstream f(tmp);
    f << text;
    f.close();
    if (!f) {
      std::error_code ec;
      fs::remove(tmp, ec);
      throw InputError(path.string() + ": cannot write (directory not writable or disk full)");
    }
  }
  fs::rename(tmp, path);
}

std::string read_text_file(const fs::path& path) {
  std::ifstream f(path);
  if (!f || fs::is_directory(path)) {
    throw InputError(path.string() + ": cannot read file (" +
                     (fs::exists(path) ? "not a readable file" : "no such file") + ")");
  }
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

std::string utc_now() {
  const std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buf;
}

}  // namespace lfm::app
