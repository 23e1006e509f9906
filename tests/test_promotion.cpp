// Promotion means evidence: a backend counts as promoted only when the tree's
// records show it (lattice/perf/promotion.hpp): a passing validation.json
// from this version's matrix, a bench.json, a report `lfm report` made from
// exactly those two files, and a gate at or below the measured interval.
// The README's backend table and `lfm backends` must say the same as the
// records; each missing or doctored piece must block promotion.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "cli_helpers.hpp"
#include "lattice/backend.hpp"
#include "lattice/perf/promotion.hpp"
#include "lattice/perf/validation.hpp"

namespace fs = std::filesystem;
using Json = nlohmann::json;

namespace lfm::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

const fs::path source_dir = LFM_SOURCE_DIR;

std::string describe(const perf::PromotionStatus& s) {
  std::string text;
  for (const auto& g : s.gaps) text += "\n  missing " + g.piece + ": " + g.detail;
  for (const auto& e : s.evidence) text += "\n  evidence: " + e;
  return text;
}

// The backends CMake saw declared by a gate that is meant to pass.
std::set<std::string> cmake_gated_backends() {
  std::set<std::string> out;
  std::stringstream list(LFM_GATED_BACKENDS);
  for (std::string name; std::getline(list, name, ',');) out.insert(name);
  return out;
}

// The README's backend table: name -> "promoted" or "not promoted".
std::map<std::string, std::string> readme_promotion_column() {
  std::map<std::string, std::string> out;
  std::istringstream lines(read_file(source_dir / "README.md"));
  bool in_table = false;
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with("| backend | promotion |")) {
      in_table = true;
      continue;
    }
    if (!in_table) continue;
    if (!line.starts_with("|")) break;
    std::vector<std::string> cells;
    std::stringstream row(line.substr(1));
    for (std::string c; std::getline(row, c, '|');) {
      c.erase(0, c.find_first_not_of(' '));
      c.erase(c.find_last_not_of(' ') + 1);
      cells.push_back(c);
    }
    if (cells.size() < 2 || cells[0].starts_with("---")) continue;
    std::string name = cells[0];
    std::erase(name, '`');
    out[name] = cells[1];
  }
  return out;
}

// `lfm backends` output: name -> its promotion column (the third).
std::map<std::string, std::string> backends_command_column(const std::string& out) {
  std::map<std::string, std::string> column;
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line[0] == ' ') continue;
    const auto first = line.find('\t'), second = line.find('\t', first + 1);
    if (first == std::string::npos || second == std::string::npos) continue;
    column[line.substr(0, first)] = line.substr(second + 1);
  }
  return column;
}

// The gates this reader finds in perf_tests/ are the ones CMake declared,
// so that the gate check cannot drift from the build.
TEST(Promotion, GatesReadFromPerfTestsAreTheOnesCMakeDeclares) {
  std::set<std::string> passing;
  bool expect_fail_seen = false;
  for (const auto& g : perf::declared_speedup_gates(source_dir)) {
    if (g.expect_fail) expect_fail_seen = true;
    else passing.insert(g.backend);
    EXPECT_GT(g.min, 0) << g.name;
  }
  EXPECT_EQ(passing, cmake_gated_backends());
  EXPECT_TRUE(expect_fail_seen) << "gate_threshold_above_ratio_fails not read";
}

// The README's table claims what the records show, no more: a stale or
// missing record of a backend the table calls promoted fails here.
TEST(Promotion, PromotedBackendsAreExactlyThoseWithCompleteRecords) {
  const auto readme = readme_promotion_column();
  std::set<std::string> promoted, claimed;
  for (const auto& s : perf::promotion_statuses(source_dir)) {
    if (s.promoted()) promoted.insert(s.backend);
    ASSERT_TRUE(readme.contains(s.backend)) << "README's backend table has no row for `" << s.backend << "`";
    if (readme.at(s.backend) == "promoted") claimed.insert(s.backend);
    else EXPECT_EQ(readme.at(s.backend), "not promoted") << s.backend;
    SCOPED_TRACE("backend `" + s.backend + "`:" + describe(s));
    if (s.promoted()) {
      // One line of evidence from each of the four checks.
      for (const char* kind : {"validation: ", "bench.json: ", "report: ", "gate: "}) {
        EXPECT_TRUE(std::any_of(s.evidence.begin(), s.evidence.end(),
                                [&](const std::string& e) { return e.starts_with(kind); }))
            << kind;
      }
    }
  }
  EXPECT_EQ(promoted, claimed);
  // The optimized CPU backends this tree measures.
  for (const char* b : {"cpu", "cpu_temporal", "thrust_omp"}) EXPECT_TRUE(promoted.contains(b)) << b;
}

TEST(Promotion, BackendsCommandLabelsEachBackendAsTheRecordsDo) {
  const CliResult r = run_lfm({"backends", "--records", source_dir.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto column = backends_command_column(r.out);
  EXPECT_EQ(column.size(), registered_backends().size());
  EXPECT_EQ(column.at("baseline"), "reference");
  for (const auto& s : perf::promotion_statuses(source_dir)) {
    ASSERT_TRUE(column.contains(s.backend)) << r.out;
    if (s.promoted()) {
      EXPECT_EQ(column.at(s.backend), "promoted");
    } else {
      EXPECT_EQ(column.at(s.backend), "not promoted (missing " + s.missing_pieces() + ")");
      for (const auto& g : s.gaps) EXPECT_THAT(r.out, HasSubstr("    missing " + g.piece + ": " + g.detail));
    }
  }
}

// A page kept for a backend without records says so plainly.
TEST(Promotion, PagesOfUnpromotedBackendsSayNotPromoted) {
  for (const auto& s : perf::promotion_statuses(source_dir)) {
    const fs::path page = source_dir / "docs" / "optimizations" / (s.backend + ".md");
    if (s.promoted() || !fs::exists(page)) continue;
    const std::string text = read_file(page);
    EXPECT_THAT(text.substr(0, text.find("\n## ")), HasSubstr("**Not promoted")) << page;
  }
}

// ---- each piece, doctored in a copy ------------------------------------------

// A complete, made-up set of records for `cpu` in a temporary tree (the
// figures are invented; only their shape matters), its report written by the
// real `lfm report`. Each test breaks one piece and expects exactly that gap.
class PromotionRecords : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(results());
    fs::create_directories(dir / "perf_tests");
    Json cases = Json::array();
    for (const auto& c : perf::validation_matrix({Precision::float64, Precision::float32})) {
      cases.push_back({{"case", c.name()}, {"shape", Json::array({12, 12, 12})}, {"threads", 1}, {"steps", c.steps},
                       {"max_abs_error", 1e-15}, {"max_rel_error", 1e-15}, {"energy_rel_diff", 1e-15},
                       {"field_tolerance", perf::field_tolerance(c.precision)}, {"energy_tolerance", 1e-9},
                       {"passed", true}});
    }
    validation = {{"backend", "cpu"}, {"reference", "baseline"}, {"steps", 100},
                  {"passed", true},  {"failures", 0},           {"cases", cases}};
    const auto side = [](double median) {
      return Json{{"n", 10}, {"median", median}, {"stddev", median / 20},
                  {"median_ci95", {median * 0.95, median * 1.05}}, {"cells_per_s", 2097152 / median},
                  {"gb_per_s", 24 * 2097152 / median / 1e9}, {"fraction_of_triad_1thread", 0.5},
                  {"fraction_of_triad_all_threads", 0.3}};
    };
    bench = {{"backend", "cpu"},
             {"reference", "baseline"},
             {"workload", "wave_packet"},
             {"precision", "float64"},
             {"validation", {{"skipped", false}, {"passed", true}, {"cases", 84}, {"failures", 0}}},
             {"compulsory_bytes_per_cell", 24},
             {"stream_triad", Json::array({Json{{"threads", 1}, {"best_gbs", 14}},
                                           Json{{"threads", 2}, {"best_gbs", 26}}})},
             {"sizes", Json::array({Json{{"dims", 3}, {"n", 128}, {"cells", 2097152}, {"steps_per_rep", 1},
                                         {"warmup", 2},
                                         {"resources", {{"peak_rss_bytes", 1.5e8}, {"avg_rss_bytes", 1.2e8}}},
                                         {"reference", side(0.2)}, {"candidate", side(0.0025)},
                                         {"speedup", {{"estimate", 80}, {"ci95", {57.5, 93}}}}}})}};
    write_records();
    gate("lfm_add_speedup_gate(NAME cpu_vs_baseline BACKEND cpu AGAINST baseline MIN 3.0 N 128)\n");
    report();
  }

  fs::path results() const { return dir / "results" / "cpu"; }
  fs::path page() const { return dir / "docs" / "optimizations" / "cpu.md"; }
  void write_records() const {
    write_file(results() / "validation.json", validation.dump(2) + "\n");
    write_file(results() / "bench.json", bench.dump(2) + "\n");
  }
  void gate(const std::string& cmake) const { write_file(dir / "perf_tests" / "CMakeLists.txt", cmake); }
  void report() const {
    const CliResult r = run_lfm({"report", "cpu", "--results", results().string(), "--docs",
                                 (dir / "docs" / "optimizations").string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  perf::PromotionStatus status() const { return perf::promotion_status(dir.path(), "cpu"); }
  // The first gap's detail, "" when there is none.
  std::string first_detail() const {
    const auto s = status();
    return s.gaps.empty() ? "" : s.gaps[0].detail;
  }
  std::vector<std::string> pieces() const {
    std::vector<std::string> p;
    for (const auto& g : status().gaps) p.push_back(g.piece);
    return p;
  }

  TempDir dir;
  Json validation, bench;
};

TEST_F(PromotionRecords, CompleteRecordsPromote) {
  const auto s = status();
  EXPECT_TRUE(s.promoted()) << describe(s);
  EXPECT_EQ(s.evidence.size(), 4u) << describe(s);
}

TEST_F(PromotionRecords, MissingValidationJsonBlocks) {
  fs::remove(results() / "validation.json");
  EXPECT_THAT(pieces(), ElementsAre("validation.json"));
  EXPECT_THAT(first_detail(), HasSubstr("run `lfm validate cpu`"));
}

TEST_F(PromotionRecords, AFailedCaseBlocksEvenWhenTheSummarySaysPassed) {
  validation["cases"][7]["passed"] = false;  // the summary fields still say passed
  write_records();
  report();
  EXPECT_THAT(pieces(), ElementsAre("validation"));
  EXPECT_THAT(first_detail(), HasSubstr("1 of 168 cases failed"));
  validation["passed"] = false, validation["failures"] = 1;
  write_records();
  report();
  EXPECT_THAT(pieces(), ElementsAre("validation"));
}

TEST_F(PromotionRecords, ValidationAgainstAnotherReferenceBlocks) {
  validation["reference"] = "cpu_temporal";
  write_records();
  report();
  EXPECT_THAT(pieces(), ElementsAre("validation"));
}

TEST_F(PromotionRecords, AnotherVersionsMatrixBlocks) {
  Json older = validation;
  older["cases"].erase(older["cases"].size() - 1);  // a matrix one case shorter
  validation = older;
  write_records();
  report();
  EXPECT_THAT(pieces(), ElementsAre("matrix"));
  EXPECT_THAT(first_detail(), HasSubstr("holds 167 cases, the matrix 168"));
  validation["cases"].push_back(validation["cases"][0]);
  validation["cases"][167]["case"] = perf::validation_matrix({Precision::float64, Precision::float32}).back().name();
  validation["cases"][167]["steps"] = 50;  // the same names with other step counts
  write_records();
  report();
  EXPECT_THAT(pieces(), ElementsAre("matrix"));
}

TEST_F(PromotionRecords, MissingBenchJsonBlocks) {
  fs::remove(results() / "bench.json");
  EXPECT_THAT(pieces(), ElementsAre("bench.json"));
}

TEST_F(PromotionRecords, TimingsTakenWithoutValidationBlock) {
  bench["validation"] = {{"skipped", true}};
  write_records();
  report();
  EXPECT_THAT(pieces(), ElementsAre("bench.json"));
}

TEST_F(PromotionRecords, AReportOfOtherRecordsBlocks) {
  bench["sizes"][0]["speedup"]["estimate"] = 81;  // new timings, the old report
  write_records();
  EXPECT_THAT(pieces(), ElementsAre("report"));
  EXPECT_THAT(first_detail(), HasSubstr("bench.json hashing"));
  report();
  EXPECT_TRUE(status().promoted());
  validation["cases"][0]["max_abs_error"] = 2e-15;
  write_records();
  EXPECT_THAT(pieces(), ElementsAre("report"));
  EXPECT_THAT(first_detail(), HasSubstr("validation.json hashing"));
}

TEST_F(PromotionRecords, AHandWrittenOrMissingReportBlocks) {
  std::string md = read_file(page());
  md.erase(md.find("Records ("), md.find('\n', md.find("Records (")) - md.find("Records (") + 1);
  write_file(page(), md);
  EXPECT_THAT(pieces(), ElementsAre("report"));
  EXPECT_THAT(first_detail(), HasSubstr("names no record hashes"));
  fs::remove(page());
  EXPECT_THAT(pieces(), ElementsAre("report"));
}

TEST_F(PromotionRecords, AGateAboveTheMeasuredIntervalBlocks) {
  gate("lfm_add_speedup_gate(NAME cpu_vs_baseline BACKEND cpu AGAINST baseline MIN 58 N 128)\n");
  EXPECT_THAT(pieces(), ElementsAre("gate"));
  EXPECT_THAT(first_detail(), HasSubstr("MIN 58 is above the low end of the 95% interval [57.5, 93]"));
  gate("lfm_add_speedup_gate(NAME cpu_vs_baseline BACKEND cpu AGAINST baseline MIN 57.5 N 128)\n");
  EXPECT_TRUE(status().promoted()) << describe(status());  // at the low end is allowed
}

TEST_F(PromotionRecords, NoGateOrNoComparableGateBlocks) {
  gate("lfm_add_speedup_gate(NAME other BACKEND cpu_temporal AGAINST cpu MIN 1 N 128)\n");
  EXPECT_THAT(pieces(), ElementsAre("gate"));
  EXPECT_THAT(first_detail(), HasSubstr("no speedup gate of `cpu`"));
  gate("lfm_add_speedup_gate(NAME cpu_vs_baseline BACKEND cpu AGAINST baseline MIN 3 N 256)\n");
  EXPECT_THAT(pieces(), ElementsAre("gate"));
  EXPECT_THAT(first_detail(), HasSubstr("no gate of `cpu` measures what bench.json measured"));
  gate("lfm_add_speedup_gate(NAME cpu_vs_baseline BACKEND cpu AGAINST baseline MIN ${M} N 128)\n");
  EXPECT_THAT(pieces(), ElementsAre("gate"));  // a gate this reader cannot follow is not skipped
}

TEST(PromotionReport, RecordsLineRoundTrips) {
  const std::string line = perf::report_records_line(perf::record_hash("a"), perf::record_hash("b"));
  std::string v, b;
  ASSERT_TRUE(perf::parse_report_records("# title\n\n" + line + "\n", v, b));
  EXPECT_EQ(v, perf::record_hash("a"));
  EXPECT_EQ(b, perf::record_hash("b"));
  EXPECT_EQ(perf::record_hash(""), "cbf29ce484222325");  // FNV-1a 64 of nothing: its offset basis
  EXPECT_FALSE(perf::parse_report_records("quoted: " + line + "\n", v, b));  // only at a line's start
}

}  // namespace
}  // namespace lfm::testing
