// `lfm validate B [--against REF]`: the backend against the reference over
// the standard matrix, with SPEC §6's tolerances. Exit 1 on any failure.
#include <fstream>
#include <iostream>

#include "commands.hpp"
#include "lattice/backend.hpp"
#include "lattice/perf/validation.hpp"
#include "table.hpp"

namespace lfm::app {

perf::ValidationReport validate_and_print(const std::string& backend, const std::string& reference,
                                          const std::vector<Precision>& precisions, bool all_rows) {
  const perf::ValidationReport report = perf::validate_backend(backend, reference, precisions);
  Table t({"case", "max |diff|", "relative", "tolerance", "energy diff", "tolerance", "result"});
  for (const auto& c : report.cases) {
    if (!all_rows && c.passed) continue;
    t.add({c.c.name(), sci(c.max_abs_error), sci(c.max_rel_error), sci(c.field_tolerance),
           sci(c.energy_rel_diff), sci(c.energy_tolerance), c.passed ? "pass" : "FAIL"});
  }
  std::cout << "validate " << backend << " against " << reference << ", " << report.steps
            << " steps per case\n";
  t.print(std::cout);
  std::cout << report.cases.size() - static_cast<std::size_t>(report.failures()) << " passed, "
            << report.failures() << " failed\n";
  return report;
}

int validate_command(const ValidateArgs& a) {
  const auto precisions = parse_precisions(a.precisions);
  find_backend(a.backend);  // an unknown name creates no results directory
  find_backend(a.against);
  const auto out = prepare_out_dir(a.out, a.backend);
  const perf::ValidationReport report = validate_and_print(a.backend, a.against, precisions, true);
  write_text_atomically(out / "validation.json", perf::to_json(report) + "\n");
  std::cout << "wrote " << (out / "validation.json").string() << "\n";
  return report.passed() ? 0 : 1;
}

}  // namespace lfm::app
