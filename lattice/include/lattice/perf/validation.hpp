#pragma once
// "Validate first, benchmark second": a backend is compared with a reference
// (the baseline by default) over the standard matrix of SPEC §6 — every
// dimension, both orders, every boundary, χ scalar and field, γ zero and
// not, each precision the backend runs — on fields and energy traces.
#include <cstddef>
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
  std::size_t extent = 0;  // cells per axis; 0: the small standard grid of `dims`
  int steps = 100;
  // "3d_o4_absorbing_chifield_damped_float32"; a case on a grid of its own
  // extent names it before the precision: "3d_o4_…_damped_n40_float32".
  std::string name() const;
};

struct CaseResult {
  ValidationCase c;
  std::vector<std::size_t> shape;  // the lattice the case ran on
  int threads = 1;                 // OpenMP threads of the host backends' loops on it
  std::string tuning;              // what the candidate tuned itself to, if anything
  double max_abs_error = 0;        // max |candidate − reference| over E after the run
  double max_rel_error = 0;        // the same over max|reference| (SPEC §6's measure)
  double energy_rel_diff = 0;      // max over the trace of |Δ energy| / |energy_reference(0)|
  double field_tolerance = 0;
  double energy_tolerance = 0;     // implied by the field tolerance (validation.cpp)
  bool passed = false;
};

struct ValidationReport {
  std::string backend;
  std::string reference;
  int steps = 0;  // of the small-grid cases; every case records its own
  std::vector<CaseResult> cases;
  bool passed() const;
  int failures() const;
};

// The matrix for the given precisions: every combination on small grids for
// `steps` steps, and the threaded sizes (2D 256², 3D 40³) for fewer.
std::vector<ValidationCase> validation_matrix(const std::vector<Precision>& precisions, int steps = 100);

// SPEC §6 tolerances: 1e-12 of max|reference| for float64, 1e-4 for float32.
double field_tolerance(Precision p);

// Runs every case of the matrix (small grids for `steps`, SPEC §6: 100)
// with a fresh candidate and reference each, as a run creates them, so a
// backend that tunes itself tunes on the case's grid. A float32 case always
// runs its reference in float64 from the same rounded initial pair, as
// SPEC §6 asks. Throws InputError for an unknown or unavailable name.
ValidationReport validate_backend(const std::string& backend, const std::string& reference,
                                  const std::vector<Precision>& precisions, int steps = 100);

std::string to_json(const ValidationReport& r);

}  // namespace lfm::perf
