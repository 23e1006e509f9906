// LFM's run configs read into lfm's Params (see lattice/lfm_config.hpp and
// README.md, "Coming from LFM"). The file is flattened level by level -- top
// level, `parameters`, the chosen variant -- with each key put under lfm's
// name; the result goes through params_from_json, so an LFM file obeys the
// same type and range rules as lfm's own config.
#include "lattice/lfm_config.hpp"

#include <algorithm>
#include <climits>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "lattice/error.hpp"
#include "lattice/grid.hpp"
#include "lattice/suggest.hpp"

namespace lfm {
namespace {

using json = nlohmann::json;

// LFM key -> lfm key, for the keys that mean the same number. `c` is mapped
// apart (alpha = c², beta = 1), as are the lattice keys that are not Params.
const std::map<std::string, std::string>& mapped_keys() {
  static const std::map<std::string, std::string> keys = {
      {"dt", "dt"},
      {"time_step", "dt"},
      {"dx", "dx"},
      {"space_step", "dx"},
      {"alpha", "alpha"},
      {"beta", "beta"},
      {"c", "c"},
      {"chi", "chi"},
      {"chi_const", "chi"},
      {"gamma_damp", "gamma_damp"},
      {"damping", "gamma_damp"},
      {"boundary", "boundary"},
      {"absorb_width", "absorb_width"},
      {"absorb_factor", "absorb_factor"},
      {"stencil_order", "stencil_order"},
      {"order", "stencil_order"},
      {"precision", "precision"},
      {"grid_points", "grid_points"},
      {"N", "grid_points"},
      {"dimensions", "dims"},
      {"ndim", "dims"},
      {"steps", "steps"},
  };
  return keys;
}

// Keys that cannot change the fields: where LFM writes, what it measures and
// how it judges it, descriptions, and how it splits the work (tiles, its
// backend choice, which computes the same update).
const std::set<std::string>& ignored_keys() {
  static const std::set<std::string> keys = {
      "diagnostics", "tolerances", "base_paths", "tier", "category", "output_dir", "notes",
      "notes_on_tolerance", "description", "test_id", "comment", "skip", "tiles", "backend",
      "save_every", "snapshot_stride", "snapshot_count"};
  return keys;
}

// Blocks holding run settings, of which only `precision` changes numbers.
const std::set<std::string>& settings_blocks() {
  static const std::set<std::string> blocks = {"run_settings", "hardware"};
  return blocks;
}

const std::set<std::string>& lfm_only_keys() {
  static const std::set<std::string> keys = {"run_settings", "grid_points", "steps", "dimensions",
                                             "tiles",        "variants",    "tests"};
  return keys;
}

std::vector<std::string> mapped_names() {
  std::vector<std::string> names;
  for (const auto& [key, to] : mapped_keys()) names.push_back(key);
  return names;
}

class Flattener {
 public:
  explicit Flattener(std::string_view source) : source_(source) {}

  [[noreturn]] void fail(const std::string& message) const { throw InputError(source_ + ": " + message); }

  // Puts one level's keys under lfm's names. `where` names the level in
  // messages ("parameters", "variant REL-01"). A key given twice on one level
  // under two LFM names (dt and time_step) is refused: only its author knows
  // which was meant.
  void level(const json& object, const std::string& where, bool top) {
    std::map<std::string, std::string> from;  // lfm key -> the LFM key that set it on this level
    for (const auto& [key, value] : object.items()) {
      const std::string path = top ? key : where + "." + key;
      if (top && (key == "parameters" || key == "variants" || key == "tests")) continue;
      if (top && settings_blocks().count(key) > 0) {
        settings(value, key);
        continue;
      }
      if (key == "test_id" && !top) continue;  // the id --variant chose
      if (ignored_keys().count(key) > 0 || key == "steps_quick") {
        if (key == "steps_quick") merged_[key] = value;  // refused below when quick_mode is on
        ignore(path);
        continue;
      }
      const auto m = mapped_keys().find(key);
      if (m == mapped_keys().end()) refuse(key, path);
      const std::string& to = m->second;
      if (const auto seen = from.find(to); seen != from.end()) {
        fail(where + " gives both '" + seen->second + "' and '" + key + "', which mean the same; keep one");
      }
      from[to] = key;
      if (top_level_.count(to) > 0 && where == "parameters") {
        fail("'" + key + "' is given both at the top level and in parameters; keep one");
      }
      const bool is_variant = where.rfind("variant", 0) == 0;
      if (to == "precision" && !is_variant && merged_.count(to) > 0 && merged_[to] != value) {
        fail(origin_[to] + " = " + merged_[to].dump() + " but " + path + " = " + value.dump() +
             "; expected one precision");
      }
      if (top) top_level_.insert(to);
      merged_[to] = value;
      origin_[to] = path;
    }
  }

  void ignore(const std::string& path) {
    if (std::find(ignored_.begin(), ignored_.end(), path) == ignored_.end()) ignored_.push_back(path);
  }

  const std::map<std::string, json>& merged() const { return merged_; }
  const std::string& origin(const std::string& lfm_key) const { return origin_.at(lfm_key); }
  std::vector<std::string> ignored() const { return ignored_; }
  bool quick_mode() const { return quick_mode_; }

 private:
  // run_settings / hardware: precision is honoured, quick_mode is honoured by
  // refusing steps_quick below; the rest is how LFM reports, not what it
  // computes.
  void settings(const json& block, const std::string& name) {
    if (!block.is_object()) fail(name + " = " + block.dump() + "; expected an object");
    for (const auto& [key, value] : block.items()) {
      if (key == "precision") {
        if (merged_.count("precision") > 0 && merged_["precision"] != value) {
          fail(origin_["precision"] + " = " + merged_["precision"].dump() + " but " + name +
               ".precision = " + value.dump() + "; expected one precision");
        }
        merged_["precision"] = value;
        origin_["precision"] = name + ".precision";
      } else {
        if (key == "quick_mode" && value == true) quick_mode_ = true;
        ignore(name + "." + key);
      }
    }
  }

  [[noreturn]] void refuse(const std::string& key, const std::string& path) const {
    const std::string near = nearest(key, mapped_names());
    if (!near.empty() && edit_distance(key, near) <= 2) {
      fail("unknown key '" + path + "' (did you mean '" + near + "'?)");
    }
    fail("'" + path + "' is not a key lfm can honour: LFM's test harness reads it to build the initial "
         "field, a chi profile or a measurement, and lfm builds none of these, so ignoring it could change "
         "the numbers. Build the fields yourself, pass them with --init/--init-prev (and --chi), and "
         "remove '" + key + "' from the config");
  }

  std::string source_;
  std::map<std::string, json> merged_;
  std::map<std::string, std::string> origin_;
  std::set<std::string> top_level_;
  std::vector<std::string> ignored_;
  bool quick_mode_ = false;
};

// A positive integer no larger than `max`; `path` names it in messages.
long long positive_integer(const Flattener& f, const json& v, const std::string& path, long long max) {
  const bool in_range = v.is_number_unsigned()
                            ? v.get<unsigned long long>() >= 1 && v.get<unsigned long long>() <= static_cast<unsigned long long>(max)
                            : v.is_number_integer() && v.get<long long>() >= 1 && v.get<long long>() <= max;
  if (!in_range) {
    f.fail(path + " = " + v.dump() + "; expected an integer from 1 to " + std::to_string(max));
  }
  return v.get<long long>();
}

const json* find_variant(const json& root, const std::string& id, std::vector<std::string>& ids,
                         std::string& list_name) {
  const json* found = nullptr;
  for (const char* name : {"variants", "tests"}) {
    if (!root.contains(name)) continue;
    list_name = name;
    const json& list = root[name];
    if (!list.is_array()) continue;
    for (const json& v : list) {
      if (!v.is_object() || !v.contains("test_id") || !v["test_id"].is_string()) continue;
      ids.push_back(v["test_id"].get<std::string>());
      if (ids.back() == id && found == nullptr) found = &v;
    }
  }
  return found;
}

std::string joined(const std::vector<std::string>& words) {
  std::string s;
  for (const auto& w : words) s += (s.empty() ? "" : ", ") + w;
  return s;
}

RunConfig read_lfm(const json& root, std::string_view source, const std::optional<std::string>& variant) {
  Flattener f(source);
  RunConfig config;
  config.lfm_format = true;

  std::string list_name;
  const json* chosen = find_variant(root, variant.value_or(""), config.variant_ids, list_name);
  for (const char* name : {"variants", "tests"}) {
    if (root.contains(name) && !root[name].is_array()) f.fail(std::string(name) + " = " + root[name].dump().substr(0, 40) + "; expected a list of objects with a test_id");
  }

  f.level(root, "", true);
  if (root.contains("parameters")) {
    if (!root["parameters"].is_object()) f.fail("parameters = " + root["parameters"].dump() + "; expected an object");
    f.level(root["parameters"], "parameters", false);
  }
  if (variant) {
    if (config.variant_ids.empty()) f.fail("--variant " + *variant + ": the file has no variants or tests");
    if (chosen == nullptr) {
      f.fail("--variant " + *variant + ": no variant with that test_id; the file has " + joined(config.variant_ids));
    }
    f.level(*chosen, "variant " + *variant, false);
    config.variant = *variant;
  } else if (!config.variant_ids.empty()) {
    f.ignore(list_name + " (no --variant given)");
  }

  // LFM's lattice_step defaults, where they differ from lfm's: absorb_width 1.
  json lfm_json = json::object();
  lfm_json["absorb_width"] = 1;
  std::map<std::string, json> m = f.merged();
  if (m.count("steps_quick") > 0) m.erase("steps_quick");
  for (const auto& [key, value] : m) {
    if (key == "c" || key == "grid_points" || key == "dims" || key == "steps") continue;
    lfm_json[key] = value;
  }
  if (m.count("c") > 0) {
    if (m.count("alpha") > 0 || m.count("beta") > 0) {
      f.fail("'" + f.origin("c") + "' and alpha/beta both set the wave speed; keep one");
    }
    const double c = m["c"].is_number() ? m["c"].get<double>() : 0.0;
    if (!(c > 0) || !std::isfinite(c * c)) f.fail(f.origin("c") + " = " + m["c"].dump() + "; expected a number > 0");
    lfm_json["alpha"] = c * c;  // c² = alpha / beta exactly, with beta 1
    lfm_json["beta"] = 1.0;
  }
  // LFM widens an absorbing width below 1 to 1 (max(1, w)); lfm keeps its
  // rule (>= 1) and takes LFM's meaning, saying so.
  if (lfm_json["absorb_width"].is_number_integer() && lfm_json["absorb_width"].get<long long>() < 1) {
    config.notes.push_back(f.origin("absorb_width") + " = " + lfm_json["absorb_width"].dump() +
                           " is taken as 1, as LFM does");
    lfm_json["absorb_width"] = 1;
  }
  config.params = params_from_json(lfm_json.dump(), source);
  config.precision_given = m.count("precision") > 0;

  if (m.count("dims") > 0) config.dims = static_cast<int>(positive_integer(f, m["dims"], f.origin("dims"), 3));
  if (m.count("grid_points") > 0) {
    const json& g = m["grid_points"];
    const std::string& at = f.origin("grid_points");
    if (g.is_array()) {
      if (g.empty() || g.size() > 3) f.fail(at + " = " + g.dump() + "; expected 1 to 3 axis lengths");
      for (const json& n : g) config.grid_points.push_back(static_cast<std::size_t>(positive_integer(f, n, at, LLONG_MAX)));
      if (config.dims != 0 && config.dims != static_cast<int>(g.size())) {
        f.fail(at + " = " + g.dump() + " has " + std::to_string(g.size()) + " axes but the config's dimensions is " +
               std::to_string(config.dims));
      }
      config.dims = static_cast<int>(g.size());
    } else {
      config.grid_points.push_back(static_cast<std::size_t>(positive_integer(f, g, at, LLONG_MAX)));
      config.each_axis = true;
    }
  }
  if (m.count("steps") > 0) {
    const json& s = m["steps"];
    if (!s.is_number_integer() || (s.is_number_integer() && !s.is_number_unsigned() && s.get<long long>() < 0)) {
      f.fail(f.origin("steps") + " = " + s.dump() + "; expected an integer >= 0");
    }
    config.steps = s.get<std::int64_t>();
  }
  // quick_mode makes LFM take steps_quick steps instead of steps; lfm takes
  // `steps` (or --steps), so a file that asks for quick mode is refused
  // rather than run for a different number of steps.
  if (f.merged().count("steps_quick") > 0 && f.quick_mode()) {
    f.fail("run_settings.quick_mode is true, so LFM would take steps_quick steps; lfm takes 'steps': set "
           "quick_mode to false (and pass --steps N for the quick length)");
  }
  if (config.params.stencil_order == 4 && (config.dims == 2 || config.dims == 0)) {
    config.notes.push_back(std::string(config.dims == 2 ? "" : "on a 2D lattice, ") +
                           "stencil_order 4 is the sum of per-axis order-4 terms (SPEC §2); LFM's 2D order-4 "
                           "stencil converges to (4/3)∇², so the fields differ from LFM's");
  }
  config.ignored = f.ignored();
  return config;
}

}  // namespace

bool is_lfm_config(std::string_view text) {
  const json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return false;
  if (j.contains("parameters") && j["parameters"].is_object()) return true;
  return std::any_of(j.items().begin(), j.items().end(),
                     [](const auto& kv) { return lfm_only_keys().count(kv.key()) > 0; });
}

RunConfig read_run_config(std::string_view text, std::string_view source,
                          const std::optional<std::string>& variant) {
  if (!is_lfm_config(text)) {
    if (variant) {
      throw InputError(std::string(source) + ": --variant " + *variant +
                       " applies to an LFM config with variants or tests; this is lfm's own config");
    }
    RunConfig config;
    config.params = params_from_json(text, source);
    config.precision_given = json::parse(text).contains("precision");
    return config;
  }
  return read_lfm(json::parse(text), source, variant);
}

std::string ignored_keys_line(const RunConfig& config) {
  if (config.ignored.empty()) return "";
  return "ignored LFM keys (they do not change the fields): " + joined(config.ignored);
}

void require_config_shape(const RunConfig& config, const std::vector<std::size_t>& shape, std::string_view whose) {
  const std::string shape_text = Grid(shape).shape_string();
  const auto refuse = [&](const std::string& wanted) {
    throw InputError(std::string(whose) + ": shape " + shape_text + " is not the lattice the config asks for (" +
                     wanted + "); make the arrays that shape or change the config");
  };
  if (config.dims != 0 && static_cast<int>(shape.size()) != config.dims) {
    refuse("dimensions " + std::to_string(config.dims));
  }
  if (config.grid_points.empty()) return;
  if (config.each_axis) {
    for (std::size_t n : shape) {
      if (n != config.grid_points.front()) refuse("grid_points " + std::to_string(config.grid_points.front()) + " on every axis");
    }
  } else if (shape != config.grid_points) {
    refuse("grid_points " + Grid(config.grid_points).shape_string());
  }
}

}  // namespace lfm
