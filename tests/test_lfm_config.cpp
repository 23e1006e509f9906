// LFM run configs: every mapped key lands in the lfm parameter it means,
// LFM's defaults apply, keys that cannot change the fields are listed as
// ignored, keys that could are refused, and a variant's overrides apply. The
// CLI run of an LFM file is bit-identical to the same run in lfm's own format.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "cli_helpers.hpp"
#include "lattice/error.hpp"
#include "lattice/lfm_config.hpp"
#include "lattice/npy.hpp"
#include "support/test_states.hpp"

namespace lfm::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

RunConfig read(const std::string& text, std::optional<std::string> variant = std::nullopt) {
  return read_run_config(text, "peer.json", variant);
}

// The InputError message of reading `text`, "" when it is accepted.
std::string refusal(const std::string& text, std::optional<std::string> variant = std::nullopt) {
  try {
    read(text, variant);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

TEST(LfmConfig, MapsEveryParameterKeyUnderItsLfmName) {
  const RunConfig c = read(R"({"parameters": {
      "dt": 0.125, "dx": 0.5, "alpha": 3.0, "beta": 2.0, "chi": 0.25, "gamma_damp": 0.01,
      "boundary": "absorbing", "absorb_width": 3, "absorb_factor": 0.5, "stencil_order": 4,
      "precision": "float32", "grid_points": 24, "dimensions": 3, "steps": 17}})");
  EXPECT_TRUE(c.lfm_format);
  EXPECT_EQ(c.params.dt, 0.125);
  EXPECT_EQ(c.params.dx, 0.5);
  EXPECT_EQ(c.params.alpha, 3.0);
  EXPECT_EQ(c.params.beta, 2.0);
  EXPECT_EQ(c.params.chi, 0.25);
  EXPECT_EQ(c.params.gamma_damp, 0.01);
  EXPECT_EQ(c.params.boundary, Boundary::absorbing);
  EXPECT_EQ(c.params.absorb_width, 3);
  EXPECT_EQ(c.params.absorb_factor, 0.5);
  EXPECT_EQ(c.params.stencil_order, 4);
  EXPECT_EQ(c.params.precision, Precision::float32);
  EXPECT_TRUE(c.precision_given);
  EXPECT_EQ(c.dims, 3);
  EXPECT_THAT(c.grid_points, ElementsAre(24u));
  EXPECT_TRUE(c.each_axis);
  ASSERT_TRUE(c.steps.has_value());
  EXPECT_EQ(*c.steps, 17);
  EXPECT_TRUE(c.ignored.empty());
}

TEST(LfmConfig, MapsLfmsOtherSpellings) {
  const RunConfig c = read(R"({"parameters": {"time_step": 0.01, "space_step": 0.02, "c": 1.5,
      "chi_const": 0.3, "damping": 5e-7, "order": 4, "N": 32, "ndim": 1}})");
  EXPECT_EQ(c.params.dt, 0.01);
  EXPECT_EQ(c.params.dx, 0.02);
  EXPECT_EQ(c.params.alpha, 1.5 * 1.5);
  EXPECT_EQ(c.params.beta, 1.0);
  EXPECT_EQ(c.params.c2(), 2.25);
  EXPECT_EQ(c.params.chi, 0.3);
  EXPECT_EQ(c.params.gamma_damp, 5e-7);
  EXPECT_EQ(c.params.stencil_order, 4);
  EXPECT_EQ(c.dims, 1);
  EXPECT_THAT(c.grid_points, ElementsAre(32u));
  // The top level may hold parameters too, and grid_points may list axes.
  const RunConfig flat = read(R"({"dt": 0.1, "dx": 1.0, "grid_points": [8, 12], "run_settings": {}})");
  EXPECT_EQ(flat.params.dt, 0.1);
  EXPECT_EQ(flat.dims, 2);
  EXPECT_FALSE(flat.each_axis);
  EXPECT_THAT(flat.grid_points, ElementsAre(8u, 12u));
  // run_settings.precision and hardware.precision are honoured.
  EXPECT_EQ(read(R"({"run_settings": {"precision": "float32"}, "parameters": {"dt": 0.1, "dx": 1}})")
                .params.precision,
            Precision::float32);
  EXPECT_EQ(read(R"({"hardware": {"precision": "float32"}, "parameters": {"dt": 0.1, "dx": 1}})")
                .params.precision,
            Precision::float32);
}

TEST(LfmConfig, TakesLfmsDefaultsNotLfmOwn) {
  // LFM's lattice_step absorbs 1 plane by default; lfm's own config 4.
  const RunConfig peer = read(R"({"parameters": {"dt": 0.1, "dx": 1.0, "boundary": "absorbing"}})");
  EXPECT_EQ(peer.params.absorb_width, 1);
  const RunConfig own = read(R"({"dt": 0.1, "dx": 1.0, "boundary": "absorbing"})");
  EXPECT_FALSE(own.lfm_format);
  EXPECT_EQ(own.params.absorb_width, 4);
  // Every other default is the same in both (LFM: chi 0, gamma_damp 0,
  // periodic, factor 1, order 2, float64).
  Params expected;
  expected.dt = 0.1;
  expected.dx = 1.0;
  expected.boundary = Boundary::absorbing;
  expected.absorb_width = 1;
  EXPECT_EQ(params_to_json(peer.params), params_to_json(expected));
  EXPECT_FALSE(peer.precision_given);
  EXPECT_FALSE(peer.steps.has_value());
  // LFM widens a width below 1 to 1; so does lfm, with a note.
  const RunConfig zero = read(R"({"parameters": {"dt": 0.1, "dx": 1.0, "absorb_width": 0}})");
  EXPECT_EQ(zero.params.absorb_width, 1);
  ASSERT_EQ(zero.notes.size(), 1u);
  EXPECT_THAT(zero.notes[0], HasSubstr("parameters.absorb_width = 0 is taken as 1"));
}

TEST(LfmConfig, ListsIgnoredKeysOnOneLine) {
  const RunConfig c = read(R"({"run_settings": {"use_gpu": true, "output_dir": "r/", "precision": "float64"},
      "diagnostics": {"energy_monitor_every": 10}, "tolerances": {"energy_drift": 1e-6},
      "parameters": {"dt": 0.1, "dx": 1.0, "tiles": [1, 1, 1], "save_every": 10},
      "variants": [{"test_id": "A-1", "dt": 0.05}]})");
  EXPECT_EQ(ignored_keys_line(c),
            "ignored LFM keys (they do not change the fields): diagnostics, run_settings.output_dir, "
            "run_settings.use_gpu, tolerances, parameters.save_every, parameters.tiles, variants (no --variant "
            "given)");
  EXPECT_EQ(c.params.dt, 0.1);
  EXPECT_EQ(ignored_keys_line(read(R"({"parameters": {"dt": 0.1, "dx": 1.0}})")), "");
}

TEST(LfmConfig, RefusesKeysThatWouldChangeTheNumbers) {
  // A set-up key of LFM's harness: lfm builds no initial field from it.
  EXPECT_THAT(refusal(R"({"parameters": {"dt": 0.1, "dx": 1.0, "k_fraction": 0.05}})"),
              HasSubstr("'parameters.k_fraction' is not a key lfm can honour"));
  EXPECT_THAT(refusal(R"({"parameters": {"dt": 0.1, "dx": 1.0, "chi_profile": "gaussian"}})"),
              HasSubstr("--init/--init-prev (and --chi)"));
  // A misspelt mapped key gets the nearest one.
  EXPECT_THAT(refusal(R"({"parameters": {"dt": 0.1, "dx": 1.0, "stencil_ordr": 4}})"),
              HasSubstr("did you mean 'stencil_order'?"));
  // A χ array: only a .npy χ field (--chi) is accepted.
  EXPECT_THAT(refusal(R"({"parameters": {"dt": 0.1, "dx": 1.0, "chi": [0.1, 0.2]}})"), HasSubstr("--chi"));
  // Two names for one number on one level, and c beside alpha/beta.
  EXPECT_THAT(refusal(R"({"parameters": {"dt": 0.1, "time_step": 0.2, "dx": 1.0}})"),
              HasSubstr("gives both 'dt' and 'time_step'"));
  EXPECT_THAT(refusal(R"({"parameters": {"dt": 0.1, "dx": 1.0, "c": 1.0, "alpha": 2.0}})"),
              HasSubstr("both set the wave speed"));
  EXPECT_THAT(refusal(R"({"parameters": {"dt": 0.1, "dx": 1.0, "c": -1.0}})"),
              HasSubstr("parameters.c = -1.0; expected a number > 0"));
  EXPECT_THAT(refusal(R"({"dt": 0.2, "parameters": {"dt": 0.1, "dx": 1.0}})"),
              HasSubstr("both at the top level and in parameters"));
  EXPECT_THAT(refusal(R"({"run_settings": {"precision": "float32"}, "parameters": {"dt": 0.1, "dx": 1, "precision": "float64"}})"),
              HasSubstr("expected one precision"));
  // quick_mode would make LFM take steps_quick steps.
  EXPECT_THAT(refusal(R"({"run_settings": {"quick_mode": true}, "parameters": {"dt": 0.1, "dx": 1, "steps": 9, "steps_quick": 3}})"),
              HasSubstr("quick_mode is true"));
  EXPECT_EQ(refusal(R"({"run_settings": {"quick_mode": false}, "parameters": {"dt": 0.1, "dx": 1, "steps": 9, "steps_quick": 3}})"),
            "");
  // The values go through lfm's own rules.
  EXPECT_THAT(refusal(R"({"parameters": {"dt": 0.1, "dx": 1.0, "boundary": "open"}})"), HasSubstr("open"));
  EXPECT_THAT(refusal(R"({"parameters": {"dx": 1.0}})"), HasSubstr("missing required key 'dt'"));
  EXPECT_THAT(refusal(R"({"parameters": {"dt": 0.1, "dx": 1.0, "grid_points": 0}})"),
              HasSubstr("parameters.grid_points = 0; expected an integer from 1"));
  EXPECT_THAT(refusal(R"({"parameters": {"dt": 0.1, "dx": 1.0, "dimensions": 4}})"),
              HasSubstr("expected an integer from 1 to 3"));
  EXPECT_THAT(refusal(R"({"parameters": {"dt": 0.1, "dx": 1.0, "steps": -1}})"), HasSubstr("expected an integer >= 0"));
  EXPECT_THAT(refusal(R"({"parameters": {"dt": 0.1, "dx": 1.0, "dimensions": 3, "grid_points": [4, 4]}})"),
              HasSubstr("has 2 axes but the config's dimensions is 3"));
}

constexpr const char* with_variants = R"({
  "parameters": {"dt": 0.1, "dx": 1.0, "steps": 50, "grid_points": 16, "chi": 0.1},
  "variants": [
    {"test_id": "V-01", "description": "finer step", "dt": 0.05, "steps": 100},
    {"test_id": "V-02", "chi": 0.3, "dimensions": 2, "grid_points": [8, 12]}
  ]})";

TEST(LfmConfig, AVariantOverridesTheParameters) {
  const RunConfig one = read(with_variants, "V-01");
  EXPECT_EQ(one.variant, "V-01");
  EXPECT_EQ(one.params.dt, 0.05);
  EXPECT_EQ(one.params.chi, 0.1);
  EXPECT_EQ(*one.steps, 100);
  EXPECT_THAT(one.ignored, ElementsAre("variant V-01.description"));
  const RunConfig two = read(with_variants, "V-02");
  EXPECT_EQ(two.params.dt, 0.1);
  EXPECT_EQ(two.params.chi, 0.3);
  EXPECT_EQ(*two.steps, 50);
  EXPECT_THAT(two.grid_points, ElementsAre(8u, 12u));
  EXPECT_THAT(two.variant_ids, ElementsAre("V-01", "V-02"));
  // No variant: the parameters alone.
  EXPECT_EQ(read(with_variants).params.dt, 0.1);
  // `tests` lists variants the same way.
  EXPECT_EQ(read(R"({"parameters": {"dt": 0.1, "dx": 1.0}, "tests": [{"test_id": "T-1", "steps": 7}]})", "T-1")
                .steps.value_or(0),
            7);
}

TEST(LfmConfig, AnUnknownVariantNamesTheIdsThatExist) {
  EXPECT_THAT(refusal(with_variants, "V-03"), HasSubstr("--variant V-03: no variant with that test_id; the file has V-01, V-02"));
  EXPECT_THAT(refusal(R"({"parameters": {"dt": 0.1, "dx": 1.0}})", "V-01"), HasSubstr("has no variants"));
  EXPECT_THAT(refusal(R"({"dt": 0.1, "dx": 1.0})", "V-01"), HasSubstr("this is lfm's own config"));
  // A variant's keys obey the same rules as the parameters'.
  EXPECT_THAT(refusal(R"({"parameters": {"dt": 0.1, "dx": 1.0}, "variants": [{"test_id": "X", "boost_factor": 0.2}]})", "X"),
              HasSubstr("'variant X.boost_factor' is not a key lfm can honour"));
}

TEST(LfmConfig, DetectsTheFormatByItsShape) {
  EXPECT_TRUE(is_lfm_config(R"({"parameters": {"dt": 0.1}})"));
  for (const char* key : {"run_settings", "grid_points", "steps", "dimensions", "tiles", "variants", "tests"}) {
    EXPECT_TRUE(is_lfm_config(std::string(R"({"dt": 0.1, ")") + key + R"(": 1})")) << key;
  }
  EXPECT_FALSE(is_lfm_config(R"({"dt": 0.1, "dx": 1.0, "absorb_width": 2})"));
  EXPECT_FALSE(is_lfm_config(R"({"parameters": 3, "dt": 0.1})"));
  EXPECT_FALSE(is_lfm_config("{\"dt\": "));
  // lfm's own config keeps its own rules: steps is not one of its keys.
  EXPECT_THAT(refusal(R"({"dt": 0.1, "dx": 1.0, "stepz": 3})"), HasSubstr("unknown key 'stepz'"));
}

TEST(LfmConfig, NotesWhere2DOrder4DiffersFromLfm) {
  const RunConfig two_d = read(R"({"parameters": {"dt": 0.1, "dx": 1.0, "stencil_order": 4, "dimensions": 2}})");
  ASSERT_EQ(two_d.notes.size(), 1u);
  EXPECT_THAT(two_d.notes[0], HasSubstr("(4/3)∇²"));
  EXPECT_TRUE(read(R"({"parameters": {"dt": 0.1, "dx": 1.0, "stencil_order": 4, "dimensions": 3}})").notes.empty());
  EXPECT_TRUE(read(R"({"parameters": {"dt": 0.1, "dx": 1.0, "stencil_order": 2, "dimensions": 2}})").notes.empty());
}

TEST(LfmConfig, RequiresTheShapeTheConfigAsksFor) {
  const RunConfig each = read(R"({"parameters": {"dt": 0.1, "dx": 1.0, "grid_points": 16, "dimensions": 2}})");
  EXPECT_NO_THROW(require_config_shape(each, {16, 16}, "E.npy"));
  EXPECT_THROW(require_config_shape(each, {16, 8}, "E.npy"), InputError);
  EXPECT_THROW(require_config_shape(each, {16, 16, 16}, "E.npy"), InputError);
  const RunConfig axes = read(R"({"parameters": {"dt": 0.1, "dx": 1.0, "grid_points": [8, 12]}})");
  EXPECT_NO_THROW(require_config_shape(axes, {8, 12}, "E.npy"));
  try {
    require_config_shape(axes, {12, 8}, "E.npy");
    ADD_FAILURE() << "12x8 accepted for grid_points [8, 12]";
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr("E.npy: shape 12x8 is not the lattice the config asks for (grid_points 8x12)"));
  }
  EXPECT_NO_THROW(require_config_shape(read(R"({"parameters": {"dt": 0.1, "dx": 1.0}})"), {5, 7, 9}, "E.npy"));
}

// ---- the CLI ----

class LfmConfigCli : public ::testing::Test {
 protected:
  void SetUp() override {
    const State<double> s = random_state(cube(2, 16), 11, false);
    write_npy(dir / "E.npy", s.E);
    write_npy(dir / "E_prev.npy", s.E_prev);
  }
  CliResult run(const std::string& config, const std::string& out, std::vector<std::string> extra = {}) const {
    std::vector<std::string> args{"run", "--config", (dir / config).string(), "--init", (dir / "E.npy").string(),
                                  "--init-prev", (dir / "E_prev.npy").string(), "--quiet", "--backend", "cpu",
                                  "--out", (dir / out).string()};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_lfm(args);
  }
  TempDir dir;
};

// An LFM-style file with a variant, absorbing boundary at LFM's default
// width, and the same run written as lfm's own config: the same bytes.
TEST_F(LfmConfigCli, PeerStyleRunIsBitIdenticalToLfmsOwnConfig) {
  write_file(dir / "peer_style.json", R"({
    "run_settings": {"use_gpu": false, "output_dir": "results/x"},
    "diagnostics": {"energy_monitor_every": 5},
    "parameters": {"grid_points": 16, "dimensions": 2, "steps": 40, "time_step": 0.2, "space_step": 1.0,
                   "alpha": 1.0, "beta": 1.0, "chi": 0.1, "damping": 0.001, "boundary": "absorbing",
                   "absorb_factor": 0.9, "stencil_order": 2, "tiles": [1, 1]},
    "tolerances": {"energy_drift": 1e-6},
    "variants": [{"test_id": "P-1", "description": "shorter, stronger mass", "steps": 12, "chi": 0.3}]})");
  write_file(dir / "own.json", R"({"dt": 0.2, "dx": 1.0, "alpha": 1.0, "beta": 1.0, "chi": 0.3,
    "gamma_damp": 0.001, "boundary": "absorbing", "absorb_width": 1, "absorb_factor": 0.9, "stencil_order": 2})");
  const CliResult peer = run("peer_style.json", "peer", {"--variant", "P-1"});
  ASSERT_EQ(peer.exit_code, 0) << peer.err;
  EXPECT_EQ(peer.err,
            "lfm: ignored LFM keys (they do not change the fields): diagnostics, run_settings.output_dir, "
            "run_settings.use_gpu, tolerances, parameters.tiles, variant P-1.description\n");
  const CliResult own = run("own.json", "own", {"--steps", "12"});
  ASSERT_EQ(own.exit_code, 0) << own.err;
  EXPECT_EQ(own.err, "");
  const std::string peer_E = read_file(dir / "peer" / "E.npy"), own_E = read_file(dir / "own" / "E.npy");
  EXPECT_EQ(peer_E.size(), own_E.size());
  EXPECT_TRUE(peer_E == own_E) << "E.npy differs between the LFM-style and the lfm config";
  EXPECT_TRUE(read_file(dir / "peer" / "E_prev.npy") == read_file(dir / "own" / "E_prev.npy"));
  // 12 steps, the variant's: not the parameters' 40, not lfm's default 100.
  EXPECT_THAT(read_file(dir / "peer" / "summary.json"), HasSubstr("\"steps\": 12"));
}

TEST_F(LfmConfigCli, StepsOnTheCommandLineWinAndRefusalsExit2) {
  write_file(dir / "peer.json", R"({"parameters": {"dt": 0.2, "dx": 1.0, "steps": 7, "grid_points": 16},
    "variants": [{"test_id": "A"}, {"test_id": "B", "pulse_width": 0.1}]})");
  const CliResult given = run("peer.json", "given", {"--steps", "3"});
  ASSERT_EQ(given.exit_code, 0) << given.err;
  EXPECT_THAT(read_file(dir / "given" / "summary.json"), HasSubstr("\"steps\": 3"));
  const CliResult from_file = run("peer.json", "file");
  ASSERT_EQ(from_file.exit_code, 0) << from_file.err;
  EXPECT_THAT(read_file(dir / "file" / "summary.json"), HasSubstr("\"steps\": 7"));

  const CliResult refused = run("peer.json", "refused", {"--variant", "B"});
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_THAT(refused.err, HasSubstr("lfm: error: "));
  EXPECT_THAT(refused.err, HasSubstr("'variant B.pulse_width' is not a key lfm can honour"));
  EXPECT_FALSE(std::filesystem::exists(dir / "refused"));
  const CliResult unknown = run("peer.json", "unknown", {"--variant", "C"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_THAT(unknown.err, HasSubstr("the file has A, B"));
  write_file(dir / "wrong_shape.json", R"({"parameters": {"dt": 0.2, "dx": 1.0, "grid_points": 12}})");
  const CliResult shape = run("wrong_shape.json", "shape");
  EXPECT_EQ(shape.exit_code, 2);
  EXPECT_THAT(shape.err, HasSubstr("shape 16x16 is not the lattice the config asks for (grid_points 12 on every axis)"));
}

}  // namespace
}  // namespace lfm::testing
