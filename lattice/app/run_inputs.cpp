#include "run_inputs.hpp"

#include <cmath>
#include <iostream>
#include <nlohmann/json.hpp>

#include "lattice/error.hpp"
#include "lattice/lfm_config.hpp"
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

// An input array as the file stores it: its dtype decides nothing until the
// run's precision is known.
struct InputArray {
  fs::path file;
  AnyField field;
};

Precision stored_precision(const AnyField& f) {
  return std::holds_alternative<Field<float>>(f) ? Precision::float32 : Precision::float64;
}

// The array in the run's precision, checked after the conversion so that a
// float64 value beyond float32's range is caught as the Inf it becomes.
template <class T>
Field<T> in_precision(InputArray&& in) {
  Field<T> f = std::visit(
      [](auto&& stored) -> Field<T> {
        using Stored = typename std::decay_t<decltype(stored)>::value_type;
        if constexpr (std::is_same_v<Stored, T>) {
          return std::move(stored);
        } else {
          return convert_field<T>(stored);
        }
      },
      std::move(in.field));
  require_finite(f, in.file);
  return f;
}

void require_same_shape(const Grid& expected, const Grid& got, const fs::path& file,
                        const std::string& whose) {
  if (!(expected == got)) {
    throw InputError(file.string() + ": shape " + got.shape_string() + " differs from " + whose + " " +
                     expected.shape_string() + "; E, E_prev and chi must have the same shape");
  }
}

// Files of different dtypes give no precision to run in; converting them
// all to float64 would run a float32 user's arrays at the wrong precision
// without a word, so the user says which.
void require_one_dtype(const std::vector<InputArray>& arrays) {
  for (const InputArray& a : arrays) {
    const Precision first = stored_precision(arrays.front().field), here = stored_precision(a.field);
    if (here != first) {
      throw InputError(arrays.front().file.string() + " is " + std::string(to_string(first)) + " but " +
                       a.file.string() + " is " + std::string(to_string(here)) +
                       "; pass --precision float64 or --precision float32 to say which the run uses");
    }
  }
}

// Whether the user named the run's precision: --precision, the config's
// "precision" key or --set precision=...
bool precision_chosen(const RunArgs& a, const RunConfig& config) {
  if (a.precision) return true;
  for (const auto& kv : a.overrides) {
    if (kv.rfind("precision=", 0) == 0) return true;
  }
  return config.precision_given;
}

template <class T>
State<T> user_state(std::vector<InputArray>&& arrays) {
  State<T> s{in_precision<T>(std::move(arrays[0])), in_precision<T>(std::move(arrays[1])), std::nullopt, 0};
  const std::string init_shape = arrays[0].file.string() + "'s";
  require_same_shape(s.E.grid(), s.E_prev.grid(), arrays[1].file, init_shape);
  if (arrays.size() > 2) {
    s.chi_field = in_precision<T>(std::move(arrays[2]));
    require_same_shape(s.E.grid(), s.chi_field->grid(), arrays[2].file, init_shape);
  }
  return s;
}

}  // namespace

Problem user_problem(const RunArgs& a) {
  // Precedence: the config (an LFM file: parameters, then its variant), then
  // --precision, then --set in the order given.
  const RunConfig config = read_run_config(read_text_file(a.config), a.config.string(), a.variant);
  if (const std::string line = ignored_keys_line(config); !line.empty()) std::cerr << "lfm: " << line << "\n";
  for (const std::string& note : config.notes) std::cerr << "lfm: note: " << note << "\n";
  Params p = config.params;
  if (a.precision) p.precision = parse_precision(*a.precision);
  p = apply_overrides(p, a.overrides);
  std::vector<InputArray> arrays;
  arrays.push_back({a.init, read_npy(a.init)});
  arrays.push_back({a.init_prev, read_npy(a.init_prev)});
  if (!a.chi.empty()) arrays.push_back({a.chi, read_npy(a.chi)});
  const Grid init_grid = std::visit([](const auto& f) { return f.grid(); }, arrays[0].field);
  require_config_shape(config, init_grid.shape(), a.init.string());
  if (!precision_chosen(a, config)) require_one_dtype(arrays);
  if (p.precision == Precision::float32) return {"config", p, user_state<float>(std::move(arrays))};
  return {"config", p, user_state<double>(std::move(arrays))};
}

void take_config_steps(RunArgs& a, bool steps_given) {
  if (a.config.empty()) return;
  const RunConfig config = read_run_config(read_text_file(a.config), a.config.string(), a.variant);
  if (!steps_given && config.steps) a.steps = *config.steps;
}

Problem workload_problem(const RunArgs& a) {
  const Precision precision = a.precision ? parse_precision(*a.precision) : Precision::float64;
  Problem problem = make_workload(a.workload, a.dim, a.n, precision);
  problem.params = apply_overrides(problem.params, a.overrides);
  if (problem.params.precision != precision) {
    throw InputError("--set precision is not accepted for a workload; use --precision");
  }
  if (!a.chi.empty()) {
    // The user's χ replaces the workload's (its field or its scalar), in the
    // workload's precision, as --chi does for a config run.
    std::visit(
        [&](auto& s) {
          using T = typename std::decay_t<decltype(s.E)>::value_type;
          Field<T> chi = in_precision<T>({a.chi, read_npy(a.chi)});
          require_same_shape(s.grid(), chi.grid(), a.chi, "the " + a.workload + " workload's");
          s.chi_field = std::move(chi);
        },
        problem.state);
  }
  return problem;
}

}  // namespace lfm::app
