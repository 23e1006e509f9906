#pragma once
// lfm._core.read_config: the library's reader of LFM and lfm configs
// (lattice/lfm_config.hpp), so that Simulation.from_config maps every key
// exactly as `lfm run --config` does.
#include <nanobind/nanobind.h>

namespace lfm::python {

void bind_config(nanobind::module_& m);

}  // namespace lfm::python
