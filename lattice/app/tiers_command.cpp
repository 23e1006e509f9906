// `lfm tiers`: the physics validation tiers on one backend — a table of
// measured against expected quantities, tiers.json, and a plot of the
// measured dispersion curve over the theoretical one.
#include <iostream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "commands.hpp"
#include "lattice/backend.hpp"
#include "lattice/build_info.hpp"
#include "lattice/error.hpp"
#include "lattice/tiers.hpp"
#include "perf_json.hpp"
#include "table.hpp"

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

namespace lfm::app {
namespace {

std::vector<const tiers::Check*> chosen_checks(const TiersArgs& a) {
  std::set<std::string> known;
  for (const auto& c : tiers::all_checks()) known.insert(c.id);
  for (const auto& id : a.checks) {
    if (!known.count(id)) {
      std::string list;
      for (const auto& c : tiers::all_checks()) list += (list.empty() ? "" : ", ") + c.id;
      throw InputError("--check " + id + ": no such check; known: " + list);
    }
  }
  for (int t : a.tiers) {
    if (t < 1 || t > 4) throw InputError("--tier " + std::to_string(t) + ": tiers are 1 to 4");
  }
  std::vector<const tiers::Check*> out;
  for (const auto& c : tiers::all_checks()) {
    const bool tier_ok = a.tiers.empty() || std::count(a.tiers.begin(), a.tiers.end(), c.tier);
    const bool id_ok = a.checks.empty() || std::count(a.checks.begin(), a.checks.end(), c.id);
    if (tier_ok && id_ok) out.push_back(&c);
  }
  if (out.empty()) throw InputError("no check matches the --tier and --check given");
  return out;
}

std::string judged(const tiers::Comparison& c) {
  switch (c.judge) {
    case tiers::Judge::relative: return "rel " + sci(c.deviation()) + " <= " + sci(c.tolerance);
    case tiers::Judge::absolute: return "abs " + sci(c.deviation()) + " <= " + sci(c.tolerance);
    case tiers::Judge::at_most: return "<= " + sci(c.tolerance);
  }
  return "";
}

std::string_view to_string(tiers::Judge j) {
  switch (j) {
    case tiers::Judge::relative: return "relative";
    case tiers::Judge::absolute: return "absolute";
    case tiers::Judge::at_most: return "at_most";
  }
  return "";
}

Json to_json(const tiers::Result& r) {
  Json j{{"tier", r.check->tier}, {"number", r.check->number}, {"id", r.check->id},
         {"title", r.check->title}, {"passed", r.passed()}, {"seconds", r.seconds}};
  if (!r.error.empty()) j["error"] = r.error;
  j["comparisons"] = Json::array();
  for (const auto& c : r.outcome.comparisons) {
    j["comparisons"].push_back({{"quantity", c.quantity}, {"measured", c.measured}, {"expected", c.expected},
                                {"tolerance", c.tolerance}, {"judge", to_string(c.judge)},
                                {"deviation", c.deviation()}, {"passed", c.passed()}});
  }
  j["series"] = Json::array();
  for (const auto& s : r.outcome.series) {
    j["series"].push_back({{"name", s.name}, {"columns", s.columns}, {"rows", s.rows}});
  }
  return j;
}

// The measured dispersion curve over the discrete and continuum relations.
std::string plot_dispersion(const std::vector<tiers::Result>& results, const std::string& backend,
                            const fs::path& png) {
  for (const auto& r : results) {
    for (const auto& s : r.outcome.series) {
      if (s.name != "dispersion" || s.columns.size() < 4) continue;
      std::ostringstream script;
      script.precision(12);
      script << "$d << EOD\n";
      for (const auto& row : s.rows) script << row[0] << " " << row[1] << " " << row[2] << " " << row[3] << "\n";
      script << "EOD\nset grid\nset key left top\nset xlabel 'k (1/dx)'\nset ylabel 'omega'\n"
             << "set title " << gnuplot_quoted("dispersion on " + backend + ": measured against theory") << "\n"
             << "plot $d using 1:4 with lines dt 2 lw 2 title 'continuum sqrt(c^2 k^2 + chi^2)', "
             << "$d using 1:3 with lines lw 2 title 'discrete relation (SPEC §5)', "
             << "$d using 1:2 with points pt 7 ps 1.2 title 'measured'\nunset output\n";
      return plot_png(png, 800, 500, script.str());
    }
  }
  return "no dispersion check was run";
}

}  // namespace

int tiers_command(const TiersArgs& a) {
  const std::string backend = a.backend.empty() ? default_backend_name() : a.backend;
  find_backend(backend);  // refuses an unknown or unavailable name before anything runs
  const auto checks = chosen_checks(a);
  const fs::path dir = prepare_out_dir(a.out, backend);

  std::vector<tiers::Result> results;
  for (const auto* c : checks) {
    std::cerr << "tiers: [" << results.size() + 1 << "/" << checks.size() << "] " << c->id << " on " << backend
              << " ..." << std::flush;
    results.push_back(tiers::run_check(*c, backend));
    std::cerr << (results.back().passed() ? " pass" : " FAIL") << " (" << fmt(results.back().seconds) << " s)\n";
  }

  Table t({"tier", "#", "check", "quantity", "measured", "expected", "threshold", "result", "seconds"});
  int failed = 0;
  for (const auto& r : results) {
    failed += !r.passed();
    const auto head = [&r](bool first) -> std::vector<std::string> {
      if (!first) return {"", "", ""};
      return {std::to_string(r.check->tier), std::to_string(r.check->number), r.check->id};
    };
    if (!r.error.empty()) {
      auto row = head(true);
      row.insert(row.end(), {"error: " + r.error, "", "", "", "FAIL", fmt(r.seconds)});
      t.add(row);
      continue;
    }
    bool first = true;
    for (const auto& c : r.outcome.comparisons) {
      auto row = head(first);
      row.insert(row.end(), {c.quantity, fmt(c.measured, 10), fmt(c.expected, 10), judged(c),
                             c.passed() ? "pass" : "FAIL", first ? fmt(r.seconds) : ""});
      t.add(row);
      first = false;
    }
  }
  std::cout << "physics validation tiers on " << backend << "\n";
  t.print(std::cout);
  std::cout << results.size() - failed << " of " << results.size() << " checks passed\n";

  Json j{{"backend", backend},   {"date", utc_now()},           {"lfm_version", version()},
         {"machine", to_json(perf::machine_info())}, {"checks", Json::array()}};
  for (const auto& r : results) j["checks"].push_back(to_json(r));
  j["passed"] = failed == 0;
  write_text_atomically(dir / "tiers.json", j.dump(2) + "\n");
  std::cout << "wrote " << (dir / "tiers.json").string() << "\n";
  const fs::path png = dir / "tiers_dispersion.png";
  if (const std::string why = plot_dispersion(results, backend, png); why.empty()) {
    std::cout << "wrote " << png.string() << "\n";
  } else {
    std::cout << "no dispersion plot: " << why << "\n";
  }
  return failed ? 6 : 0;
}

}  // namespace lfm::app
