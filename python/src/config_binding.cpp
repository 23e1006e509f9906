#include "config_binding.hpp"

#include <nanobind/stl/optional.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include "lattice/lfm_config.hpp"

namespace nb = nanobind;
using namespace nb::literals;

namespace lfm::python {
namespace {

// The config as a dict: params_json holds lfm's names (params_to_json);
// `shape`, when given, is checked against the lattice the config asks for
// (InputError, hence ValueError, with the CLI's message).
nb::dict read_config(const std::string& text, const std::string& source, const std::optional<std::string>& variant,
                     const std::optional<std::vector<std::size_t>>& shape, const std::string& whose) {
  const RunConfig config = read_run_config(text, source, variant);
  if (shape) require_config_shape(config, *shape, whose);
  nb::dict d;
  d["params_json"] = params_to_json(config.params);
  d["lfm_format"] = config.lfm_format;
  d["precision_given"] = config.precision_given;
  d["steps"] = config.steps ? nb::cast(*config.steps) : nb::none();
  d["ignored"] = config.ignored;
  d["ignored_line"] = ignored_keys_line(config);
  d["notes"] = config.notes;
  d["variant"] = config.variant;
  d["variant_ids"] = config.variant_ids;
  return d;
}

}  // namespace

void bind_config(nb::module_& m) {
  m.def("read_config", &read_config, "text"_a, "source"_a, "variant"_a.none(), "shape"_a.none(), "whose"_a);
}

}  // namespace lfm::python
