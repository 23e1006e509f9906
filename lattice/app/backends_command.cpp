// `lfm backends [--records DIR]`: every registered backend, whether this
// build can run it, and whether the records under DIR (default: the current
// directory, where validate, bench and report write) promote it.
#include <iostream>
#include <map>

#include "commands.hpp"
#include "lattice/backend.hpp"
#include "lattice/perf/promotion.hpp"

namespace fs = std::filesystem;

namespace lfm::app {

int backends_command(const BackendsArgs& a) {
  std::map<std::string, perf::PromotionStatus> status;
  for (auto& s : perf::promotion_statuses(a.records)) status.emplace(s.backend, std::move(s));

  // One line per backend, three tab-separated columns (name, availability,
  // promotion), then indented lines: the strategy and the evidence or gaps.
  for (const auto& b : registered_backends()) {
    const auto it = status.find(b.name);
    std::string promotion = "reference";  // the baseline is the truth, not a candidate
    if (it != status.end()) {
      promotion = it->second.promoted() ? "promoted" : "not promoted (missing " + it->second.missing_pieces() + ")";
    }
    std::cout << b.name << "\t" << (b.available() ? "available" : "unavailable: " + b.unavailable) << "\t"
              << promotion << "\n    " << b.description << "\n";
    if (it == status.end()) continue;
    for (const auto& e : it->second.evidence) std::cout << "    evidence: " << e << "\n";
    for (const auto& g : it->second.gaps) std::cout << "    missing " << g.piece << ": " << g.detail << "\n";
  }
  std::error_code ec;
  const fs::path where = fs::absolute(a.records, ec).lexically_normal();
  std::cout << "promotion read from " << (ec ? a.records : where).string()
            << " (results/, docs/optimizations/, perf_tests/; --records DIR for another tree)\n";
  return 0;
}

}  // namespace lfm::app
