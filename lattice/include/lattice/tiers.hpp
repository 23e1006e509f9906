#pragma once
// Physics validation tiers: quantities measured on the lattice against
// references from the physics, run on any backend. Tier 1 relativistic
// behaviour, tier 2 the gravity analogue (χ as a refractive medium), tier 3
// energy, tier 4 quantization. Every threshold follows from the
// discretisation (each check says how), never from what a backend produced.
#include <functional>
#include <string>
#include <vector>

#include "lattice/backend.hpp"

namespace lfm::tiers {

// How a measured value is judged against its reference.
enum class Judge {
  relative,  // |measured − expected| ≤ tolerance · |expected|
  absolute,  // |measured − expected| ≤ tolerance
  at_most,   // measured ≤ tolerance (expected is shown as the ideal value)
};

struct Comparison {
  std::string quantity;  // what was measured, e.g. "omega, chi/k = 10"
  double measured = 0;
  double expected = 0;
  double tolerance = 0;
  Judge judge = Judge::relative;

  // The number compared with the tolerance: relative or absolute deviation,
  // or the measured value itself for at_most.
  double deviation() const;
  bool passed() const;
};

// "omega, chi/k = 10: measured 1.2, expected 1.2, relative deviation 3e-9 ≤ 1e-6"
std::string describe(const Comparison& c);

// Data a check measured along the way, for plots (the dispersion curve).
struct Series {
  std::string name;
  std::vector<std::string> columns;
  std::vector<std::vector<double>> rows;
};

struct Outcome {
  std::vector<Comparison> comparisons;
  std::vector<Series> series;
  bool passed() const;  // every comparison passed, and there was at least one
};

struct Check {
  int tier = 0;
  int number = 0;     // 1..14, as listed in the README's physics section
  std::string id;     // stable, snake_case: used in test names and tiers.json
  std::string title;  // one line for tables
  std::function<Outcome(Backend&)> run;
};

std::vector<Check> relativistic_checks();  // tier 1: checks 1–5
std::vector<Check> gravity_checks();       // tier 2: checks 6–9
std::vector<Check> energy_checks();        // tier 3: checks 10–12
std::vector<Check> quantization_checks();  // tier 4: checks 13–14
// All of them, in order of number.
const std::vector<Check>& all_checks();

struct Result {
  const Check* check = nullptr;
  Outcome outcome;
  double seconds = 0;
  std::string error;  // an exception the check threw; the check then failed
  bool passed() const { return error.empty() && outcome.passed(); }
};

// Runs one check on a fresh backend of that name, timing it.
Result run_check(const Check& check, const std::string& backend_name);

}  // namespace lfm::tiers
