#pragma once
// Other stencil frameworks timed on the same equation by `lfm bench --peer`:
// each peer is a script under perf_tests/peers/ run in a Python environment
// of its own (perf_tests/peers/setup_venv.sh creates it), never a build
// dependency. A missing environment is a line of output, not an error:
// lfm's own figures are still measured.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace lfm::app {

const std::vector<std::string>& known_peers();  // {"devito"}

// Throws InputError naming the known peers when `name` is not one of them.
void check_peer(const std::string& name);

struct PeerRequest {
  std::size_t n = 0;
  int dims = 3;
  int reps = 10;
  int steps_per_rep = 2;
  std::string precision = "float64";
  int stencil_order = 2;
};

struct PeerTimes {
  std::vector<double> seconds_per_step;  // wall time per step, one per repetition
  nlohmann::json record;                 // everything the script printed
};

// The environment's directory: $LFM_PEERS_VENV, else build/peers-venv in
// the source tree.
std::string peers_venv();

// Runs the peer's script; on failure returns empty seconds_per_step and sets
// `why` to one line saying what to do.
PeerTimes time_peer(const std::string& name, const PeerRequest& request, std::string& why);

}  // namespace lfm::app
