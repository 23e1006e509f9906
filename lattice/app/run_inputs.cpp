#include "run_inputs.hpp"

#include <cmath>
#include <nlohmann/json.hpp>

#include "lattice/error.hpp"
#include "lattice/npy.hpp"
#include "commands.hpp"

namespace fs = std::filesystem;

namespace lfm::app {
namespace {

// Applies KEY=VALUE overrides through the JSON reader, so they obey exactly
// the rules of a config file. VALUE is JSON when it parses as JSON (numbers),
// else a string (boundary=absorbing).
Params apply_overrides(const Params& p, const std::vector<std::string>& overrides) {
  if (overrides.empty()) return p;
  auto j = nlohmann::json::parse(params_to_json(p));
  for (const auto& kv : overrides) {
    const auto eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) {
      throw InputError("--set " + kv + ": expected KEY=VALUE, e.g. --set stencil_order=4");
    }
    const std::string key = kv.substr(0, eq), value = kv.substr(eq + 1);
    try {
      j[key] = nlohmann::json::parse(value);
    } catch (const nlohmann::json::out_of_range&) {
      throw InputError("--set " + kv + ": " + value + " is beyond float64's range; expected a finite number");
    } catch (const nlohmann::json::parse_error&) {
      j[key] = value;  // a bare word, such as boundary=absorbing
    }
  }
  return params_from_json(j.dump(), "--set");
}

// First non-finite value of an input array, named by its file and index.
template <class T>
void require_finite(const Field<T>& f, const fs::path& file) {
  for (std::size_t i = 0; i < f.size(); ++i) {
    if (!std::isfinite(f[i])) {
      const Grid::Index c = f.grid().coords(i);
      std::string where;
      for (int a = 0; a < f.grid().dims(); ++a) where += (a ? ", " : "") + std::to_string(c[a]);
      throw InputError(file.string() + ": value at index (" + where + ") is " +
                       (std::isnan(f[i]) ? "NaN" : "Inf") + "; every value must be finite");
    }
  }
}

template <class T>
Field<T> read_input(const fs::path& file) {
  Field<T> f = read_npy_as<T>(file);
  require_finite(f, file);
  return f;
}

void require_same_shape(const Grid& expected, const Grid& got, const fs::path& file,
                        const fs::path& reference) {
  if (!(expected == got)) {
    throw InputError(file.string() + ": shape " + got.shape_string() + " differs from " +
                     reference.string() + "'s " + expected.shape_string() +
                     "; E, E_prev and chi must have the same shape");
  }
}

template <class T>
State<T> read_user_state(const RunArgs& a) {
  State<T> s{read_input<T>(a.init), read_input<T>(a.init_prev),
             std::nullopt, 0};
  require_same_shape(s.E.grid(), s.E_prev.grid(), a.init_prev, a.init);
  if (!a.chi.empty()) {
    s.chi_field = read_input<T>(a.chi);
    require_same_shape(s.E.grid(), s.chi_field->grid(), a.chi, a.init);
  }
  return s;
}

}  // namespace

Problem user_problem(const RunArgs& a) {
  Params p = params_from_json(read_text_file(a.config), a.config.string());
  if (a.precision) p.precision = parse_precision(*a.precision);
  p = apply_overrides(p, a.overrides);
  if (p.precision == Precision::float32) return {"config", p, read_user_state<float>(a)};
  return {"config", p, read_user_state<double>(a)};
}

Problem workload_problem(const RunArgs& a) {
  const Precision precision = a.precision ? parse_precision(*a.precision) : Precision::float64;
  Problem problem = make_workload(a.workload, a.dim, a.n, precision);
  problem.params = apply_overrides(problem.params, a.overrides);
  if (problem.params.precision != precision) {
    throw InputError("--set precision is not accepted for a workload; use --precision");
  }
  return problem;
}

}  // namespace lfm::app
