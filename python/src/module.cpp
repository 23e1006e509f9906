// lfm._core: the bindings the Python package lfm wraps (lfm/__init__.py).
// Argument checks with their messages live in Python (lfm/_arrays.py); what
// the library checks (parameters, stability, backend names) raises the
// library's message, InputError as ValueError.
#include <nanobind/nanobind.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/tuple.h>
#include <nanobind/stl/vector.h>
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "arrays.hpp"
#include "config_binding.hpp"
#include "lattice/backend.hpp"
#include "lattice/build_info.hpp"
#include "lattice/error.hpp"
#include "references.hpp"
#include "run_binding.hpp"
#include "simulation.hpp"

namespace nb = nanobind;
using namespace nb::literals;

namespace lfm::python {
namespace {

// lattice_step keeps one backend per name, and makes none per call: making
// one costs more than a small step. Backends are not reentrant, so calls
// step one at a time.
std::mutex step_mutex;

Backend& step_backend(const std::string& name) {
  static std::map<std::string, std::unique_ptr<Backend>, std::less<>> backends;
  auto it = backends.find(name);
  if (it == backends.end()) it = backends.emplace(name, make_backend(name)).first;
  return *it->second;
}

// `auto` picks, per problem, the fastest of the backends whose fields are
// bit-identical to `cpu`'s, for a run of many steps. One step gains nothing
// from temporal blocking, and choosing (a cache look-up or timed trials)
// would cost more than the step: lattice_step takes `cpu` itself, the same
// bits that any choice of `auto` gives.
std::string_view one_step_backend(std::string_view name) { return name == "auto" ? "cpu" : name; }

// Backends that only read E (the cpu sweep takes it as const T*, writing the
// new level over E_prev): they step from the caller's E itself. The others
// (thrust_omp and the GPU ones copy both levels back) get a copy.
bool reads_E_only(std::string_view name) { return name == "cpu"; }

// Below this many cells lattice_step steps on the calling thread alone.
// A loop of lattice_step calls does Python work between steps, so the
// OpenMP workers have gone to sleep by the next call: waking them and
// joining them costs tens of microseconds on an idle machine, and on a
// loaded one a worker waits for a time slice, which at 32³ made a step two
// orders of magnitude slower than on one thread (perf_tests/
// python_overhead.py shows it). Up to this size, where `auto` takes cpu
// unprobed, one thread's pass is a few milliseconds at most; larger grids
// take the backend's threads. The fields do not depend on the thread count
// (each row is its own task).
constexpr std::size_t one_thread_cells = std::size_t{1} << 20;

// Sets the calling thread's OpenMP thread count for the scope, then puts
// the previous one back: only this call's parallel regions see it.
class ScopedThreads {
 public:
  explicit ScopedThreads(bool one) : saved_(omp_get_max_threads()), changed_(one && saved_ > 1) {
    if (changed_) omp_set_num_threads(1);
  }
  ~ScopedThreads() {
    if (changed_) omp_set_num_threads(saved_);
  }
  ScopedThreads(const ScopedThreads&) = delete;
  ScopedThreads& operator=(const ScopedThreads&) = delete;

 private:
  int saved_;
  bool changed_;
};

// The last parameters lattice_step parsed and validated, so that a loop of
// calls with one params dict parses its JSON once and validates once per
// grid and χ: both cost more than a step of a few thousand cells. The keys
// are all that the results depend on (validate() is a function of its
// arguments). Held under check_mutex, which is never held across a change
// of the GIL.
std::mutex check_mutex;

struct StepCheck {
  std::string params_json;  // parsed into params
  bool float32 = false;
  Params params;
  bool validated = false;   // params passed validate() with these:
  std::vector<std::size_t> shape;
  double chi_abs = 0;
  bool allow_unstable = false;
};

StepCheck& last_check() {
  static StepCheck last;
  return last;
}

const Params& parsed(StepCheck& last, const std::string& params_json, bool float32) {
  if (last.params_json != params_json || last.float32 != float32 || last.params_json.empty()) {
    last.validated = false;
    last.params_json.clear();
    last.params = params_for(params_json, float32);  // throws for a bad text, keeping no key
    last.params_json = params_json;
    last.float32 = float32;
  }
  return last.params;
}

void validated(StepCheck& last, const Grid& grid, double chi_abs, bool allow_unstable) {
  std::vector<std::size_t> shape(static_cast<std::size_t>(grid.dims()));
  for (int a = 0; a < grid.dims(); ++a) shape[static_cast<std::size_t>(a)] = grid.extent(a);
  if (last.validated && last.shape == shape && last.chi_abs == chi_abs && last.allow_unstable == allow_unstable) return;
  last.validated = false;
  validate_for_python(last.params, grid, chi_abs, allow_unstable);
  last.validated = true;
  last.shape = std::move(shape);
  last.chi_abs = chi_abs;
  last.allow_unstable = allow_unstable;
}

// The copy of E that lattice_step's state steps from for a backend that
// may write it, kept between calls (under step_mutex).
template <class T>
Field<T>& step_scratch(const Grid& grid) {
  static Field<T> scratch;
  if (!(scratch.grid() == grid)) scratch = Field<T>(grid);
  return scratch;
}

template <class T>
nb::object lattice_step_in(const ReadOnlyArray& E, const ReadOnlyArray& E_prev, const std::string& params_json,
                           const std::optional<ReadOnlyArray>& chi, const std::string& backend,
                           bool allow_unstable) {
  const Grid grid = grid_of(E);
  std::optional<Field<T>> chi_field;
  if (chi) chi_field = view_of<T>(*chi);  // read only: backends never write χ
  Params p;
  {
    const std::lock_guard lock(check_mutex);
    StepCheck& last = last_check();
    p = parsed(last, params_json, is_float32(E));
    double chi_abs = std::abs(p.chi);
    if (chi_field) {
      require_finite(*chi_field, "chi");
      chi_abs = 0;
      for (std::size_t i = 0; i < chi_field->size(); ++i) {
        chi_abs = std::max(chi_abs, std::abs(double((*chi_field)[i])));
      }
    }
    validated(last, grid, chi_abs, allow_unstable);
  }
  const std::string_view name = one_step_backend(backend);
  Backend* stepper = nullptr;
  {
    const std::lock_guard lock(step_mutex);
    stepper = &step_backend(std::string(name));  // throws InputError for an unknown name
  }
  T* next = nullptr;
  auto out = new_array<T>(grid, next);
  {
    nb::gil_scoped_release release;
    // The new level is written over E_prev's cells, so E_prev's copy goes
    // in the result; the state's views point at it and at E or E's copy.
    std::memcpy(next, E_prev.data(), grid.cells() * sizeof(T));
    T* from = static_cast<T*>(const_cast<void*>(E.data()));
    const std::lock_guard lock(step_mutex);
    if (!reads_E_only(name)) {
      Field<T>& scratch = step_scratch<T>(grid);
      std::memcpy(scratch.data(), from, grid.cells() * sizeof(T));
      from = scratch.data();
    }
    AnyState state = State<T>{Field<T>::view(grid, from), Field<T>::view(grid, next), std::move(chi_field), 0};
    const ScopedThreads threads(grid.cells() < one_thread_cells);
    advance(*stepper, state, p, 1);
    const auto& s = std::get<State<T>>(state);
    if (s.E.data() != next) std::memcpy(next, s.E.data(), grid.cells() * sizeof(T));
  }
  return nb::cast(out);
}

nb::object lattice_step(const ReadOnlyArray& E, const ReadOnlyArray& E_prev, const std::string& params_json,
                        const std::optional<ReadOnlyArray>& chi, const std::string& backend, bool allow_unstable) {
  if (is_float32(E)) return lattice_step_in<float>(E, E_prev, params_json, chi, backend, allow_unstable);
  return lattice_step_in<double>(E, E_prev, params_json, chi, backend, allow_unstable);
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
      .def("advance", &Simulation::advance, "steps"_a, "every"_a, "callback"_a.none(), "session"_a.none())
      .def("on_ranks", &Simulation::on_ranks, "comm"_a, "decomposition"_a, "exchange_depth"_a)
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
  bind_references(m);
}
