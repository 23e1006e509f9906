#pragma once
// Physical and numerical parameters, named as in LFM's Python dicts so that an
// existing JSON config goes in unchanged. Units: lattice units throughout
// (c = sqrt(alpha/beta) in cells·dx per unit time).
#include <string>
#include <string_view>
#include <vector>

namespace lfm {

class Grid;

enum class Boundary { periodic, reflective, absorbing };
enum class Precision { float64, float32 };

struct Params {
  double dt = 0.0;            // time step, > 0 (required)
  double dx = 0.0;            // lattice spacing on every axis, > 0 (required)
  double alpha = 1.0;         // c² = alpha / beta
  double beta = 1.0;
  double chi = 0.0;           // scalar mass term; a χ field replaces it
  double gamma_damp = 0.0;    // damping, 0 <= gamma_damp < 1
  Boundary boundary = Boundary::periodic;
  int absorb_width = 4;       // planes at each end, >= 1 (absorbing only)
  double absorb_factor = 1.0; // >= 1: set to 0; < 1: multiply (absorbing only)
  int stencil_order = 2;      // 2 or 4
  Precision precision = Precision::float64;

  double c2() const { return alpha / beta; }
  int stencil_radius() const { return stencil_order / 2; }
};

std::string_view to_string(Boundary b);
std::string_view to_string(Precision p);
Boundary parse_boundary(std::string_view text);    // throws InputError
Precision parse_precision(std::string_view text);  // throws InputError

// The keys a config may hold, in the order they are documented.
const std::vector<std::string>& param_keys();

// Checks every number and every relation to the grid, throwing InputError
// with the first problem found. chi_max is max|χ| over the lattice (the
// scalar χ or the χ field). Products that overflow or underflow in the run's
// precision (dx², dt², dt²c²/dx², the stability sum) are refused; an
// unstable dt is refused unless allow_unstable.
void validate(const Params& p, const Grid& grid, double chi_max, bool allow_unstable);

// Largest eigenvalue of −∇²_h (SPEC §4): 4d/dx² (order 2), (16/3)d/dx² (order 4).
double laplacian_max_eigenvalue(const Params& p, int dims);
// dt² (c² λ_max + χ_max²); leapfrog is stable when this is <= 4.
double stability_number(const Params& p, int dims, double chi_max);
// The largest stable dt for these parameters.
double max_stable_dt(const Params& p, int dims, double chi_max);

// JSON with the keys above; unknown keys are refused with the nearest known
// key suggested; malformed JSON is reported with line and column. `source`
// names the input in messages (a file name).
Params params_from_json(std::string_view text, std::string_view source);
std::string params_to_json(const Params& p);

}  // namespace lfm
