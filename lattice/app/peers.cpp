#include "peers.hpp"

#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "lattice/error.hpp"

namespace lfm::app {
namespace {

namespace fs = std::filesystem;

std::string script_of(const std::string& peer) { return std::string(LFM_PEERS_DIR) + "/" + peer + "_step.py"; }

std::string shell_quoted(const std::string& s) {
  std::string q = "'";
  for (const char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

// The last line of `text` that holds a JSON object: the scripts print one,
// after whatever their framework wrote.
std::string last_json_line(const std::string& text) {
  std::size_t end = text.size();
  while (end > 0) {
    const std::size_t start = text.rfind('\n', end - 1);
    const std::size_t from = start == std::string::npos ? 0 : start + 1;
    const std::string line = text.substr(from, end - from);
    if (!line.empty() && line.front() == '{') return line;
    if (start == std::string::npos) break;
    end = start;
  }
  return "";
}

std::string last_line(std::string text) {
  while (!text.empty() && text.back() == '\n') text.pop_back();
  const std::size_t nl = text.rfind('\n');
  return nl == std::string::npos ? text : text.substr(nl + 1);
}

}  // namespace

const std::vector<std::string>& known_peers() {
  static const std::vector<std::string> peers = {"devito"};
  return peers;
}

void check_peer(const std::string& name) {
  const auto& peers = known_peers();
  if (std::find(peers.begin(), peers.end(), name) != peers.end()) return;
  std::string list;
  for (const auto& p : peers) list += (list.empty() ? "" : ", ") + p;
  throw InputError("--peer = '" + name + "'; expected one of: " + list);
}

std::string peers_venv() {
  const char* env = std::getenv("LFM_PEERS_VENV");
  return env && *env ? env : LFM_PEERS_VENV_DEFAULT;
}

PeerTimes time_peer(const std::string& name, const PeerRequest& r, std::string& why) {
  const fs::path python = fs::path(peers_venv()) / "bin" / "python";
  if (!fs::exists(python)) {
    why = "no Python environment at " + peers_venv() + "; create it with " + LFM_PEERS_DIR +
          "/setup_venv.sh (pip install devito numpy), then run again";
    return {};
  }
  const std::string cmd = shell_quoted(python.string()) + " " + shell_quoted(script_of(name)) + " " +
                          std::to_string(r.n) + " " + std::to_string(r.dims) + " " + std::to_string(r.reps) + " " +
                          std::to_string(r.steps_per_rep) + " " + r.precision + " " +
                          std::to_string(r.stencil_order) + " 2>&1";
  FILE* pipe = popen(cmd.c_str(), "r");
  if (!pipe) {
    why = "could not start " + python.string();
    return {};
  }
  std::string text;
  char buf[4096];
  while (std::fgets(buf, sizeof buf, pipe)) text += buf;
  const int status = pclose(pipe);
  const std::string line = last_json_line(text);
  if (status != 0 || line.empty()) {
    why = script_of(name) + " failed (status " + std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : status) +
          "): " + last_line(text);
    return {};
  }
  PeerTimes out;
  out.record = nlohmann::json::parse(line);
  out.seconds_per_step = out.record["seconds_per_step"].get<std::vector<double>>();
  return out;
}

}  // namespace lfm::app
