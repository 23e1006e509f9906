#pragma once
// "Validate first, benchmark second": a backend is compared with a reference
// (the baseline by default) over the standard matrix of SPEC §6 — every
// dimension, both orders, every boundary, χ scalar and field, γ zero and
// not, each precision the backend runs — on fields and energy traces.
#include <string>
#include <vector>

#include "lattice/params.hpp"

namespace lfm::perf {

struct ValidationCase {
  int dims = 1;
  int order = 2;
  Boundary boundary = Boundary::periodic;
  bool chi_field = false;
  double gamma = 0;
  Precision precision = Precision::float64;
  std::string name() const;  // "3d_o4_absorbing_chifield_damped_float32"
};

struct CaseResult {
  ValidationCase c;
  double max_abs_error = 0;     // max |candidate − reference| over E after the run
  double max_rel_error = 0;     // the same over max|reference| (SPEC §6's measure)
  double energy_rel_diff = 0;   // max over the trace of |ΔH| / |H_reference(0)|
  double field_tolerance = 0;
  double energy_tolerance = 0;
  bool passed = false;
};

struct ValidationReport {
  std::string backend;
  std::string reference;
  int steps = 0;
  std::vector<CaseResult> cases;
  bool passed() const;
  int failures() const;
};

// The matrix for the given precisions.
std::vector<ValidationCase> validation_matrix(const std::vector<Precision>& precisions);

// SPEC §6 tolerances: 1e-12 of max|reference| for float64, 1e-4 for float32.
double field_tolerance(Precision p);

// Runs every case for `steps` (SPEC §6: 100) with both backends. A float32
// case always runs its reference in float64 from the same rounded initial
// pair, as SPEC §6 asks. Throws InputError for an unknown or unavailable name.
ValidationReport validate_backend(const std::string& backend, const std::string& reference,
                                  const std::vector<Precision>& precisions, int steps = 100);

std::string to_json(const ValidationReport& r);

}  // namespace lfm::perf
