#include "lattice/perf/promotion.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <tuple>

#include "lattice/backend.hpp"
#include "lattice/checkpoint.hpp"
#include "lattice/error.hpp"
#include "lattice/perf/validation.hpp"

namespace fs = std::filesystem;
using Json = nlohmann::json;

namespace lfm::perf {
namespace {

std::string read_bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw InputError(p.string() + ": cannot be read");
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string number_text(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g", v);
  return buf;
}

std::string size_text(std::size_t n, int dims) { return std::to_string(n) + "^" + std::to_string(dims); }

// ---- perf_tests/: the gates ------------------------------------------------

// CMake source with every comment removed (no gate call quotes a '#').
std::string without_comments(const std::string& text) {
  std::string out;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) out += line.substr(0, line.find('#')) + "\n";
  return out;
}

bool identifier_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// The whitespace-separated arguments of every call `command(...)` in `text`.
std::vector<std::vector<std::string>> calls(const std::string& text, const std::string& command,
                                            const fs::path& file) {
  std::vector<std::vector<std::string>> out;
  const std::string open = command + "(";
  for (std::size_t at = text.find(open); at != std::string::npos; at = text.find(open, at + 1)) {
    if (at > 0 && identifier_char(text[at - 1])) continue;
    const std::size_t body = at + open.size(), end = text.find(')', body);
    const std::string args = text.substr(body, end == std::string::npos ? std::string::npos : end - body);
    if (end == std::string::npos || args.find('(') != std::string::npos)
      throw InputError(file.string() + ": a " + command + "(...) call this reader cannot follow");
    std::istringstream words(args);
    out.emplace_back();
    for (std::string w; words >> w;) out.back().push_back(w);
  }
  return out;
}

double number_arg(const std::string& text, const std::string& what, const fs::path& file) {
  std::size_t used = 0;
  double v = 0;
  try {
    v = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() || text.empty())
    throw InputError(file.string() + ": " + what + " = '" + text + "'; expected a number");
  return v;
}

SpeedupGate speedup_gate_call(const std::vector<std::string>& args, const fs::path& file) {
  SpeedupGate g;
  std::string name, against_precision;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& key = args[i];
    if (key == "EXPECT_FAIL") {
      g.expect_fail = true;
      continue;
    }
    if (i + 1 == args.size() || args[i + 1].find("${") != std::string::npos)
      throw InputError(file.string() + ": lfm_add_speedup_gate " + key + " has no literal value");
    const std::string& v = args[++i];
    if (key == "NAME") name = v;
    else if (key == "BACKEND") g.backend = v;
    else if (key == "AGAINST") g.against = v;
    else if (key == "MIN") g.min = number_arg(v, "MIN", file);
    else if (key == "WORKLOAD") g.workload = v;
    else if (key == "N") g.n = static_cast<std::size_t>(number_arg(v, "N", file));
    else if (key == "DIM") g.dims = static_cast<int>(number_arg(v, "DIM", file));
    else if (key == "PRECISION") g.precision = v;
    else if (key == "AGAINST_PRECISION") against_precision = v;
    else if (key != "LABEL")
      throw InputError(file.string() + ": lfm_add_speedup_gate keyword '" + key + "' unknown to this reader");
  }
  if (name.empty() || g.backend.empty() || g.against.empty())
    throw InputError(file.string() + ": an lfm_add_speedup_gate call without NAME, BACKEND or AGAINST");
  g.name = "gate_" + name;
  g.against_precision = against_precision.empty() ? g.precision : against_precision;
  return g;
}

// add_test(NAME n COMMAND gpu_gate speedup --opt v ...), with gpu_gate's defaults.
bool gpu_gate_test(const std::vector<std::string>& args, const fs::path& file, SpeedupGate& g) {
  const auto command = std::find(args.begin(), args.end(), "COMMAND");
  if (command == args.end() || args.end() - command < 3 || command[1] != "gpu_gate" || command[2] != "speedup")
    return false;
  g = SpeedupGate{};
  g.backend = "cuda", g.against = "cuda_baseline", g.n = 256, g.through_advance = false;
  if (args.size() >= 2 && args[0] == "NAME") g.name = args[1];
  for (auto it = command + 3; it != args.end(); ++it) {
    if (it + 1 == args.end()) throw InputError(file.string() + ": gpu_gate option " + *it + " has no value");
    const std::string key = *it, v = *++it;
    if (key == "--backend") g.backend = v;
    else if (key == "--against") g.against = v;
    else if (key == "--min") g.min = number_arg(v, "--min", file);
    else if (key == "--n") g.n = static_cast<std::size_t>(number_arg(v, "--n", file));
    else if (key == "--dim") g.dims = static_cast<int>(number_arg(v, "--dim", file));
    else if (key == "--precision") g.precision = v;
    else if (key == "--workload") g.workload = v;
    else if (key != "--reps" && key != "--steps")
      throw InputError(file.string() + ": gpu_gate option '" + key + "' unknown to this reader");
  }
  g.against_precision = g.precision;
  return true;
}

// ---- the checks ----------------------------------------------------------------

// The record's JSON, or null with a gap added when it is missing or unreadable.
Json load_record(const fs::path& root, const std::string& backend, const std::string& file,
                 const std::string& make, PromotionStatus& st, std::string* bytes) {
  const fs::path rel = fs::path("results") / backend / file;
  if (!fs::is_regular_file(root / rel)) {
    st.gaps.push_back({file, "no " + rel.string() + ": run `" + make + "`"});
    return nullptr;
  }
  Json j;
  try {
    *bytes = read_bytes(root / rel);
    j = Json::parse(*bytes);
  } catch (const std::exception& e) {
    st.gaps.push_back({file, rel.string() + " cannot be read (" + e.what() + "); rerun `" + make + "`"});
    return nullptr;
  }
  if (!j.is_object() || j.value("backend", "") != backend) {
    st.gaps.push_back({file, rel.string() + " is not a record of `" + backend + "`; rerun `" + make + "`"});
    return nullptr;
  }
  return j;
}

// The (case, steps) list this version's matrix runs: every precision, since
// every backend advances both (Backend::advance for State<double> and
// State<float>), at SPEC §6's 100 steps.
std::vector<std::pair<std::string, int>> current_matrix() {
  std::vector<std::pair<std::string, int>> out;
  for (const auto& c : validation_matrix({Precision::float64, Precision::float32})) out.emplace_back(c.name(), c.steps);
  return out;
}

void check_validation(const Json& v, const std::string& backend, PromotionStatus& st) {
  const std::string rel = "results/" + backend + "/validation.json", make = "lfm validate " + backend;
  try {
    if (v.at("reference").get<std::string>() != "baseline") {
      st.gaps.push_back({"validation", rel + " compares against `" + v["reference"].get<std::string>() +
                                           "`, not the reference `baseline`; run `" + make + "`"});
      return;
    }
    const Json& cases = v.at("cases");
    std::size_t failed = 0;
    std::string first_failed;
    std::vector<std::pair<std::string, int>> recorded;
    for (const auto& c : cases) {
      const std::string name = c.at("case").get<std::string>();
      if (!c.at("passed").get<bool>() && failed++ == 0) first_failed = name;
      recorded.emplace_back(name, c.value("steps", -1));
    }
    if (failed > 0 || !v.at("passed").get<bool>() || cases.empty()) {
      st.gaps.push_back({"validation", rel + ": " + std::to_string(failed) + " of " +
                                           std::to_string(cases.size()) + " cases failed" +
                                           (first_failed.empty() ? "" : " (first: " + first_failed + ")") +
                                           "; fix `" + backend + "` and rerun `" + make + "`"});
    }
    const auto expected = current_matrix();
    if (recorded != expected) {
      std::size_t i = 0;
      while (i < recorded.size() && i < expected.size() && recorded[i] == expected[i]) ++i;
      const auto show = [](const std::vector<std::pair<std::string, int>>& l, std::size_t k) {
        return k < l.size() ? l[k].first + " (" + (l[k].second < 0 ? std::string("steps not recorded")
                                                                   : std::to_string(l[k].second) + " steps") + ")"
                            : std::string("nothing");
      };
      st.gaps.push_back({"matrix", rel + " is not from this version's validation matrix: it holds " +
                                       std::to_string(recorded.size()) + " cases, the matrix " +
                                       std::to_string(expected.size()) + "; case " + std::to_string(i + 1) +
                                       " is " + show(recorded, i) + " where the matrix has " + show(expected, i) +
                                       "; rerun `" + make + "`"});
    }
    if (failed == 0 && recorded == expected) {
      st.evidence.push_back("validation: " + std::to_string(cases.size()) + "/" + std::to_string(cases.size()) +
                            " cases passed against baseline, this version's matrix (float64 and float32)");
    }
  } catch (const Json::exception& e) {
    st.gaps.push_back({"validation", rel + " is malformed (" + e.what() + "); rerun `" + make + "`"});
  }
}

void check_bench(const Json& b, const std::string& backend, PromotionStatus& st) {
  const std::string rel = "results/" + backend + "/bench.json";
  try {
    const Json& val = b.at("validation");
    if (val.value("skipped", false) || !val.value("passed", false)) {
      st.gaps.push_back({"bench.json", rel + " was timed without a passing validation (--skip-validation or a "
                                       "failure); rerun `lfm bench " + backend + "` without --skip-validation"});
      return;
    }
    std::string sizes;
    for (const auto& s : b.at("sizes")) {
      sizes += (sizes.empty() ? "" : ", ") + size_text(s.at("n").get<std::size_t>(), s.at("dims").get<int>());
      s.at("speedup").at("ci95").at(0).get<double>();
    }
    if (sizes.empty()) throw InputError("no sizes");
    st.evidence.push_back("bench.json: " + b.at("precision").get<std::string>() + " against " +
                          b.at("reference").get<std::string>() + ", " + b.at("workload").get<std::string>() +
                          " at " + sizes + ", after validation");
  } catch (const std::exception& e) {
    st.gaps.push_back({"bench.json", rel + " is malformed (" + e.what() + "); rerun `lfm bench " + backend + "`"});
  }
}

void check_report(const fs::path& root, const std::string& backend, const std::string* validation_bytes,
                  const std::string* bench_bytes, PromotionStatus& st) {
  const std::string rel = "docs/optimizations/" + backend + ".md", make = "lfm report " + backend;
  if (!fs::is_regular_file(root / rel)) {
    st.gaps.push_back({"report", "no " + rel + ": run `" + make + "`"});
    return;
  }
  std::string v_hash, b_hash;
  if (!parse_report_records(read_bytes(root / rel), v_hash, b_hash)) {
    st.gaps.push_back({"report", rel + " was not written by `" + make +
                                     "` from records: it names no record hashes; run `" + make + "`"});
    return;
  }
  bool current = true;
  for (const auto& [bytes, hash, file] : {std::tuple{validation_bytes, v_hash, "validation.json"},
                                          std::tuple{bench_bytes, b_hash, "bench.json"}}) {
    if (!bytes) {
      current = false;  // the record is missing: its own gap says so
      continue;
    }
    if (const std::string now = record_hash(*bytes); now != hash) {
      current = false;
      st.gaps.push_back({"report", rel + " is stale: it was made from a " + file + " hashing " + hash +
                                       ", and results/" + backend + "/" + file + " now hashes " + now +
                                       "; rerun `" + make + "`"});
    }
  }
  if (current) st.evidence.push_back("report: " + rel + " made by `" + make + "` from these two records");
}

// The bench.json size that measured what `g` gates, or null.
const Json* measured_by(const Json& bench, const SpeedupGate& g) {
  if (!g.through_advance || g.precision != g.against_precision || bench.value("reference", "") != g.against ||
      bench.value("precision", "") != g.precision || bench.value("workload", "") != g.workload)
    return nullptr;
  for (const auto& s : bench["sizes"]) {
    if (s.value("n", std::size_t{0}) == g.n && s.value("dims", 0) == g.dims) return &s;
  }
  return nullptr;
}

void check_gates(const fs::path& root, const std::string& backend, const Json& bench, PromotionStatus& st) {
  std::vector<SpeedupGate> gates;
  try {
    for (auto& g : declared_speedup_gates(root))
      if (g.backend == backend && !g.expect_fail) gates.push_back(std::move(g));
  } catch (const InputError& e) {
    st.gaps.push_back({"gate", e.what()});
    return;
  }
  if (gates.empty()) {
    st.gaps.push_back({"gate", "no speedup gate of `" + backend + "` in perf_tests/: add lfm_add_speedup_gate(NAME " +
                                   backend + "_vs_baseline BACKEND " + backend +
                                   " AGAINST baseline MIN x N n) with x at or below a measured interval's low end"});
    return;
  }
  if (bench.is_null()) return;  // nothing to compare with; bench.json's own gap says why
  bool compared = false;
  std::string unmatched;
  for (const auto& g : gates) {
    const Json* s = measured_by(bench, g);
    const std::string what = g.name + " (" + g.precision + " against " + g.against + "/" + g.against_precision +
                             " at " + size_text(g.n, g.dims) + ", MIN " + number_text(g.min) + ")";
    if (!s) {
      unmatched += (unmatched.empty() ? "" : ", ") + what;
      continue;
    }
    compared = true;
    const double low = (*s)["speedup"]["ci95"][0].get<double>();
    const std::string interval = "the low end of the 95% interval [" + number_text(low) + ", " +
                                 number_text((*s)["speedup"]["ci95"][1].get<double>()) + "] bench.json measured";
    if (g.min > low) {
      st.gaps.push_back({"gate", g.name + ": MIN " + number_text(g.min) + " is above " + interval +
                                     "; a gate must sit at or below it (lower MIN, or find out why `" + backend +
                                     "` measured slower)"});
    } else {
      st.evidence.push_back("gate: " + g.name + " MIN " + number_text(g.min) + " <= " + number_text(low) + ", " +
                            interval + " at " + size_text(g.n, g.dims));
    }
  }
  if (!compared) {
    st.gaps.push_back({"gate", "no gate of `" + backend + "` measures what bench.json measured (" +
                                   bench.value("precision", "?") + " against " + bench.value("reference", "?") +
                                   "): " + unmatched + "; add a gate at a measured size or bench at the gate's"});
  } else if (!unmatched.empty()) {
    st.evidence.push_back("not compared with bench.json, which measured something else: " + unmatched);
  }
}

}  // namespace

std::vector<SpeedupGate> declared_speedup_gates(const fs::path& root) {
  const fs::path dir = root / "perf_tests";
  if (!fs::is_regular_file(dir / "CMakeLists.txt"))
    throw InputError("no " + (dir / "CMakeLists.txt").string() + ", so no speedup gates to read");
  std::vector<fs::path> files{dir / "CMakeLists.txt"};
  std::vector<fs::path> modules;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".cmake") modules.push_back(e.path());
  std::sort(modules.begin(), modules.end());
  files.insert(files.end(), modules.begin(), modules.end());

  std::vector<SpeedupGate> gates;
  for (const auto& file : files) {
    const std::string text = without_comments(read_bytes(file));
    for (const auto& args : calls(text, "lfm_add_speedup_gate", file)) gates.push_back(speedup_gate_call(args, file));
    for (const auto& args : calls(text, "add_test", file)) {
      SpeedupGate g;
      if (gpu_gate_test(args, file, g)) gates.push_back(g);
    }
  }
  return gates;
}

std::string PromotionStatus::missing_pieces() const {
  std::vector<std::string> pieces;
  for (const auto& g : gaps)
    if (std::find(pieces.begin(), pieces.end(), g.piece) == pieces.end()) pieces.push_back(g.piece);
  std::string s;
  for (const auto& p : pieces) s += (s.empty() ? "" : ", ") + p;
  return s;
}

PromotionStatus promotion_status(const fs::path& root, const std::string& backend) {
  PromotionStatus st{backend, {}, {}};
  std::string validation_bytes, bench_bytes;
  const Json v = load_record(root, backend, "validation.json", "lfm validate " + backend, st, &validation_bytes);
  if (!v.is_null()) check_validation(v, backend, st);
  const Json b = load_record(root, backend, "bench.json", "lfm bench " + backend, st, &bench_bytes);
  if (!b.is_null()) check_bench(b, backend, st);
  check_report(root, backend, v.is_null() ? nullptr : &validation_bytes, b.is_null() ? nullptr : &bench_bytes, st);
  check_gates(root, backend, b, st);
  return st;
}

std::vector<PromotionStatus> promotion_statuses(const fs::path& root) {
  std::vector<PromotionStatus> out;
  for (const auto& info : registered_backends())
    if (info.name != "baseline") out.push_back(promotion_status(root, info.name));
  return out;
}

std::string record_hash(std::string_view bytes) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(fnv1a64(bytes)));
  return buf;
}

namespace {
constexpr std::string_view records_prefix = "Records (64-bit FNV-1a of each file's bytes): ";
constexpr std::string_view validation_key = "validation.json `";
constexpr std::string_view bench_key = "bench.json `";

// The 16 hex digits after `key` in `line`, or "".
std::string hash_after(std::string_view line, std::string_view key) {
  const std::size_t at = line.find(key);
  if (at == std::string_view::npos) return "";
  const std::string_view rest = line.substr(at + key.size());
  const std::size_t end = rest.find('`');
  if (end != 16 || rest.substr(0, 16).find_first_not_of("0123456789abcdef") != std::string_view::npos) return "";
  return std::string(rest.substr(0, 16));
}
}  // namespace

std::string report_records_line(const std::string& validation_hash, const std::string& bench_hash) {
  return std::string(records_prefix) + std::string(validation_key) + validation_hash + "`, " +
         std::string(bench_key) + bench_hash + "`.";
}

bool parse_report_records(std::string_view markdown, std::string& validation_hash, std::string& bench_hash) {
  for (std::size_t at = markdown.find(records_prefix); at != std::string_view::npos;
       at = markdown.find(records_prefix, at + 1)) {
    if (at > 0 && markdown[at - 1] != '\n') continue;  // only at the start of a line
    std::string_view line = markdown.substr(at);
    line = line.substr(0, line.find('\n'));
    validation_hash = hash_after(line, validation_key);
    bench_hash = hash_after(line, bench_key);
    if (!validation_hash.empty() && !bench_hash.empty()) return true;
  }
  return false;
}

}  // namespace lfm::perf
