// Parameters: JSON with LFM's names, every refusal of validate(), and the
// stability limit of SPEC §4 computed independently here.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "lattice/error.hpp"
#include "lattice/grid.hpp"
#include "lattice/params.hpp"
#include "lattice/suggest.hpp"

namespace lfm {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

constexpr double nan_value = std::numeric_limits<double>::quiet_NaN();
constexpr double inf_value = std::numeric_limits<double>::infinity();

std::string json_error(const std::string& text) {
  try {
    params_from_json(text, "cfg.json");
  } catch (const InputError& e) {
    return e.what();
  }
  return "(accepted)";
}

std::string validate_error(const Params& p, const Grid& g, double chi_max = 0) {
  try {
    validate(p, g, chi_max, false);
  } catch (const InputError& e) {
    return e.what();
  }
  return "(accepted)";
}

Params valid() {
  Params p;
  p.dt = 0.1;
  p.dx = 1.0;
  return p;
}

const Grid grid3({16, 16, 16});

// ---- JSON ----------------------------------------------------------------

TEST(ParamsJson, RoundTripsEveryKey) {
  Params p = valid();
  p.dt = 0.1234567890123456;  // needs all 17 digits to read back exactly
  p.dx = 1.0 / 3.0;
  p.alpha = 2.5;
  p.beta = 0.5;
  p.chi = 0.7;
  p.gamma_damp = 0.01;
  p.boundary = Boundary::absorbing;
  p.absorb_width = 3;
  p.absorb_factor = 0.9;
  p.stencil_order = 4;
  p.precision = Precision::float32;
  const Params q = params_from_json(params_to_json(p), "round-trip");
  EXPECT_EQ(q.dt, p.dt);
  EXPECT_EQ(q.dx, p.dx);
  EXPECT_EQ(q.alpha, p.alpha);
  EXPECT_EQ(q.beta, p.beta);
  EXPECT_EQ(q.chi, p.chi);
  EXPECT_EQ(q.gamma_damp, p.gamma_damp);
  EXPECT_EQ(q.boundary, p.boundary);
  EXPECT_EQ(q.absorb_width, p.absorb_width);
  EXPECT_EQ(q.absorb_factor, p.absorb_factor);
  EXPECT_EQ(q.stencil_order, p.stencil_order);
  EXPECT_EQ(q.precision, p.precision);
}

TEST(ParamsJson, WritesEveryKeyIndentedByTwo) {
  const std::string text = params_to_json(valid());
  for (const auto& key : param_keys()) EXPECT_THAT(text, HasSubstr("\n  \"" + key + "\": ")) << key;
}

TEST(ParamsJson, DefaultsFollowLfm) {
  const Params p = params_from_json(R"({"dt": 0.1, "dx": 0.5})", "cfg.json");
  EXPECT_EQ(p.dt, 0.1);
  EXPECT_EQ(p.dx, 0.5);
  EXPECT_EQ(p.alpha, 1.0);
  EXPECT_EQ(p.beta, 1.0);
  EXPECT_EQ(p.chi, 0.0);
  EXPECT_EQ(p.gamma_damp, 0.0);
  EXPECT_EQ(p.boundary, Boundary::periodic);
  EXPECT_EQ(p.absorb_width, 4);
  EXPECT_EQ(p.absorb_factor, 1.0);
  EXPECT_EQ(p.stencil_order, 2);
  EXPECT_EQ(p.precision, Precision::float64);
}

TEST(ParamsJson, UnknownKeySuggestsTheNearest) {
  EXPECT_THAT(json_error(R"({"dt": 0.1, "dx": 1, "gamma_dump": 0})"),
              AllOf(StartsWith("cfg.json: "), HasSubstr("'gamma_dump'"),
                    HasSubstr("did you mean 'gamma_damp'"), HasSubstr("accepted: dt, dx, alpha")));
}

TEST(ParamsJson, UnknownKeyFarFromAllListsTheAcceptedOnly) {
  const std::string msg = json_error(R"({"dt": 0.1, "dx": 1, "_comment": "x"})");
  EXPECT_THAT(msg, AllOf(HasSubstr("unknown key '_comment'"), HasSubstr("accepted:"),
                         Not(HasSubstr("did you mean"))));
}

TEST(ParamsJson, MalformedJsonGivesLineAndColumn) {
  EXPECT_THAT(json_error("{\"dt\": 0.1,\n  \"dx\": ,\n  \"alpha\": 1}"),
              AllOf(StartsWith("cfg.json: malformed JSON at line 2, column"), HasSubstr("line 2")));
  EXPECT_THAT(json_error(""), HasSubstr("cfg.json: malformed JSON at line 1"));
}

TEST(ParamsJson, MissingRequiredKeyIsNamed) {
  EXPECT_THAT(json_error(R"({"dx": 1})"), HasSubstr("cfg.json: missing required key 'dt'"));
  EXPECT_THAT(json_error(R"({"dt": 0.1})"), HasSubstr("cfg.json: missing required key 'dx'"));
}

TEST(ParamsJson, WrongTypesNameKeyFoundAndExpected) {
  EXPECT_THAT(json_error(R"({"dt": "0.1", "dx": 1})"),
              AllOf(HasSubstr("dt = \"0.1\" is a string"), HasSubstr("expected a number")));
  EXPECT_THAT(json_error(R"({"dt": 0.1, "dx": true})"), AllOf(HasSubstr("dx = true is a boolean"),
                                                               HasSubstr("expected a number")));
  EXPECT_THAT(json_error(R"({"dt": 0.1, "dx": 1, "stencil_order": 4.5})"),
              AllOf(HasSubstr("stencil_order = 4.5 is not an integer"), HasSubstr("2 or 4")));
  EXPECT_THAT(json_error(R"({"dt": 0.1, "dx": 1, "absorb_width": 18446744073709551615})"),
              AllOf(HasSubstr("absorb_width = 18446744073709551615"), HasSubstr("does not fit")));
  EXPECT_THAT(json_error(R"({"dt": 0.1, "dx": 1, "chi": [1, 2]})"),
              AllOf(HasSubstr("chi = [1,2] is an array"), HasSubstr(".npy file with --chi")));
  EXPECT_THAT(json_error(R"({"dt": 0.1, "dx": 1, "boundary": 3})"),
              AllOf(HasSubstr("boundary = 3 is a number"), HasSubstr("periodic, reflective or absorbing")));
  EXPECT_THAT(json_error("[1, 2]"), AllOf(StartsWith("cfg.json: "), HasSubstr("expected a JSON object")));
}

TEST(ParamsJson, UnknownEnumNamesSuggest) {
  EXPECT_THAT(json_error(R"({"dt": 0.1, "dx": 1, "boundary": "absorbng"})"),
              AllOf(StartsWith("cfg.json: boundary = 'absorbng' is unknown"),
                    HasSubstr("did you mean 'absorbing'"), HasSubstr("periodic, reflective, absorbing")));
  EXPECT_THAT(json_error(R"({"dt": 0.1, "dx": 1, "precision": "float16"})"),
              AllOf(HasSubstr("precision = 'float16'"), HasSubstr("float64, float32")));
}

TEST(ParamsJson, NumberBeyondFloat64IsNotFinite) {
  EXPECT_THAT(json_error("{\"dx\": 1,\n \"dt\": 1e999}"),
              AllOf(StartsWith("cfg.json: dt = 1e999 at line 2, column 8"), HasSubstr("not finite")));
}

TEST(ParamsJson, RepeatedKeyRefused) {
  EXPECT_THAT(json_error(R"({"dt": 0.1, "dx": 1, "dt": 0.2})"), HasSubstr("key 'dt' appears more than once"));
}

TEST(ParamsNames, EnumsRoundTripThroughText) {
  for (Boundary b : {Boundary::periodic, Boundary::reflective, Boundary::absorbing}) {
    EXPECT_EQ(parse_boundary(to_string(b)), b);
  }
  for (Precision p : {Precision::float64, Precision::float32}) EXPECT_EQ(parse_precision(to_string(p)), p);
  EXPECT_THROW(parse_boundary("Periodic "), InputError);
}

// ---- validate() ------------------------------------------------------------

TEST(Validate, AcceptsAValidSet) { EXPECT_EQ(validate_error(valid(), grid3), "(accepted)"); }

struct Refusal {
  std::string name;
  void (*spoil)(Params&);
  std::vector<std::string> expected;
  double chi_max = 0;
  friend void PrintTo(const Refusal& r, std::ostream* os) { *os << r.name; }
};

std::vector<Refusal> refusals() {
  return {
      {"nan_dt", [](Params& p) { p.dt = nan_value; }, {"dt = nan is not finite", "expected a finite number > 0"}},
      {"inf_dx", [](Params& p) { p.dx = inf_value; }, {"dx = inf is not finite"}},
      {"nan_alpha", [](Params& p) { p.alpha = nan_value; }, {"alpha = nan is not finite"}},
      {"inf_beta", [](Params& p) { p.beta = -inf_value; }, {"beta = -inf is not finite"}},
      {"inf_chi", [](Params& p) { p.chi = inf_value; }, {"chi = inf is not finite"}},
      {"nan_gamma", [](Params& p) { p.gamma_damp = nan_value; }, {"gamma_damp = nan is not finite", "[0, 1)"}},
      {"nan_absorb_factor", [](Params& p) { p.absorb_factor = nan_value; }, {"absorb_factor = nan is not finite"}},
      {"nan_chi_max", [](Params&) {}, {"max|χ| = nan is not finite"}, nan_value},
      {"zero_dt", [](Params& p) { p.dt = 0; }, {"dt = 0 is not positive", "expected dt > 0"}},
      {"negative_dx", [](Params& p) { p.dx = -1; }, {"dx = -1 is not positive", "expected dx > 0"}},
      {"zero_alpha", [](Params& p) { p.alpha = 0; }, {"alpha = 0 is not positive"}},
      {"negative_beta", [](Params& p) { p.beta = -2; }, {"beta = -2 is not positive"}},
      {"gamma_one", [](Params& p) { p.gamma_damp = 1; }, {"gamma_damp = 1 is outside [0, 1)"}},
      {"gamma_negative", [](Params& p) { p.gamma_damp = -0.1; }, {"gamma_damp = -0.1 is outside [0, 1)"}},
      {"order_3", [](Params& p) { p.stencil_order = 3; }, {"stencil_order = 3 is not supported; expected 2 or 4"}},
      {"absorb_width_0",
       [](Params& p) {
         p.boundary = Boundary::absorbing;
         p.absorb_width = 0;
       },
       {"absorb_width = 0 is too small", "expected >= 1"}},
      {"absorb_width_half",
       [](Params& p) {
         p.boundary = Boundary::absorbing;
         p.absorb_width = 8;
       },
       {"absorb_width = 8", "16x16x16", "the largest accepted is 7"}},
      {"absorb_factor_negative",
       [](Params& p) {
         p.boundary = Boundary::absorbing;
         p.absorb_factor = -1;
       },
       {"absorb_factor = -1 is negative", "expected >= 0"}},
  };
}

class ValidateRefuses : public ::testing::TestWithParam<Refusal> {};

TEST_P(ValidateRefuses, NamesTheInputAndTheValue) {
  Params p = valid();
  GetParam().spoil(p);
  const std::string msg = validate_error(p, grid3, GetParam().chi_max);
  for (const auto& part : GetParam().expected) EXPECT_THAT(msg, HasSubstr(part));
  EXPECT_EQ(msg.find('\n'), std::string::npos) << "one line: " << msg;
}

INSTANTIATE_TEST_SUITE_P(EveryRule, ValidateRefuses, ::testing::ValuesIn(refusals()),
                         [](const auto& info) { return info.param.name; });

TEST(Validate, AbsorbingChecksOnlyApplyToAbsorbing) {
  Params p = valid();
  p.absorb_width = 0;
  p.absorb_factor = -1;
  EXPECT_EQ(validate_error(p, grid3), "(accepted)");
  p.boundary = Boundary::absorbing;
  p.absorb_width = 7;
  p.absorb_factor = 0.5;
  EXPECT_EQ(validate_error(p, grid3), "(accepted)");
}

TEST(Validate, AxisShorterThanTheStencil) {
  Params p = valid();
  p.stencil_order = 4;
  EXPECT_THAT(validate_error(p, Grid({16, 4})),
              AllOf(HasSubstr("axis 1 of shape 16x4 has 4 cells"), HasSubstr("order-4"), HasSubstr("at least 5")));
  EXPECT_EQ(validate_error(p, Grid({16, 5})), "(accepted)");
  p.stencil_order = 2;
  EXPECT_EQ(validate_error(p, Grid({16, 4})), "(accepted)");
  EXPECT_THAT(validate_error(p, Grid({2})), AllOf(HasSubstr("axis 0 of shape 2"), HasSubstr("at least 3")));
}

// ---- stability (SPEC §4) ---------------------------------------------------

// Stable when dt² (c² λ_max + χ_max²) <= 4, λ_max = 4d/dx² (order 2) or
// (16/3)d/dx² (order 4), so the limit is 2 / sqrt(c² λ_max + χ_max²).
double spec_limit(int order, int dims, double dx, double c2, double chi_max) {
  const double lambda = (order == 2 ? 4.0 : 16.0 / 3.0) * dims / (dx * dx);
  return 2.0 / std::sqrt(c2 * lambda + chi_max * chi_max);
}

void expect_limit_enforced(Params p, const Grid& g, double chi_max, double limit) {
  p.dt = 0.999 * limit;
  EXPECT_NO_THROW(validate(p, g, chi_max, false));
  p.dt = 1.001 * limit;
  EXPECT_THAT(validate_error(p, g, chi_max),
              AllOf(HasSubstr("unstable"), HasSubstr("largest stable dt"), HasSubstr("--allow-unstable")));
  EXPECT_NO_THROW(validate(p, g, chi_max, true));
}

TEST(Stability, Order2In3DIsTheCflRule) {
  const Grid g({8, 8, 8});
  Params p = valid();
  const double limit = max_stable_dt(p, 3, 0.0);
  EXPECT_NEAR(limit, 1 / std::sqrt(3.0), 1e-12);
  EXPECT_DOUBLE_EQ(laplacian_max_eigenvalue(p, 3), 12.0);
  expect_limit_enforced(p, g, 0.0, limit);
}

TEST(Stability, RefusalNamesTheNumbers) {
  Params p = valid();
  p.dt = 0.6;
  EXPECT_NEAR(stability_number(p, 3, 0.0), 4.32, 1e-12);
  EXPECT_THAT(validate_error(p, Grid({8, 8, 8})),
              AllOf(StartsWith("dt = 0.6 is unstable for the 3D order-2 stencil"), HasSubstr("dx = 1"),
                    HasSubstr("c² = 1"), HasSubstr("max|χ| = 0"), HasSubstr("= 4.32 > 4"),
                    HasSubstr("the largest stable dt is 0.57735 ")));
}

TEST(Stability, PrintedLimitIsItselfStable) {
  // The limit is printed rounded down, so pasting it back is accepted, and a
  // dt just past the limit is printed with enough digits to differ from it.
  Params p = valid();
  const Grid g({8, 8, 8});
  const double limit = max_stable_dt(p, 3, 0.0);
  p.dt = limit * (1 + 1e-9);
  const std::string msg = validate_error(p, g);
  const std::string marker = "the largest stable dt is ";
  ASSERT_THAT(msg, HasSubstr(marker));
  p.dt = std::stod(msg.substr(msg.find(marker) + marker.size()));
  EXPECT_EQ(validate_error(p, g), "(accepted)");
  EXPECT_THAT(msg, Not(HasSubstr("dt = 0.57735 ")));
  EXPECT_THAT(msg, Not(HasSubstr("= 4 > 4")));
}

TEST(Stability, Order4In1DWithChi) {
  const Grid g({32});
  Params p = valid();
  p.stencil_order = 4;
  const double chi_max = 0.5;
  const double limit = spec_limit(4, 1, 1.0, 1.0, chi_max);
  EXPECT_NEAR(max_stable_dt(p, 1, chi_max), limit, 1e-12);
  expect_limit_enforced(p, g, chi_max, limit);
}

TEST(Stability, EveryDimensionOrderSpacingAndSpeed) {
  for (int order : {2, 4}) {
    for (int dims : {1, 2, 3}) {
      const Grid g(std::vector<std::size_t>(static_cast<std::size_t>(dims), 8));
      Params p = valid();
      p.stencil_order = order;
      p.dx = 0.5;
      p.alpha = 2;
      p.beta = 0.5;
      const double chi_max = 1.5;
      const double limit = spec_limit(order, dims, p.dx, 4.0, chi_max);
      EXPECT_NEAR(max_stable_dt(p, dims, chi_max), limit, 1e-12 * limit) << order << " " << dims;
      SCOPED_TRACE("order " + std::to_string(order) + ", " + std::to_string(dims) + "D");
      expect_limit_enforced(p, g, chi_max, limit);
    }
  }
}

// ---- suggestions ---------------------------------------------------------

TEST(Suggest, EditDistanceIsLevenshtein) {
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
  EXPECT_EQ(edit_distance("", "abc"), 3u);
  EXPECT_EQ(edit_distance("abc", ""), 3u);
  EXPECT_EQ(edit_distance("dt", "dt"), 0u);
  EXPECT_EQ(edit_distance("absorb_widht", "absorb_width"), 2u);
}

TEST(Suggest, FindsCloseNamesOnly) {
  EXPECT_EQ(nearest("absorb_widht", param_keys()), "absorb_width");
  EXPECT_EQ(nearest("zzzzzz", param_keys()), "");
  EXPECT_EQ(nearest("gamma_dump", param_keys()), "gamma_damp");
  EXPECT_EQ(nearest("anything", {}), "");
}

TEST(Suggest, HintHasSuggestionThenAcceptedNames) {
  EXPECT_EQ(unknown_name_hint("dy", {"dt", "dx"}), " (did you mean 'dt'?); accepted: dt, dx");
  EXPECT_EQ(unknown_name_hint("zzzzzz", {"dt", "dx"}), "; accepted: dt, dx");
}

}  // namespace
}  // namespace lfm
