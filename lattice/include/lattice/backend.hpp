#pragma once
// Backends are named implementations of the leapfrog step of SPEC §1–3,
// chosen at run time. Which exist is a build option; which runs is a name.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lattice/fused_diagnostics.hpp"
#include "lattice/params.hpp"
#include "lattice/state.hpp"

namespace lfm {

class Backend {
 public:
  virtual ~Backend() = default;
  // Advances the state by `steps` leapfrog steps (update, then boundary),
  // leaving the two newest levels in E and E_prev and adding to s.step.
  // Parameters are assumed validated (see validate()).
  virtual void advance(State<double>& s, const Params& p, std::int64_t steps) = 0;
  virtual void advance(State<float>& s, const Params& p, std::int64_t steps) = 0;
  // Step counts that are multiples of this run at full speed (a temporally
  // blocked backend advances in blocks); timing loops round up to it.
  virtual std::int64_t preferred_step_multiple() const { return 1; }
  // What an autotuning backend chose ("block depth 4, bands of 32 rows"),
  // for run summaries and benchmark records; "" otherwise.
  virtual std::string tuning() const { return ""; }
  // Makes the choice for this state's shape and these parameters now, from
  // the tuning cache or by timing candidates on a copy of the state, so that
  // a caller timing advance() times stepping only; a backend that tunes
  // does it on the first advance() otherwise. `retune` ignores the cache
  // entry and times again (as does LFM_RETUNE=1 in the environment).
  virtual void prepare(const State<double>& s, const Params& p, bool retune);
  virtual void prepare(const State<float>& s, const Params& p, bool retune);
  // Wall seconds spent choosing so far (cache look-ups and timed trials),
  // kept apart from stepping; 0 for a backend that does not tune.
  virtual double tuning_seconds() const { return 0; }
  // Candidate configurations timed so far: 0 when the cache answered.
  virtual int tuning_trials() const { return 0; }
  // A backend whose fields live elsewhere between calls (the ranks of a
  // distributed run) records them where they are, and brings the caller's
  // state up to date before the caller reads its fields (snapshots,
  // checkpoints, the outputs). The run loop asks both; every other backend
  // steps the caller's state itself, returns nullopt and has nothing to sync.
  virtual std::optional<FusedDiagnostics> diagnose(const AnyState&, const Params&, double /*limit*/) {
    return std::nullopt;
  }
  virtual void sync(AnyState&) {}
};

struct BackendInfo {
  std::string name;         // lowercase, stable: reused in tests, benchmarks, baselines/
  std::string description;  // the strategy, one or two sentences
  std::string unavailable;  // empty when available, else why not (build option, no device)
  std::function<std::unique_ptr<Backend>()> create;

  bool available() const { return unavailable.empty(); }
};

// Every backend this build knows about, available or not, baseline first.
const std::vector<BackendInfo>& registered_backends();
// Adds a backend at run time (a plugin, or a test's deliberately wrong one).
// Throws InputError if the name is taken.
void register_backend(BackendInfo info);
// The backend `lfm run` uses when none is named: `auto`, which picks for
// each run the fastest available CPU backend bit-identical to `cpu`.
std::string default_backend_name();
// Names of the available backends only.
std::vector<std::string> available_backend_names();
// Throws InputError for an unknown name (suggesting the nearest) or an
// unavailable backend (giving the reason).
const BackendInfo& find_backend(std::string_view name);
std::unique_ptr<Backend> make_backend(std::string_view name);

// Advances a state of either precision.
void advance(Backend& b, AnyState& s, const Params& p, std::int64_t steps);
// Backend::prepare for a state of either precision: what a run calls
// before its timed stepping.
void prepare(Backend& b, const AnyState& s, const Params& p, bool retune = false);

}  // namespace lfm
