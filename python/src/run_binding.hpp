#pragma once
// Whole runs from Python: lfm.run and lfm.resume (lfm/_runs.py) over the
// library's run API.
#include <nanobind/nanobind.h>

namespace lfm::python {

void bind_runs(nanobind::module_& m);

}  // namespace lfm::python
