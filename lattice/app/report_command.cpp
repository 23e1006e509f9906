// `lfm report B`: turns results/B/{validation,bench}.json into the promoted
// optimization's report, docs/optimizations/B.md, and its plot B.png. The
// verdicts (negative result, bandwidth bound or not) come from the numbers,
// so a report cannot claim more than its measurements show.
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <iostream>
#include <nlohmann/json.hpp>
#include <map>
#include <set>
#include <sstream>

#include "commands.hpp"
#include "lattice/backend.hpp"
#include "lattice/build_info.hpp"
#include "lattice/error.hpp"
#include "lattice/perf/promotion.hpp"
#include "table.hpp"

namespace fs = std::filesystem;
using Json = nlohmann::json;

namespace lfm::app {
namespace {

struct Inputs {
  Json validation, bench;
  std::string backend;
  std::string validation_hash, bench_hash;  // of the files' bytes, as promotion checks them
};

// `make` is the command that creates the file, named in every refusal.
Json load_json(const fs::path& path, const std::string& make) {
  std::string text;
  try {
    text = read_text_file(path);
  } catch (const InputError& e) {
    throw InputError(std::string(e.what()) + "; run `" + make + "` first");
  }
  try {
    return Json::parse(text);
  } catch (const Json::exception& e) {
    throw InputError(path.string() + ": not valid JSON (" + e.what() + "); rerun `" + make + "`");
  }
}

// Touches every field the report reads, so a malformed file is refused
// before anything is written rather than half-way through the markdown.
void check_validation(const Json& v) {
  for (const auto& c : v.at("cases")) {
    c.at("case").get<std::string>();
    for (const char* k :
         {"max_abs_error", "max_rel_error", "energy_rel_diff", "field_tolerance", "energy_tolerance"})
      c.at(k).get<double>();
    c.at("passed").get<bool>();
  }
  v.at("steps").get<int>();
}

void check_bench(const Json& b) {
  for (const char* k : {"reference", "workload", "precision"}) b.at(k).get<std::string>();
  if (b.at("sizes").empty() || b.at("stream_triad").size() < 2) throw InputError("no sizes or triad");
  for (const auto& t : b.at("stream_triad")) t.at("best_gbs").get<double>(), t.at("threads").get<int>();
  for (const auto& s : b.at("sizes")) {
    for (const char* k : {"dims", "n", "cells", "steps_per_rep", "warmup"}) s.at(k).get<long>();
    for (const char* side : {"reference", "candidate"}) {
      for (const char* k : {"median", "stddev", "cells_per_s", "gb_per_s", "fraction_of_triad_1thread",
                            "fraction_of_triad_all_threads"})
        s.at(side).at(k).get<double>();
      s.at(side).at("median_ci95").at(1).get<double>();
      s.at(side).at("n").get<int>();
    }
    s.at("speedup").at("estimate").get<double>(), s.at("speedup").at("ci95").at(1).get<double>();
    s.at("resources").at("peak_rss_bytes").get<double>(), s.at("resources").at("avg_rss_bytes").get<double>();
  }
}

Inputs load_inputs(const fs::path& dir, const std::string& backend) {
  Inputs in{load_json(dir / "validation.json", "lfm validate " + backend),
            load_json(dir / "bench.json", "lfm bench " + backend), backend,
            perf::record_hash(read_text_file(dir / "validation.json")),
            perf::record_hash(read_text_file(dir / "bench.json"))};
  for (const auto& [j, file, make] : {std::tuple{&in.validation, "validation.json", "validate"},
                                      std::tuple{&in.bench, "bench.json", "bench"}}) {
    const std::string named = j->is_object() ? j->value("backend", "") : "";
    if (named != backend) {
      throw InputError((dir / file).string() + " is for backend `" + named + "`, not `" + backend +
                       "`; run `lfm " + make + " " + backend + "` or pass --results");
    }
  }
  for (const auto& [check, j, file, make] :
       {std::tuple{&check_validation, &in.validation, "validation.json", "validate"},
        std::tuple{&check_bench, &in.bench, "bench.json", "bench"}}) {
    try {
      check(*j);
    } catch (const std::exception& e) {
      throw InputError((dir / file).string() + " is malformed (" + e.what() + "); rerun `lfm " + make + " " +
                       backend + "`");
    }
  }
  return in;
}

std::string row(const std::vector<std::string>& cells) {
  std::string s = "|";
  for (const auto& c : cells) s.append(" ").append(c).append(" |");
  return s + "\n";
}

std::string header(const std::vector<std::string>& cells) {
  return row(cells) + row(std::vector<std::string>(cells.size(), "---"));
}

std::string size_label(const Json& s) {
  return std::to_string(s["n"].get<long>()) + "^" + std::to_string(s["dims"].get<int>());
}

std::string label(const Json& b, const char* side) {
  return (side == std::string("reference") ? b["reference"] : b["backend"]).get<std::string>() + "/" +
         b["precision"].get<std::string>();
}

std::string speedup_text(const Json& s) {
  const Json& sp = s["speedup"];
  return fmt(sp["estimate"].get<double>(), 3) + "x " +
         interval(sp["ci95"][0].get<double>(), sp["ci95"][1].get<double>());
}

// The verdict on one size's speedup (reference time / candidate time).
std::string verdict(const Json& s) {
  const auto& ci = s["speedup"]["ci95"];
  if (ci[1].get<double>() < 1) return "NEGATIVE RESULT: slower than the reference";
  if (ci[0].get<double>() > 1) return "significantly faster than the reference";
  return "no significant difference from the reference (the 95% CI contains 1)";
}

long count_failed(const Json& validation) {
  const Json& c = validation["cases"];
  return std::count_if(c.begin(), c.end(), [](const Json& x) { return !x["passed"].get<bool>(); });
}

const Json& largest(const Json& b) {
  return *std::max_element(b["sizes"].begin(), b["sizes"].end(), [](const Json& x, const Json& y) {
    return x["cells"].get<double>() < y["cells"].get<double>();
  });
}

// The candidate's fraction of the bandwidth it can use: the 1-thread triad,
// unless it moves more than one core can, when it must run threaded.
double bandwidth_fraction(const Json& s) {
  const double f1 = s["candidate"]["fraction_of_triad_1thread"].get<double>();
  return f1 < 1 ? f1 : s["candidate"]["fraction_of_triad_all_threads"].get<double>();
}

std::string command_lines(const Inputs& in) {
  const Json& b = in.bench;
  std::vector<std::string> precisions;
  for (const auto& c : in.validation["cases"]) {
    const std::string name = c["case"], p = name.substr(name.rfind('_') + 1);
    if (std::find(precisions.begin(), precisions.end(), p) == precisions.end()) precisions.push_back(p);
  }
  std::string v = "lfm validate " + in.backend + " --against " + in.validation.value("reference", "baseline");
  for (const auto& p : precisions) v += " --precision " + p;
  const Json& s0 = b["sizes"][0];
  std::string bench = "lfm bench " + in.backend + " --against " + b["reference"].get<std::string>() +
                      " --workload " + b["workload"].get<std::string>() + " --dim " +
                      std::to_string(s0["dims"].get<int>()) + " --precision " +
                      b["precision"].get<std::string>();
  for (const auto& s : b["sizes"]) bench += " --n " + std::to_string(s["n"].get<long>());
  bench += " --reps " + std::to_string(s0["candidate"]["n"].get<int>()) + " --warmup " +
           std::to_string(s0["warmup"].get<int>());
  return "```\n" + in.validation.value("command_line", v) + "\n" + b.value("command_line", bench) + "\n```\n";
}

// Draws ms/step and fraction of triad against cells; returns why not, or "".
std::string write_plot(const Json& b, const fs::path& png) {
  std::string ref = label(b, "reference"), cand = label(b, "candidate");
  if (ref == cand) ref += " (reference)", cand += " (candidate)";
  std::ostringstream script;
  for (const char* side : {"reference", "candidate"}) {
    script << "$" << side << " << EOD\n";
    for (const auto& s : b["sizes"]) {
      script << s["cells"].get<double>() << " " << 1e3 * s[side]["median"].get<double>() << " "
             << s[side]["fraction_of_triad_1thread"].get<double>() << "\n";
    }
    script << "EOD\n";
  }
  // Distinct points and dashes, so that equal curves still show both.
  const std::string plot = " with linespoints pt 7 title ", cplot = " with linespoints pt 5 dt 2 title ";
  script << "set multiplot layout 1,2 title "
         << gnuplot_quoted(b["backend"].get<std::string>() + " vs " + b["reference"].get<std::string>() +
                           ", " + b["workload"].get<std::string>())
         << "\nset grid\nset key outside below\nset logscale xy\nset xlabel 'cells'\n"
         << "set ylabel 'median ms/step'\nplot $reference using 1:2" << plot << gnuplot_quoted(ref)
         << ", $candidate using 1:2" << cplot << gnuplot_quoted(cand) << "\nunset logscale y\n"
         << "set yrange [0:*]\nset ylabel 'fraction of 1-thread stream triad'\n"
         << "plot $reference using 1:3" << plot << gnuplot_quoted(ref) << ", $candidate using 1:3" << cplot
         << gnuplot_quoted(cand) << "\nunset multiplot\nunset output\n";
  return plot_png(png, 1000, 450, script.str());
}

std::string validation_section(const Inputs& in) {
  const Json& v = in.validation;
  std::vector<Json> cases(v["cases"].begin(), v["cases"].end());
  const long failed = count_failed(v);
  std::ostringstream o;
  o << "## Validation\n\n`" << in.backend << "` against `" << v.value("reference", "?") << "`: **"
    << static_cast<long>(cases.size()) - failed << " passed, " << failed << " failed** of " << cases.size()
    << " cases, " << v["steps"].get<int>() << " steps each.\n\nTolerances used (SPEC §6):\n\n";
  // Per precision: the field tolerance, and the range of the energy
  // tolerances, which validation derives per case from the field tolerance
  // and divides, like the energy difference, by the reference's energy at
  // step 0 (the energy of SPEC §4, not the invariant H).
  struct Tolerances {
    std::set<double> field;
    double energy_low = 0, energy_high = 0;
  };
  std::map<std::string, Tolerances> by_precision;
  for (const auto& c : cases) {
    const std::string name = c["case"];
    const double e = c["energy_tolerance"].get<double>();
    const auto [it, fresh] = by_precision.try_emplace(name.substr(name.rfind('_') + 1), Tolerances{{}, e, e});
    it->second.field.insert(c["field_tolerance"].get<double>());
    it->second.energy_low = std::min(it->second.energy_low, e);
    it->second.energy_high = std::max(it->second.energy_high, e);
  }
  for (const auto& [precision, t] : by_precision) {
    std::string field;
    for (const double f : t.field) field += (field.empty() ? "" : ", ") + fmt(f);
    o << "- " << precision << ": field " << field << " of max|reference|; energy "
      << (t.energy_low == t.energy_high ? fmt(t.energy_low)
                                        : fmt(t.energy_low) + " to " + fmt(t.energy_high))
      << " of the reference's initial energy |energy(0)| (SPEC §4; per case, the bound its field "
         "tolerance implies)\n";
  }
  const auto table = [&o](const std::vector<Json>& rows) {
    o << header(
        {"case", "max abs error", "relative error", "tolerance", "energy diff", "tolerance", "result"});
    for (const auto& c : rows) {
      o << row({c["case"], sci(c["max_abs_error"]), sci(c["max_rel_error"]), sci(c["field_tolerance"]),
                sci(c["energy_rel_diff"]), sci(c["energy_tolerance"]),
                c["passed"].get<bool>() ? "pass" : "**FAIL**"});
    }
  };
  std::stable_sort(cases.begin(), cases.end(), [](const Json& x, const Json& y) {
    return x["max_rel_error"].get<double>() > y["max_rel_error"].get<double>();
  });
  o << "\nWorst cases by relative field error:\n\n";
  table(std::vector<Json>(cases.begin(), cases.begin() + std::min<std::size_t>(5, cases.size())));
  std::vector<Json> failing;
  std::copy_if(cases.begin(), cases.end(), std::back_inserter(failing),
               [](const Json& c) { return !c["passed"].get<bool>(); });
  if (!failing.empty()) o << "\nEvery failing case:\n\n", table(failing);
  const Json& bv = in.bench.value("validation", Json::object());
  if (bv.value("skipped", false)) o << "\n**The timings below were taken with `--skip-validation`.**\n";
  return o.str();
}

std::string performance_section(const Json& b) {
  const Json& m = b.value("machine", Json::object());
  const Json& t1 = b["stream_triad"][0];
  const Json& tn = b["stream_triad"][1];
  const std::string all = std::to_string(tn["threads"].get<int>()) + "T";
  std::ostringstream o;
  o << "## Performance\n\nMachine: " << m.value("cpu_model", "?") << ", " << m.value("logical_cores", 0)
    << " logical cores. Stream triad best: " << fmt(t1["best_gbs"].get<double>()) << " GB/s (1 thread), "
    << fmt(tn["best_gbs"].get<double>()) << " GB/s (" << tn["threads"].get<int>() << " threads). Workload `"
    << b["workload"].get<std::string>() << "`, " << b.value("compulsory_bytes_per_cell", 0.0)
    << " compulsory bytes per cell update.\n\n";
  for (const auto& s : b["sizes"]) {
    o << "### " << size_label(s) << " (" << s["cells"].get<long>() << " cells)\n\n"
      << s["candidate"]["n"].get<int>() << " repetitions of "
      << s["reference"].value("steps_per_rep", s["steps_per_rep"].get<long>()) << " (reference) and "
      << s["candidate"].value("steps_per_rep", s["steps_per_rep"].get<long>()) << " (candidate) steps after "
      << s["warmup"].get<int>() << " warm-up repetition(s); the two backends ran interleaved in one process.\n\n";
    for (const char* side : {"reference", "candidate"}) {
      if (s[side].contains("tuning")) {
        o << "Autotuned on first use by `" << label(b, side) << "`: " << s[side]["tuning"].get<std::string>()
          << ".\n\n";
      }
    }
    o << header({"backend", "median ms/step", "stddev (ms)", "95% CI (ms)", "cells/s", "GB/s", "% triad 1T",
                 "% triad " + all});
    for (const char* side : {"reference", "candidate"}) {
      const Json& x = s[side];
      o << row({label(b, side) + " (" + side + ")", fmt(1e3 * x["median"].get<double>(), 4),
                fmt(1e3 * x["stddev"].get<double>(), 2),
                interval(1e3 * x["median_ci95"][0].get<double>(), 1e3 * x["median_ci95"][1].get<double>(), 4),
                sci(x["cells_per_s"]), fmt(x["gb_per_s"]), percent(x["fraction_of_triad_1thread"]),
                percent(x["fraction_of_triad_all_threads"])});
    }
    const Json& sp = s["speedup"];
    o << row({"**speedup** (reference time / candidate time)", fmt(sp["estimate"].get<double>(), 3) + "x", "",
              interval(sp["ci95"][0], sp["ci95"][1]), "", "", "", ""})
      << "\n";
  }
  return o.str();
}

std::string memory_and_hardware(const Json& b) {
  std::ostringstream o;
  o << "## Memory\n\nResident set of the whole process while both backends ran at each size:\n\n"
    << header({"size", "peak RSS (MiB)", "average RSS (MiB)"});
  for (const auto& s : b["sizes"]) {
    o << row({size_label(s), fmt(s["resources"]["peak_rss_bytes"].get<double>() / (1 << 20), 4),
              fmt(s["resources"]["avg_rss_bytes"].get<double>() / (1 << 20), 4)});
  }
  const Json& m = b.value("machine", Json::object());
  o << "\n## Hardware\n\n";
  for (const auto& [k, name] : {std::pair{"cpu_model", "CPU"},
                                {"logical_cores", "logical cores"},
                                {"memory_gib", "memory (GiB)"},
                                {"os", "OS"},
                                {"gpu", "GPU"},
                                {"cuda_version", "CUDA"},
                                {"compiler", "compiler"},
                                {"cxx_flags", "flags"}}) {
    const Json v = m.value(k, Json());
    std::string text = v.is_string() ? v.get<std::string>() : v.is_number() ? fmt(v.get<double>()) : "";
    text.erase(0, text.find_first_not_of(' '));
    o << "- " << name << ": " << (text.empty() ? "none" : "`" + text + "`") << "\n";
  }
  return o.str();
}

std::string conclusions(const Inputs& in) {
  const Json& b = in.bench;
  const Json& big = largest(b);
  const double frac = bandwidth_fraction(big);
  const std::string workload = b["workload"].get<std::string>();
  std::ostringstream o;
  o << "## Trade-offs\n\n";
  for (const auto& s : b["sizes"]) {
    const std::string v = verdict(s);
    o << "- " << size_label(s) << ": speedup " << speedup_text(s) << ", "
      << (v.starts_with("NEGATIVE") ? "**" + v + "**" : v) << ".\n";
  }
  if (b["precision"] == "float32")
    o << "- float32 halves the bytes per cell but is validated only to 1e-4 of max|reference|.\n";
  o << "- At " << size_label(big) << " the candidate moves "
    << fmt(big["candidate"]["gb_per_s"].get<double>()) << " GB/s, " << percent(frac)
    << " of the stream-triad bandwidth it can use.\n\n## Next steps\n\n";
  if (frac > 1.0) {
    // More than the triad's bytes per second from DRAM means some of the
    // compulsory traffic never left the caches: the step is not bandwidth-bound.
    o << "- The candidate's compulsory bytes per second are " << percent(frac)
      << " of the stream triad: that is in-cache traffic (the fields, or a blocked wave of them, fit in "
      << "cache), not a step near the memory-bandwidth limit; its ceiling is the cores' arithmetic and "
      << "cache bandwidth: profile it (`lfm profile " << workload << " --backend " << in.backend << "`).\n";
  } else if (frac < 0.5) {
    o << "- The step is far from the memory-bandwidth limit (" << percent(frac) << " of triad): profile it "
      << "before changing it: `lfm profile " << workload << " --backend " << in.backend << "`.\n";
  } else if (frac >= 0.8) {
    o << "- The step is near the memory-bandwidth limit (" << percent(frac) << " of triad); only fewer bytes "
      << "per step (temporal blocking, float32) can take it further.\n";
  } else {
    o << "- The step is between half and 80% of the bandwidth limit: profile it (`lfm profile " << workload
      << " --backend " << in.backend
      << "`) and consider fewer bytes per step (temporal blocking, float32).\n";
  }
  if (big["speedup"]["ci95"][1].get<double>() < 1)
    o << "- Do not promote `" << in.backend << "`: it is slower than the reference.\n";
  return o.str();
}

}  // namespace

int report_command(const ReportArgs& a) {
  const fs::path dir = a.results.empty() ? fs::path("results") / a.backend : a.results;
  const Inputs in = load_inputs(dir, a.backend);
  std::error_code ec;
  fs::create_directories(a.docs, ec);
  if (ec || !fs::is_directory(a.docs))
    throw InputError("--docs " + a.docs.string() + " cannot be created (" + ec.message() + ")");
  const fs::path md = a.docs / (a.backend + ".md"), png = a.docs / (a.backend + ".png");

  const std::string plot_error = write_plot(in.bench, png);
  if (!plot_error.empty()) std::cerr << "lfm: warning: plot not generated: " << plot_error << "\n";

  const auto& regs = registered_backends();
  const auto info =
      std::find_if(regs.begin(), regs.end(), [&](const BackendInfo& r) { return r.name == a.backend; });
  std::ostringstream o;
  o << "# Optimization report: `" << a.backend << "`\n\nGenerated " << utc_now() << " by `lfm report "
    << a.backend << "` from " << (dir / "validation.json").string() << " and "
    << (dir / "bench.json").string() << ", which these commands produced:\n\n"
    << command_lines(in) << "\n" << perf::report_records_line(in.validation_hash, in.bench_hash)
    << " `lfm backends` counts this report only while both files still hash so.\n\n## Strategy\n\n"
    << (info != regs.end() ? info->description : "(not registered in this build)")
    << "\n\nReference backend: `" << in.bench["reference"].get<std::string>() << "`.\n\n"
    << validation_section(in) << "\n"
    << performance_section(in.bench);
  if (plot_error.empty()) {
    o << "![ms/step and bandwidth](" << a.backend << ".png)\n";
  } else {
    o << "Plot not generated: " << plot_error << "\n";
  }
  o << "\n" << memory_and_hardware(in.bench) << "\n" << conclusions(in);
  write_text_atomically(md, o.str());

  const Json& big = largest(in.bench);
  const long failures = count_failed(in.validation);
  std::cout << "wrote " << md.string() << (plot_error.empty() ? " and " + png.string() : "") << "\n"
            << "validation: " << static_cast<long>(in.validation["cases"].size()) - failures << " passed, "
            << failures << " failed\n"
            << "speedup at " << size_label(big) << ": " << speedup_text(big) << ", " << verdict(big) << "\n"
            << "stream triad: " << percent(big["candidate"]["fraction_of_triad_1thread"]) << " of 1 thread, "
            << percent(big["candidate"]["fraction_of_triad_all_threads"]) << " of all threads\n";
  return 0;
}

}  // namespace lfm::app
