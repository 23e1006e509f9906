#pragma once
// Run configs written for the LFM Python code (a `parameters` block, run
// settings, a list of variants or tests) read into lfm's Params, next to
// lfm's own flat JSON config. The CLI (`lfm run --config`) and the Python
// package (`Simulation.from_config`) both read configs through here, so the
// two cannot map a key differently.
//
// What is mapped, ignored and refused is the table in README.md, "Coming
// from LFM". The rule: a key that changes the numbers lfm computes is either
// mapped exactly or refused; only keys that cannot change the fields (output
// paths, diagnostics, tolerances, descriptions, tiling) are ignored, and
// they are listed so that the user sees what was dropped.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lattice/params.hpp"

namespace lfm {

struct RunConfig {
  Params params;
  bool lfm_format = false;            // true: an LFM file; false: lfm's own config
  bool precision_given = false;       // the file names a precision (any level)
  // The lattice the config asks for (grid_points, dimensions/ndim). dims 0:
  // not given. grid_points empty: not given; one entry and `each_axis`: every
  // axis has that many cells; else one entry per axis, slowest first.
  int dims = 0;
  std::vector<std::size_t> grid_points;
  bool each_axis = false;
  std::optional<std::int64_t> steps;  // the config's `steps`, if any
  std::vector<std::string> ignored;   // keys dropped, as paths ("run_settings", "tiles")
  std::vector<std::string> notes;     // mapped keys whose numbers differ from LFM's (a reason each)
  std::vector<std::string> variant_ids;  // the ids the file's variants/tests carry
  std::string variant;                // the variant applied, "" for none
};

// Whether `text` is shaped like an LFM config: a JSON object with a nested
// `parameters` object, or one of the keys only LFM's files use
// (run_settings, grid_points, steps, dimensions, tiles, variants, tests).
// Malformed JSON is not (params_from_json reports it with its position).
bool is_lfm_config(std::string_view text);

// Reads either format. An LFM file takes LFM's defaults (absorb_width 1,
// as its lattice_step does), then `parameters`, then the variant whose
// test_id is `variant`. A variant for lfm's own config, an unknown variant id
// and every refused key throw InputError naming the key (or the ids that
// exist). `source` names the input in messages.
RunConfig read_run_config(std::string_view text, std::string_view source,
                          const std::optional<std::string>& variant);

// One line naming the ignored keys ("ignored LFM keys (they do not change
// the fields): a, b"), or "" when none were.
std::string ignored_keys_line(const RunConfig& config);

// Throws InputError when `shape` (slowest axis first) is not the lattice
// the config asks for; `whose` names the array ("E.npy").
void require_config_shape(const RunConfig& config, const std::vector<std::size_t>& shape,
                          std::string_view whose);

}  // namespace lfm
