#pragma once
// Promotion means evidence: an optimized backend counts as promoted only when
// the records of a source tree show it, all of them from this version:
//   results/B/validation.json  every case passed, against the baseline, over
//                              this version's validation matrix (both precisions)
//   results/B/bench.json       timings taken after validation
//   docs/optimizations/B.md    written by `lfm report B` from those two files,
//                              carrying their content hashes
//   perf_tests/                a speedup gate of B whose MIN is at or below the
//                              low end of the 95 % interval bench.json measured
//                              for the same comparison
// Everything is read from a root directory, so that a copy of the records can
// be checked as well as the tree itself.
#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace lfm::perf {

// One speedup gate declared in perf_tests/: `backend` timed against
// `against`, median ratio (against time / backend time) at least `min`.
struct SpeedupGate {
  std::string name;  // the ctest name, "gate_cpu_vs_baseline"
  std::string backend, against;
  std::string precision = "float64", against_precision = "float64";
  std::string workload = "wave_packet";
  int dims = 3;
  std::size_t n = 64;
  double min = 0;
  // speedup_gate times Backend::advance, as `lfm bench` does; gpu_gate times
  // device-resident steps, which no bench.json records.
  bool through_advance = true;
  bool expect_fail = false;  // a gate that exists to fail (the machinery's own check)
};

// The speedup gates in root/perf_tests/CMakeLists.txt and root/perf_tests/*.cmake:
// every lfm_add_speedup_gate(...) call and every add_test running
// `gpu_gate speedup`, with the defaults those two apply. Throws InputError
// for a call this reader cannot follow (a variable for a value, an unknown
// keyword), so that no gate is silently dropped.
std::vector<SpeedupGate> declared_speedup_gates(const std::filesystem::path& root);

// One missing piece of evidence. `piece` is short and stable
// ("validation.json", "validation", "matrix", "bench.json", "report", "gate");
// `detail` says what is wrong and which command mends it.
struct PromotionGap {
  std::string piece;
  std::string detail;
};

struct PromotionStatus {
  std::string backend;
  std::vector<PromotionGap> gaps;     // empty: promoted
  std::vector<std::string> evidence;  // what the records do show
  bool promoted() const { return gaps.empty(); }
  // "validation.json, bench.json, report": the pieces, each once, in order.
  std::string missing_pieces() const;
};

// The records of `backend` under `root`, checked as above.
PromotionStatus promotion_status(const std::filesystem::path& root, const std::string& backend);

// Every registered backend except the reference, `baseline`, which is the
// truth the others are validated against rather than something promoted.
std::vector<PromotionStatus> promotion_statuses(const std::filesystem::path& root);

// The content hash a report carries for each record: 64-bit FNV-1a of the
// file's bytes (the checkpoint checksum), 16 lowercase hex digits.
std::string record_hash(std::string_view bytes);

// The line `lfm report` writes into a report to name the records it was made
// from, and its reader: false when `markdown` has no such line.
std::string report_records_line(const std::string& validation_hash, const std::string& bench_hash);
bool parse_report_records(std::string_view markdown, std::string& validation_hash, std::string& bench_hash);

}  // namespace lfm::perf
