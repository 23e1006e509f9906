#include "lattice/tiers.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <exception>
#include <sstream>

namespace lfm::tiers {

double Comparison::deviation() const {
  switch (judge) {
    case Judge::relative: return std::abs(measured - expected) / std::abs(expected);
    case Judge::absolute: return std::abs(measured - expected);
    case Judge::at_most: return measured;
  }
  return measured;
}

bool Comparison::passed() const {
  // NaN deviations compare false, so a NaN measurement fails.
  return deviation() <= tolerance;
}

std::string describe(const Comparison& c) {
  std::ostringstream out;
  out.precision(10);
  out << c.quantity << ": measured " << c.measured << ", expected " << c.expected << ", ";
  out.precision(3);
  switch (c.judge) {
    case Judge::relative: out << "relative deviation " << c.deviation() << " ≤ "; break;
    case Judge::absolute: out << "deviation " << c.deviation() << " ≤ "; break;
    case Judge::at_most: out << "required ≤ "; break;
  }
  out << c.tolerance << (c.passed() ? ": pass" : ": FAIL");
  return out.str();
}

bool Outcome::passed() const {
  return !comparisons.empty() &&
         std::all_of(comparisons.begin(), comparisons.end(), [](const Comparison& c) { return c.passed(); });
}

const std::vector<Check>& all_checks() {
  static const std::vector<Check> checks = [] {
    std::vector<Check> all;
    for (auto&& group : {relativistic_checks(), gravity_checks(), energy_checks(), quantization_checks()}) {
      all.insert(all.end(), group.begin(), group.end());
    }
    std::stable_sort(all.begin(), all.end(), [](const Check& a, const Check& b) { return a.number < b.number; });
    return all;
  }();
  return checks;
}

Result run_check(const Check& check, const std::string& backend_name) {
  Result r;
  r.check = &check;
  const auto start = std::chrono::steady_clock::now();
  try {
    auto backend = make_backend(backend_name);
    r.outcome = check.run(*backend);
  } catch (const std::exception& e) {
    r.error = e.what();
  }
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return r;
}

}  // namespace lfm::tiers
