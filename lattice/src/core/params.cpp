// Names of the enums, and the checks that turn a Params into one the backends
// may trust: every number finite and in range, the grid large enough for the
// stencil and the absorbing layer, every product the step forms from dt, dx
// and c² representable in the run's precision, and dt within the leapfrog
// limit (SPEC §4).
#include "lattice/params.hpp"

#include <cmath>
#include <cstdlib>
#include <limits>
#include <sstream>
#include <string>

#include "lattice/error.hpp"
#include "lattice/grid.hpp"
#include "lattice/suggest.hpp"

namespace lfm {
namespace {

std::string num(double v, int precision = 6) {
  std::ostringstream s;
  s.precision(precision);
  s << v;
  return s.str();
}

// v printed with the fewest digits (>= 6) that tell it apart from `other`,
// so that "dt = 0.577351 > largest stable 0.57735" never reads "0.57735 > 0.57735".
std::string num_apart_from(double v, double other) {
  for (int precision = 6; precision < 17; ++precision) {
    if (num(v, precision) != num(other, precision)) return num(v, precision);
  }
  return num(v, 17);
}

// The limit rounded down to 6 significant digits, so that the printed value
// can be pasted back into a config and is itself stable.
std::string num_at_most(double limit) {
  if (!(limit > 0) || !std::isfinite(limit)) return num(limit);
  const double scale = std::pow(10.0, 5 - std::floor(std::log10(limit)));
  const std::string shown = num(std::floor(limit * scale) / scale);
  return std::strtod(shown.c_str(), nullptr) <= limit ? shown : num(limit, 17);
}

void require(bool ok, const std::string& message) {
  if (!ok) throw InputError(message);
}

// `expected` is the accepted range of the input, shown so that the user sees
// what to write instead.
void require_finite(const char* name, double v, const char* expected) {
  require(std::isfinite(v), std::string(name) + " = " + num(v) + " is not finite; expected " + expected);
}

void require_order(int order) {
  require(order == 2 || order == 4,
          "stencil_order = " + std::to_string(order) + " is not supported; expected 2 or 4");
}

// The range of magnitudes a number has full precision in: from the smallest
// normal to the largest finite value of the run's precision.
struct NormalRange {
  double lowest, highest;
  const char* name;
};

NormalRange normal_range(Precision p) {
  if (p == Precision::float32) {
    return {std::numeric_limits<float>::min(), std::numeric_limits<float>::max(), "float32"};
  }
  return {std::numeric_limits<double>::min(), std::numeric_limits<double>::max(), "float64"};
}

// `what` (a quantity the step or the diagnostics form from the inputs) must
// neither overflow nor underflow in the run's precision: an overflow turns
// the field into Inf/NaN at the first step, an underflow drops a term of the
// equation without a word. `inputs` names the parameters it comes from.
void require_normal(const std::string& what, double v, const std::string& inputs, const NormalRange& r) {
  const double a = std::abs(v);
  if (std::isfinite(v) && a >= r.lowest && a <= r.highest) return;
  throw InputError(what + " = " + num(v) + " (from " + inputs + ") " +
                   (std::isfinite(v) && a < r.lowest ? "underflows " : "overflows ") + r.name + "; expected " +
                   what + " within [" + num(r.lowest) + ", " + num(r.highest) + "]");
}

// The products the backends and diagnostics compute (SPEC §4), each checked
// in the precision it is computed in: the update in the run's precision,
// the energy's cell volume dx^d in float64.
void require_representable(const Params& p, int dims, double chi_max) {
  const NormalRange run = normal_range(p.precision), f64 = normal_range(Precision::float64);
  const std::string dx = "dx = " + num(p.dx), dt = "dt = " + num(p.dt);
  require_normal("c² = alpha/beta", p.c2(), "alpha = " + num(p.alpha) + " and beta = " + num(p.beta), run);
  require_normal("dx²", p.dx * p.dx, dx, run);
  require_normal("1/dx²", 1 / (p.dx * p.dx), dx, run);
  if (p.stencil_order == 4) require_normal("12·dx²", 12 * p.dx * p.dx, dx, run);
  require_normal("dt²", p.dt * p.dt, dt, run);
  require_normal("dt²c²/dx²", p.dt * p.dt * p.c2() / (p.dx * p.dx), dt + ", " + dx + ", c² = " + num(p.c2()), run);
  require_normal("dx^" + std::to_string(dims) + " (the cell volume)", std::pow(p.dx, dims), dx, f64);
  // χ may be 0; only an overflow of its terms is an error.
  const std::string chi = "max|χ| = " + num(chi_max);
  const double chi2 = chi_max * chi_max;
  require(chi2 <= run.highest, "χ² = " + num(chi2) + " (from " + chi + ") overflows " + run.name +
                                   "; expected χ² <= " + num(run.highest));
  require(p.dt * p.dt * chi2 <= run.highest, "dt²χ² = " + num(p.dt * p.dt * chi2) + " (from " + dt + ", " + chi +
                                                 ") overflows " + run.name + "; expected <= " + num(run.highest));
  const double s = stability_number(p, dims, chi_max);
  require(std::isfinite(s), "the stability sum dt²(c²λ_max + χ_max²) = " + num(s) + " (from " + dt + ", " + dx +
                                ", c² = " + num(p.c2()) + ", " + chi + ") overflows; expected a finite sum <= 4");
}

}  // namespace

std::string_view to_string(Boundary b) {
  switch (b) {
    case Boundary::periodic: return "periodic";
    case Boundary::reflective: return "reflective";
    case Boundary::absorbing: return "absorbing";
  }
  return "unknown";
}

std::string_view to_string(Precision p) {
  switch (p) {
    case Precision::float64: return "float64";
    case Precision::float32: return "float32";
  }
  return "unknown";
}

Boundary parse_boundary(std::string_view text) {
  static const std::vector<std::string> names = {"periodic", "reflective", "absorbing"};
  for (Boundary b : {Boundary::periodic, Boundary::reflective, Boundary::absorbing}) {
    if (text == to_string(b)) return b;
  }
  throw InputError("boundary = '" + std::string(text) + "' is unknown" + unknown_name_hint(text, names));
}

Precision parse_precision(std::string_view text) {
  static const std::vector<std::string> names = {"float64", "float32"};
  for (Precision p : {Precision::float64, Precision::float32}) {
    if (text == to_string(p)) return p;
  }
  throw InputError("precision = '" + std::string(text) + "' is unknown" + unknown_name_hint(text, names));
}

const std::vector<std::string>& param_keys() {
  static const std::vector<std::string> keys = {
      "dt",           "dx",           "alpha",         "beta",          "chi",      "gamma_damp",
      "boundary",     "absorb_width", "absorb_factor", "stencil_order", "precision"};
  return keys;
}

double laplacian_max_eigenvalue(const Params& p, int dims) {
  require_order(p.stencil_order);
  // Per axis, the symbol of −∇²_h peaks at the Nyquist mode kΔx = π:
  // order 2: 4/Δx²; order 4: (16·1 − 0)/(3Δx²). Axes add.
  const double per_axis = p.stencil_order == 2 ? 4.0 : 16.0 / 3.0;
  return per_axis * dims / (p.dx * p.dx);
}

double stability_number(const Params& p, int dims, double chi_max) {
  return p.dt * p.dt * (p.c2() * laplacian_max_eigenvalue(p, dims) + chi_max * chi_max);
}

double max_stable_dt(const Params& p, int dims, double chi_max) {
  return 2.0 / std::sqrt(p.c2() * laplacian_max_eigenvalue(p, dims) + chi_max * chi_max);
}

void validate(const Params& p, const Grid& grid, double chi_max, bool allow_unstable) {
  require_finite("dt", p.dt, "a finite number > 0");
  require_finite("dx", p.dx, "a finite number > 0");
  require_finite("alpha", p.alpha, "a finite number > 0");
  require_finite("beta", p.beta, "a finite number > 0");
  require_finite("chi", p.chi, "a finite number");
  require_finite("gamma_damp", p.gamma_damp, "a finite number in [0, 1)");
  require_finite("absorb_factor", p.absorb_factor, "a finite number >= 0");
  require(std::isfinite(chi_max), "max|χ| = " + num(chi_max) +
                                      " is not finite (the χ field or scalar chi holds a non-finite "
                                      "value); expected finite values");

  require(p.dt > 0, "dt = " + num(p.dt) + " is not positive; expected dt > 0");
  require(p.dx > 0, "dx = " + num(p.dx) + " is not positive; expected dx > 0");
  require(p.alpha > 0, "alpha = " + num(p.alpha) + " is not positive; expected alpha > 0");
  require(p.beta > 0, "beta = " + num(p.beta) + " is not positive; expected beta > 0");
  require(p.gamma_damp >= 0 && p.gamma_damp < 1,
          "gamma_damp = " + num(p.gamma_damp) + " is outside [0, 1); expected 0 <= gamma_damp < 1");
  require_order(p.stencil_order);

  require(grid.dims() >= 1, "the lattice has no axes; expected a shape of 1, 2 or 3 axes");
  // The stencil reads `radius` neighbours on each side with periodic wrap; a
  // shorter axis would read one cell twice (or the cell itself) as a neighbour.
  const std::size_t needed = 2 * static_cast<std::size_t>(p.stencil_radius()) + 1;
  for (int a = 0; a < grid.dims(); ++a) {
    require(grid.extent(a) >= needed,
            "axis " + std::to_string(a) + " of shape " + grid.shape_string() + " has " +
                std::to_string(grid.extent(a)) + " cells; the order-" + std::to_string(p.stencil_order) +
                " stencil needs at least " + std::to_string(needed) + " on every axis");
  }

  if (p.boundary == Boundary::absorbing) {
    require(p.absorb_width >= 1,
            "absorb_width = " + std::to_string(p.absorb_width) + " is too small; expected >= 1");
    // The layers at the two ends of an axis must not meet, or some cells
    // would be absorbed twice and no interior would remain.
    const std::size_t smallest = grid.smallest_extent();
    require(2 * static_cast<std::size_t>(p.absorb_width) < smallest,
            "absorb_width = " + std::to_string(p.absorb_width) +
                " is not less than half the smallest axis (" + std::to_string(smallest) +
                " cells in shape " + grid.shape_string() + "); the largest accepted is " +
                std::to_string((smallest - 1) / 2));
    require(p.absorb_factor >= 0,
            "absorb_factor = " + num(p.absorb_factor) + " is negative; expected >= 0");
  }

  require_representable(p, grid.dims(), chi_max);
  const double s = stability_number(p, grid.dims(), chi_max);
  if (s > 4 && !allow_unstable) {
    const double limit = max_stable_dt(p, grid.dims(), chi_max);
    throw InputError("dt = " + num_apart_from(p.dt, limit) + " is unstable for the " +
                     std::to_string(grid.dims()) + "D order-" + std::to_string(p.stencil_order) +
                     " stencil, dx = " + num(p.dx) + ", c² = " + num(p.c2()) + ", max|χ| = " +
                     num(chi_max) + ": dt²(c²λ_max + χ_max²) = " + num_apart_from(s, 4) +
                     " > 4; the largest stable dt is " + num_at_most(limit) +
                     " (pass --allow-unstable to run anyway)");
  }
}

}  // namespace lfm
