#pragma once
// What `lfm run` reads before it steps: a standard workload or the user's
// own config and arrays, with --set overrides, every input checked.
#include "run_command.hpp"

namespace lfm::app {

// The problem a RunArgs names. Throws InputError naming the bad input.
Problem user_problem(const RunArgs& a);
Problem workload_problem(const RunArgs& a);

// A config's `steps` (an LFM config, its variant's first) becomes the run's
// step count unless --steps was given: --steps > variant > parameters > 100.
void take_config_steps(RunArgs& a, bool steps_given);

}  // namespace lfm::app
