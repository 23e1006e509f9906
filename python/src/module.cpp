// lfm._core: the bindings the Python package lfm wraps (lfm/__init__.py).
// Argument checks with their messages live in Python (lfm/_arrays.py); what
// the library checks (parameters, stability, backend names) raises the
// library's message, InputError as ValueError.
#include <nanobind/nanobind.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/tuple.h>
#include <nanobind/stl/vector.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

#include "arrays.hpp"
#include "config_binding.hpp"
#include "lattice/backend.hpp"
#include "lattice/build_info.hpp"
#include "lattice/error.hpp"
#include "run_binding.hpp"
#include "simulation.hpp"

namespace nb = nanobind;
using namespace nb::literals;

namespace lfm::python {
namespace {

// lattice_step keeps one backend per name: `auto` remembers its choice per
// problem, and making a backend per call would cost more than a small step.
// Backends are not reentrant, so calls step one at a time.
std::mutex step_mutex;

Backend& step_backend(const std::string& name) {
  static std::map<std::string, std::unique_ptr<Backend>, std::less<>> backends;
  auto it = backends.find(name);
  if (it == backends.end()) it = backends.emplace(name, make_backend(name)).first;
  return *it->second;
}

// The copy of E that lattice_step's state steps from, kept between calls
// (under step_mutex) so that a small step allocates nothing but its result.
template <class T>
Field<T>& step_scratch(const Grid& grid) {
  static Field<T> scratch;
  if (!(scratch.grid() == grid)) scratch = Field<T>(grid);
  return scratch;
}

template <class T>
nb::object lattice_step_in(const ReadOnlyArray& E, const ReadOnlyArray& E_prev, const Params& p,
                           const std::optional<ReadOnlyArray>& chi, const std::string& backend,
                           bool allow_unstable) {
  const Grid grid = grid_of(E);
  T* next = nullptr;
  auto out = new_array<T>(grid, next);
  std::optional<Field<T>> chi_field;
  if (chi) chi_field = view_of<T>(*chi);  // read only: backends never write χ
  double chi_abs = std::abs(p.chi);
  if (chi_field) {
    require_finite(*chi_field, "chi");
    chi_abs = 0;
    for (std::size_t i = 0; i < chi_field->size(); ++i) chi_abs = std::max(chi_abs, std::abs(double((*chi_field)[i])));
  }
  validate_for_python(p, grid, chi_abs, allow_unstable);
  Backend* stepper = nullptr;
  {
    const std::lock_guard lock(step_mutex);
    stepper = &step_backend(backend);  // throws InputError for an unknown name
  }
  {
    nb::gil_scoped_release release;
    const std::lock_guard lock(step_mutex);
    // Backends may write both levels (thrust_omp and the GPU ones copy both
    // back), so the state holds copies: E in the scratch field, E_prev in
    // the result, where the in-place backends leave the new level.
    Field<T>& scratch = step_scratch<T>(grid);
    std::memcpy(scratch.data(), E.data(), grid.cells() * sizeof(T));
    std::memcpy(next, E_prev.data(), grid.cells() * sizeof(T));
    AnyState state = State<T>{Field<T>::view(grid, scratch.data()), Field<T>::view(grid, next),
                              std::move(chi_field), 0};
    advance(*stepper, state, p, 1);
    const auto& s = std::get<State<T>>(state);
    if (s.E.data() != next) std::memcpy(next, s.E.data(), grid.cells() * sizeof(T));
  }
  return nb::cast(out);
}

nb::object lattice_step(const ReadOnlyArray& E, const ReadOnlyArray& E_prev, const std::string& params_json,
                        const std::optional<ReadOnlyArray>& chi, const std::string& backend, bool allow_unstable) {
  const Params p = params_for(params_json, is_float32(E));
  if (is_float32(E)) return lattice_step_in<float>(E, E_prev, p, chi, backend, allow_unstable);
  return lattice_step_in<double>(E, E_prev, p, chi, backend, allow_unstable);
}

// (name, available, description, why not available)
std::vector<std::tuple<std::string, bool, std::string, std::string>> backends() {
  std::vector<std::tuple<std::string, bool, std::string, std::string>> out;
  for (const BackendInfo& b : registered_backends()) out.emplace_back(b.name, b.available(), b.description, b.unavailable);
  return out;
}

}  // namespace
}  // namespace lfm::python

NB_MODULE(_core, m) {
  using namespace lfm::python;
  m.doc() = "Bindings of the lfm lattice library; use the package lfm, not this module.";
  m.attr("__version__") = lfm::version();

  nb::register_exception_translator([](const std::exception_ptr& p, void*) {
    try {
      std::rethrow_exception(p);
    } catch (const lfm::InputError& e) {
      PyErr_SetString(PyExc_ValueError, e.what());
    } catch (const lfm::WriteError& e) {
      PyErr_SetString(PyExc_OSError, e.what());
    }
  });

  nb::class_<Simulation>(m, "Simulation")
      .def(nb::init<Array, Array, const std::string&, std::optional<ReadOnlyArray>, const std::string&, bool>(),
           nb::arg("E").noconvert(), nb::arg("E_prev").noconvert(), "params_json"_a,
           nb::arg("chi").noconvert().none(), "backend"_a, "allow_unstable"_a)
      .def("advance", &Simulation::advance, "steps"_a, "every"_a, "callback"_a.none())
      .def_prop_ro("step", &Simulation::step)
      .def("energy", &Simulation::energy)
      .def("invariant", &Simulation::invariant)
      .def("set_chi", &Simulation::set_chi, "chi"_a)
      .def("set_chi_field", &Simulation::set_chi_field, nb::arg("chi").noconvert())
      .def_prop_ro("backend", &Simulation::backend_name)
      .def_prop_ro("tuning", &Simulation::tuning)
      .def_prop_ro("params_json", &Simulation::params_json);

  m.def("lattice_step", &lattice_step, nb::arg("E").noconvert(), nb::arg("E_prev").noconvert(), "params_json"_a,
        nb::arg("chi").noconvert().none(), "backend"_a, "allow_unstable"_a);
  m.def("backends", &backends);
  m.def("default_backend", &lfm::default_backend_name);
  bind_runs(m);
  bind_config(m);
}
