// The library's references for Python: SPEC §5's exact lattice evolution
// (lattice/oracle.hpp), the standard workloads (lattice/workloads.hpp) and
// the validation matrix of `lfm validate` (lattice/perf/validation.hpp) and
// the measurements of `lfm bench` (lattice/perf/bench_record.hpp).
// The computations are the library's; these functions convert.
#include "references.hpp"

#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include <cmath>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "arrays.hpp"
#include "lattice/backend.hpp"
#include "lattice/oracle.hpp"
#include "lattice/perf/bench_record.hpp"
#include "lattice/perf/validation.hpp"
#include "lattice/workloads.hpp"
#include "simulation.hpp"

namespace lfm::python {
namespace {

template <class T>
Field<double> as_double(const ReadOnlyArray& a) {
  return convert_field<double>(view_of<T>(a));
}

nb::object new_copy(const Field<double>& f) {
  double* data = nullptr;
  auto out = new_array<double>(f.grid(), data);
  std::memcpy(data, f.data(), f.size() * sizeof(double));
  return nb::cast(out);
}

// (E after `steps` steps, E_prev after them), float64, from the initial
// pair in either precision (a float32 pair is taken as the values it holds).
nb::tuple exact_solution(const ReadOnlyArray& E, const ReadOnlyArray& E_prev, const std::string& params_json,
                         std::int64_t steps, bool allow_unstable) {
  Params p = params_for(params_json, false);
  const Grid grid = grid_of(E);
  validate_for_python(p, grid, std::abs(p.chi), allow_unstable);
  State<double> s = is_float32(E) ? State<double>{as_double<float>(E), as_double<float>(E_prev), std::nullopt, 0}
                                  : State<double>{as_double<double>(E), as_double<double>(E_prev), std::nullopt, 0};
  require_finite(s.E, "E");
  require_finite(s.E_prev, "E_prev");
  {
    nb::gil_scoped_release release;
    exact_advance(s, p, steps);  // throws InputError unless periodic with scalar χ
  }
  return nb::make_tuple(new_copy(s.E), new_copy(s.E_prev));
}

// (E, E_prev, chi field or None, parameters as JSON) of a standard workload.
nb::tuple workload(const std::string& name, int dims, std::size_t n) {
  const Problem problem = make_workload(name, dims, n, Precision::float64);
  const auto& s = std::get<State<double>>(problem.state);
  nb::object chi = s.chi_field ? new_copy(*s.chi_field) : nb::none();
  return nb::make_tuple(new_copy(s.E), new_copy(s.E_prev), chi, params_to_json(problem.params));
}

// validation.json's text for `backend` against `reference`.
std::string validation_json(const std::string& backend, const std::string& reference,
                            const std::vector<std::string>& precisions) {
  std::vector<Precision> parsed;
  for (const std::string& p : precisions) parsed.push_back(parse_precision(p));
  find_backend(backend);  // unknown or unavailable names are refused before any case runs
  find_backend(reference);
  nb::gil_scoped_release release;
  return perf::to_json(perf::validate_backend(backend, reference, parsed));
}

// bench.json's text (`lfm bench` without --numpy): validation first unless
// skipped, nothing timed when it fails.
std::string bench_json(const std::string& backend, const std::string& reference, const std::string& workload,
                       int dims, const std::vector<std::size_t>& sizes, const std::string& precision, int warmup,
                       int repetitions, double min_rep_seconds, bool skip_validation) {
  perf::BenchRequest request;
  request.backend = backend;
  request.reference = reference;
  request.workload = workload;
  request.dims = dims;
  request.sizes = sizes;
  request.precision = parse_precision(precision);
  request.warmup = warmup;
  request.repetitions = repetitions;
  request.min_rep_seconds = min_rep_seconds;
  perf::check_bench(request);  // before the validation's seconds
  nb::gil_scoped_release release;
  std::optional<perf::ValidationReport> validation;
  if (!skip_validation) {
    validation = perf::validate_backend(backend, reference, {request.precision});
    if (!validation->passed()) {
      throw std::runtime_error("bench refused: " + backend + " fails validation against " + reference + " (" +
                               std::to_string(validation->failures()) + " of " +
                               std::to_string(validation->cases.size()) + " cases); fix it first (lfm.validate('" +
                               backend + "'))");
    }
  }
  const perf::BenchResult result = perf::run_bench(request, [](const std::string&) {});
  return perf::bench_json(request, validation ? &*validation : nullptr, result);
}

}  // namespace

void bind_references(nb::module_& m) {
  m.def("exact_solution", &exact_solution, nb::arg("E").noconvert(), nb::arg("E_prev").noconvert(),
        nb::arg("params_json"), nb::arg("steps"), nb::arg("allow_unstable"));
  m.def("workload", &workload, nb::arg("name"), nb::arg("dims"), nb::arg("n"));
  m.def("validation_json", &validation_json, nb::arg("backend"), nb::arg("reference"), nb::arg("precisions"));
  m.def("bench_json", &bench_json, nb::arg("backend"), nb::arg("reference"), nb::arg("workload"), nb::arg("dims"),
        nb::arg("sizes"), nb::arg("precision"), nb::arg("warmup"), nb::arg("repetitions"),
        nb::arg("min_rep_seconds"), nb::arg("skip_validation"));
}

}  // namespace lfm::python
