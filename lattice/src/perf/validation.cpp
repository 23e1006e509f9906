#include "lattice/perf/validation.hpp"

#include <cmath>
#include <nlohmann/json.hpp>

#include "lattice/backend.hpp"
#include "lattice/diagnostics.hpp"
#include "lattice/workloads.hpp"

namespace lfm::perf {
namespace {

// Small grids: the matrix has 72 cases per precision and a wrong formula
// shows at any size; 12 cells per axis leave room for an absorbing band of
// width 3 and the order-4 stencil.
std::size_t extent_for(int dims) { return dims == 1 ? 96 : dims == 2 ? 32 : 12; }

// The energy is a sum of squares of the field, of its time difference (over
// Δt = 0.25) and of its central differences, so a field error of
// rtol·max|E| moves it by a small multiple of rtol; 100× covers that
// multiple, while a wrong formula moves it by orders of magnitude more.
constexpr double energy_tolerance_factor = 100;

Problem problem_for(const ValidationCase& c) {
  // gravity_well carries a smooth χ field; wave_packet a scalar χ.
  Problem p = make_workload(c.chi_field ? "gravity_well" : "wave_packet", c.dims,
                            extent_for(c.dims), Precision::float64);
  p.params.stencil_order = c.order;
  p.params.boundary = c.boundary;
  p.params.gamma_damp = c.gamma;
  p.params.absorb_width = 3;
  p.params.absorb_factor = 0.9;  // a sponge: exercises the multiply, not only the zeroing
  return p;
}

// Steps `state` in chunks, recording the energy after each.
std::vector<double> run_with_trace(Backend& b, AnyState& state, const Params& p, int steps) {
  constexpr int chunk = 10;
  std::vector<double> trace{energy(state, p)};
  for (int done = 0; done < steps; done += chunk) {
    advance(b, state, p, std::min(chunk, steps - done));
    trace.push_back(energy(state, p));
  }
  return trace;
}

double max_abs_diff(const AnyState& candidate, const State<double>& reference) {
  return std::visit(
      [&](const auto& st) {
        double m = 0;
        for (std::size_t i = 0; i < st.E.size(); ++i) {
          const double d = std::abs(static_cast<double>(st.E[i]) - reference.E[i]);
          if (!(d <= m)) m = d;  // NaN propagates
        }
        return m;
      },
      candidate);
}

CaseResult run_case(const ValidationCase& c, Backend& candidate, Backend& reference, int steps) {
  Problem problem = problem_for(c);
  State<double> initial = std::get<State<double>>(problem.state);
  AnyState cand_state = to_precision(initial, c.precision);
  // Both sides start from the same values: a float32 case compares the
  // float32 arithmetic, not the rounding of the initial pair.
  AnyState ref_state = std::visit([](const auto& s) { return AnyState(convert_state<double>(s)); },
                                  cand_state);
  Params cand_params = problem.params, ref_params = problem.params;
  cand_params.precision = c.precision;
  ref_params.precision = Precision::float64;

  const auto ref_trace = run_with_trace(reference, ref_state, ref_params, steps);
  const auto cand_trace = run_with_trace(candidate, cand_state, cand_params, steps);

  const State<double>& ref = std::get<State<double>>(ref_state);
  CaseResult r{c};
  r.max_abs_error = max_abs_diff(cand_state, ref);
  r.max_rel_error = r.max_abs_error / max_abs(ref.E);
  for (std::size_t i = 0; i < ref_trace.size(); ++i) {
    const double d = std::abs(cand_trace[i] - ref_trace[i]) / std::abs(ref_trace.front());
    if (!(d <= r.energy_rel_diff)) r.energy_rel_diff = d;
  }
  r.field_tolerance = field_tolerance(c.precision);
  r.energy_tolerance = energy_tolerance_factor * r.field_tolerance;
  r.passed = r.max_rel_error <= r.field_tolerance && r.energy_rel_diff <= r.energy_tolerance;
  return r;
}

}  // namespace

std::string ValidationCase::name() const {
  return std::to_string(dims) + "d_o" + std::to_string(order) + "_" +
         std::string(to_string(boundary)) + (chi_field ? "_chifield" : "_chiscalar") +
         (gamma > 0 ? "_damped_" : "_undamped_") + std::string(to_string(precision));
}

bool ValidationReport::passed() const { return !cases.empty() && failures() == 0; }

int ValidationReport::failures() const {
  int n = 0;
  for (const auto& c : cases) n += !c.passed;
  return n;
}

double field_tolerance(Precision p) { return p == Precision::float64 ? 1e-12 : 1e-4; }

std::vector<ValidationCase> validation_matrix(const std::vector<Precision>& precisions) {
  std::vector<ValidationCase> cases;
  for (Precision prec : precisions)
    for (int dims = 1; dims <= 3; ++dims)
      for (int order : {2, 4})
        for (Boundary b : {Boundary::periodic, Boundary::reflective, Boundary::absorbing})
          for (bool chi_field : {false, true})
            for (double gamma : {0.0, 0.01}) cases.push_back({dims, order, b, chi_field, gamma, prec});
  return cases;
}

ValidationReport validate_backend(const std::string& backend, const std::string& reference,
                                  const std::vector<Precision>& precisions, int steps) {
  auto candidate = make_backend(backend);
  auto ref = make_backend(reference);
  ValidationReport report{backend, reference, steps, {}};
  for (const auto& c : validation_matrix(precisions)) {
    report.cases.push_back(run_case(c, *candidate, *ref, steps));
  }
  return report;
}

std::string to_json(const ValidationReport& r) {
  nlohmann::ordered_json j;
  j["backend"] = r.backend;
  j["reference"] = r.reference;
  j["steps"] = r.steps;
  j["passed"] = r.passed();
  j["failures"] = r.failures();
  j["cases"] = nlohmann::json::array();
  for (const auto& c : r.cases) {
    nlohmann::ordered_json e;
    e["case"] = c.c.name();
    e["max_abs_error"] = c.max_abs_error;
    e["max_rel_error"] = c.max_rel_error;
    e["energy_rel_diff"] = c.energy_rel_diff;
    e["field_tolerance"] = c.field_tolerance;
    e["energy_tolerance"] = c.energy_tolerance;
    e["passed"] = c.passed;
    j["cases"].push_back(e);
  }
  return j.dump(2);
}

}  // namespace lfm::perf
