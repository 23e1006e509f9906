#pragma once
// The records' JSON pieces, which live in the library (lattice/perf/json.hpp)
// since the Python module writes the same records.
#include "lattice/perf/json.hpp"

namespace lfm::app {

using perf::timing_json;
using perf::to_json;

}  // namespace lfm::app
