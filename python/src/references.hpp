#pragma once
// Registers lfm._core's reference functions (references.cpp): the exact
// solution, the standard workloads, validation and benchmark records.
#include <nanobind/nanobind.h>

namespace lfm::python {

void bind_references(nanobind::module_& m);

}  // namespace lfm::python
