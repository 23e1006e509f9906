// `lfm compare OLD.json NEW.json`: a regression check between two records of
// the same workload. A change counts only when it is both significant
// (Mann–Whitney U on the repetitions) and larger than the threshold: noise
// alone must not fail a build, and neither must a real but tiny change.
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "lattice/error.hpp"
#include "lattice/perf/stats.hpp"
#include "table.hpp"

namespace lfm::app {
namespace {

using json = nlohmann::json;

constexpr int exit_regression = 1;

// Timing series of a record, keyed by size: a `lfm baseline` perf.json holds
// one, a `lfm bench` bench.json one per size (the candidate's).
std::map<std::string, std::vector<double>> series(const json& j, const std::filesystem::path& file) {
  std::map<std::string, std::vector<double>> out;
  auto key = [](const json& dims, const json& n) { return n.dump() + "^" + dims.dump(); };
  if (j.contains("timing")) {
    out[key(j["dims"], j["n"])] = j["timing"]["samples"].get<std::vector<double>>();
  } else if (j.contains("sizes")) {
    for (const auto& s : j["sizes"]) out[key(s["dims"], s["n"])] = s["candidate"]["samples"].get<std::vector<double>>();
  } else {
    throw InputError(file.string() + ": not a performance record (expected perf.json from lfm baseline "
                                     "or bench.json from lfm bench)");
  }
  return out;
}

json load(const std::filesystem::path& file) {
  try {
    return json::parse(read_text_file(file));
  } catch (const json::exception& e) {
    throw InputError(file.string() + ": " + e.what());
  }
}

void require_same(const json& a, const json& b, const char* key, const CompareArgs& args) {
  const json va = a.value(key, json()), vb = b.value(key, json());
  if (va != vb) {
    throw InputError(std::string("records differ in ") + key + ": " + va.dump() + " in " +
                     args.old_record.string() + ", " + vb.dump() + " in " + args.new_record.string() +
                     "; compare records of the same workload");
  }
}

}  // namespace

int compare_command(const CompareArgs& a) {
  if (!(a.threshold >= 0)) throw InputError("--threshold must be >= 0");
  if (!(a.alpha > 0 && a.alpha < 1)) throw InputError("--alpha must be in (0, 1)");
  const json old_j = load(a.old_record), new_j = load(a.new_record);
  for (const char* key : {"workload", "precision", "backend"}) require_same(old_j, new_j, key, a);
  const auto old_s = series(old_j, a.old_record), new_s = series(new_j, a.new_record);

  Table t({"size", "old median ms", "new median ms", "change", "p (Mann-Whitney)", "verdict"});
  int regressions = 0, compared = 0;
  for (const auto& [size, old_samples] : old_s) {
    const auto it = new_s.find(size);
    if (it == new_s.end()) continue;
    ++compared;
    const auto o = stats::summarize(old_samples), n = stats::summarize(it->second);
    const auto test = stats::mann_whitney(old_samples, it->second);
    const double change = n.median / o.median - 1;
    const bool significant = test.p_value < a.alpha;
    std::string verdict = "no significant change";
    if (significant && change > a.threshold) {
      verdict = "REGRESSION";
      ++regressions;
    } else if (significant && change < -a.threshold) {
      verdict = "improvement";
    } else if (significant) {
      verdict = "significant but below threshold";
    }
    t.add({size, fmt(1e3 * o.median, 4), fmt(1e3 * n.median, 4), percent(change), fmt(test.p_value, 3), verdict});
  }
  if (compared == 0) throw InputError("the two records share no grid size");
  std::cout << "compare " << a.old_record.string() << " -> " << a.new_record.string() << " (threshold "
            << percent(a.threshold) << ", alpha " << a.alpha << ")\n";
  t.print(std::cout);
  std::cout << (regressions ? std::to_string(regressions) + " regression(s)\n" : "no regression\n");
  return regressions ? exit_regression : 0;
}

}  // namespace lfm::app
