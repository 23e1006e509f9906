#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>

#include <ctime>
#include <fstream>
#include <sstream>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>

#include "commands.hpp"
#include "lattice/error.hpp"
#include "lattice/workloads.hpp"

namespace fs = std::filesystem;

namespace lfm::app {

CLI::Option* integer_in(CLI::Option* option, std::int64_t lowest, std::int64_t highest,
                        const std::string& expected) {
  // An int64 or int option is bounded above only by its type.
  const bool open_above = highest == std::numeric_limits<std::int64_t>::max() ||
                          highest == std::numeric_limits<int>::max();
  const std::string range = !expected.empty() ? expected
                            : open_above ? ">= " + std::to_string(lowest) + ", an integer up to " +
                                               std::to_string(highest)
                                         : std::to_string(lowest) + " to " + std::to_string(highest);
  const std::string name = option->get_name();
  return option->check(CLI::Validator(
      [=](std::string& text) -> std::string {
        std::int64_t v = 0;
        const char* end = text.data() + text.size();
        const auto [stop, ec] = std::from_chars(text.data(), end, v);
        if (ec == std::errc::invalid_argument || stop != end) {
          throw InputError(name + " = " + text + " is not an integer; expected " + range);
        }
        if (ec == std::errc::result_out_of_range || v < lowest || v > highest) {
          throw InputError(name + " = " + text + " is out of range; expected " + range);
        }
        return "";
      },
      open_above ? ">= " + std::to_string(lowest) : range));
}

CLI::Option* positive_number(CLI::Option* option) {
  const std::string name = option->get_name();
  return option->check(CLI::Validator(
      [=](std::string& text) -> std::string {
        char* end = nullptr;
        const double v = std::strtod(text.c_str(), &end);
        if (text.empty() || *end != '\0') throw InputError(name + " = " + text + " is not a number; expected a finite number > 0");
        if (!std::isfinite(v) || !(v > 0)) throw InputError(name + " = " + text + " is out of range; expected a finite number > 0");
        return "";
      },
      "> 0"));
}

CLI::Option* not_empty(CLI::Option* option) {
  const std::string name = option->get_name();
  return option->check(CLI::Validator(
      [=](std::string& text) -> std::string {
        if (text.empty()) throw InputError(name + " is empty; expected a path");
        return "";
      },
      ""));
}

void check_sizes(const SizeArgs& s, const std::vector<std::size_t>& sizes) {
  const Precision precision = parse_precision(s.precision);
  // make_workload holds the rules. A 1D lattice checks the name and each
  // size; the dimension is checked on the smallest size, which the command
  // is about to allocate anyway.
  for (const std::size_t n : sizes) make_workload(s.workload, 1, n, precision);
  if (!sizes.empty()) make_workload(s.workload, s.dim, *std::min_element(sizes.begin(), sizes.end()), precision);
}

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
  if (ec || !fs::is_directory(dir, ec)) {
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
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) {
    const std::string why = ec.message();
    fs::remove(tmp, ec);
    throw InputError(path.string() + ": cannot write (" + why + ")");
  }
}

std::string read_text_file(const fs::path& path) {
  // The error_code forms: a symlink loop or an overlong name is bad input,
  // not a filesystem_error.
  std::error_code ec;
  std::ifstream f(path);
  if (!f || fs::is_directory(path, ec)) {
    const bool exists = fs::exists(path, ec);
    throw InputError(path.string() + ": cannot read file (" +
                     (exists ? "not a readable file" : ec ? ec.message() : "no such file") + ")");
  }
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

std::string gnuplot_quoted(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("''") : std::string(1, c);
  return q + "'";
}

namespace {

bool on_path(const std::string& exe) {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "");
  for (std::string d; std::getline(dirs, d, ':');) {
    if (!d.empty() && access((fs::path(d) / exe).c_str(), X_OK) == 0) return true;
  }
  return false;
}

}  // namespace

std::string plot_png(const fs::path& png, int width, int height, const std::string& script) {
  if (!on_path("gnuplot")) return "gnuplot is not on PATH (install gnuplot-nox)";
  const std::string tmp = png.string() + ".partial-" + std::to_string(getpid());
  const std::string text = "set terminal pngcairo noenhanced size " + std::to_string(width) + "," +
                           std::to_string(height) + "\nset output " + gnuplot_quoted(tmp) + "\n" + script;
  // A gnuplot that dies early must not take this process down with SIGPIPE;
  // its own messages go straight to stderr.
  const auto old_handler = std::signal(SIGPIPE, SIG_IGN);
  FILE* pipe = popen("gnuplot", "w");
  int status = -1;
  if (pipe) {
    std::fwrite(text.data(), 1, text.size(), pipe);
    status = pclose(pipe);
  }
  std::signal(SIGPIPE, old_handler);
  std::error_code ec;
  if (status != 0 || !fs::exists(tmp) || fs::file_size(tmp, ec) == 0) {
    fs::remove(tmp, ec);
    return "gnuplot failed (exit status " + std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : status) +
           ")";
  }
  fs::rename(tmp, png, ec);
  return ec ? "cannot rename the plot to " + png.string() + " (" + ec.message() + ")" : "";
}

}  // namespace lfm::app
