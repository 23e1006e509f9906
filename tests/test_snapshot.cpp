// Snapshots through the library: what is written reads back exactly, the
// energy density integrates to the energy, compression shrinks smooth
// fields, the XDMF sidecar is well-formed XML pointing at real datasets, and
// a failed write names the file and leaves nothing behind.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <csignal>
#include <map>
#include <numbers>
#include <set>

#include "cli_helpers.hpp"
#include "lattice/backend.hpp"
#include "lattice/diagnostics.hpp"
#include "lattice/error.hpp"
#include "lattice/run.hpp"
#include "lattice/snapshot.hpp"
#include "lattice/snapshot_file.hpp"
#include "support/test_states.hpp"

namespace fs = std::filesystem;

namespace lfm::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

Problem problem_of(const State<double>& s, Params p = test_params(2)) {
  return {"test", p, AnyState(s)};
}

SnapshotOptions every_step(std::vector<SnapshotField> fields = {SnapshotField::E}) {
  SnapshotOptions o;
  o.every = 1;
  o.fields = std::move(fields);
  return o;
}

// Writes `states` (each at its own step) and returns the writer's figures.
SnapshotStats write_all(const fs::path& file, const Problem& problem, const SnapshotOptions& o,
                        const std::vector<AnyState>& states) {
  SnapshotWriter w(file, problem, o);
  for (const AnyState& s : states) w.capture(s);
  return w.finish();
}

template <class T>
Field<T> read_as(const fs::path& file, const std::string& dataset) {
  AnyField f = read_hdf5_field(file, dataset);
  EXPECT_TRUE(std::holds_alternative<Field<T>>(f)) << dataset << " has the other precision";
  return std::get<Field<T>>(std::move(f));
}

std::string attribute(const Hdf5Dataset& d, const std::string& name) {
  for (const auto& a : d.attributes) {
    if (a.name == name) return a.value;
  }
  return "(absent)";
}

const Hdf5Dataset& dataset(const Hdf5Contents& c, const std::string& path) {
  for (const auto& d : c.datasets) {
    if (d.path == path) return d;
  }
  throw std::runtime_error("no dataset " + path);
}

class SnapshotRoundTrip : public ::testing::TestWithParam<int> {};

TEST_P(SnapshotRoundTrip, Float64ReadsBackBitForBit) {
  const TempDir dir;
  State<double> s = random_state(cube(GetParam(), 12), 11, false);
  std::vector<AnyState> states;
  for (const std::int64_t step : {0, 7, 14}) {
    s.step = step;
    for (std::size_t i = 0; i < s.E.size(); ++i) s.E[i] = std::ldexp(s.E[i], static_cast<int>(step) - 3);
    states.emplace_back(s);
  }
  write_all(dir / "s.h5", problem_of(s), every_step(), states);
  for (const AnyState& any : states) {
    const auto& expected = std::get<State<double>>(any);
    const Field<double> back = read_as<double>(dir / "s.h5", snapshot_dataset_name("E", expected.step));
    ASSERT_EQ(back.grid(), expected.E.grid());
    for (std::size_t i = 0; i < back.size(); ++i) ASSERT_EQ(back[i], expected.E[i]) << i;
  }
}

INSTANTIATE_TEST_SUITE_P(Dims, SnapshotRoundTrip, ::testing::Values(1, 2, 3),
                         [](const auto& info) { return std::to_string(info.param) + "d"; });

// Down-cast values are float32's round-to-nearest of the float64 field:
// exactly static_cast<float>, hence within half an ulp, 2^-24 relative.
TEST(Snapshot, Float32DowncastIsRoundingOfTheField) {
  const TempDir dir;
  const State<double> s = random_state(cube(3, 10), 12, false);
  SnapshotOptions o = every_step();
  o.float32 = true;
  write_all(dir / "s.h5", problem_of(s), o, {AnyState(s)});
  const Field<float> back = read_as<float>(dir / "s.h5", "/E/000000000");
  for (std::size_t i = 0; i < back.size(); ++i) {
    ASSERT_EQ(back[i], static_cast<float>(s.E[i])) << i;
    ASSERT_LE(std::abs(static_cast<double>(back[i]) - s.E[i]), std::ldexp(std::abs(s.E[i]), -24)) << i;
  }
  const Hdf5Contents c = read_hdf5_contents(dir / "s.h5");
  const Hdf5Dataset& d = dataset(c, "/E/000000000");
  EXPECT_EQ(d.dtype, "float32");
  EXPECT_EQ(attribute(d, "float32_downcast"), "1");
  EXPECT_EQ(attribute(d, "computed_precision"), "\"float64\"");
}

TEST(Snapshot, Float32RunStoresItsOwnValues) {
  const TempDir dir;
  const State<float> s = convert_state<float>(random_state(cube(2, 16), 13, true));
  Params p = test_params(2);
  p.precision = Precision::float32;
  write_all(dir / "s.h5", {"test", p, AnyState(s)}, every_step(), {AnyState(s)});
  const Field<float> back = read_as<float>(dir / "s.h5", "/E/000000000");
  for (std::size_t i = 0; i < back.size(); ++i) ASSERT_EQ(back[i], s.E[i]) << i;
  EXPECT_EQ(attribute(dataset(read_hdf5_contents(dir / "s.h5"), "/E/000000000"), "float32_downcast"), "0");
}

// Δx^d Σ energy_density = energy (SPEC §4) up to summation order: 1e-12.
TEST(Snapshot, EnergyDensityIntegratesToTheEnergy) {
  for (const int dims : {1, 2, 3}) {
    const TempDir dir;
    const State<double> s = random_state(cube(dims, 9), 14, true);
    Params p = test_params(2);
    p.dx = 0.5;
    p.alpha = 2.0;
    write_all(dir / "s.h5", problem_of(s, p), every_step({SnapshotField::energy_density}), {AnyState(s)});
    const Field<double> density = read_as<double>(dir / "s.h5", "/energy_density/000000000");
    double sum = 0;
    for (const double v : density.values()) sum += v;
    const double expected = energy(s, p);
    EXPECT_NEAR(std::pow(p.dx, dims) * sum, expected, 1e-12 * std::abs(expected)) << dims << "D";
  }
}

TEST(Snapshot, RunParametersAreAttributes) {
  const TempDir dir;
  const State<double> s = random_state(cube(2, 8), 15, true);
  Params p = test_params(4, Boundary::absorbing);
  p.dt = 0.125;
  write_all(dir / "s.h5", problem_of(s, p), every_step(), {AnyState(s)});
  std::map<std::string, std::string> attrs;
  for (const auto& a : read_hdf5_contents(dir / "s.h5").attributes) attrs[a.name] = a.value;
  EXPECT_EQ(attrs["dt"], "0.125");
  EXPECT_EQ(attrs["stencil_order"], "4");
  EXPECT_EQ(attrs["boundary"], "\"absorbing\"");
  EXPECT_EQ(attrs["shape"], "[8, 8]");
  EXPECT_EQ(attrs["chi_source"], "\"field\"");
  EXPECT_THAT(attrs["parameters"], HasSubstr("\"absorb_width\":2"));
  // Under a field the scalar χ is unused: no attribute may suggest a value.
  EXPECT_EQ(attrs.count("chi"), 0u);
  EXPECT_THAT(attrs["parameters"], Not(HasSubstr("\"chi\"")));
}

// χ is stored once, in snapshots/chi.h5, and read through the index as
// /chi, bit for bit; a later series without a χ field drops it.
TEST(Snapshot, ChiFieldIsStoredOnceAndReadThroughTheIndex) {
  const TempDir dir;
  State<double> s = random_state(cube(3, 6), 16, true);
  std::vector<AnyState> states;
  for (const std::int64_t step : {0, 1, 2}) {
    s.step = step;
    states.emplace_back(s);
  }
  write_all(dir / "snapshots.h5", problem_of(s), every_step(), states);
  ASSERT_TRUE(fs::exists(dir / "snapshots" / "chi.h5"));
  const Field<double> chi = read_as<double>(dir / "snapshots.h5", "/chi");
  ASSERT_EQ(chi.grid(), s.grid());
  for (std::size_t i = 0; i < chi.size(); ++i) ASSERT_EQ(chi[i], (*s.chi_field)[i]) << i;

  const State<double> plain = random_state(cube(3, 6), 17, false);
  write_all(dir / "snapshots.h5", problem_of(plain), every_step(), {AnyState(plain)});
  EXPECT_FALSE(fs::exists(dir / "snapshots" / "chi.h5"));
  for (const auto& d : read_hdf5_contents(dir / "snapshots.h5").datasets) EXPECT_NE(d.path, "/chi");
}

// A smooth field: one Fourier mode per axis.
State<double> smooth_state(const Grid& g) {
  State<double> s{Field<double>(g), Field<double>(g), std::nullopt, 0};
  for (std::size_t i = 0; i < g.cells(); ++i) {
    const Grid::Index c = g.coords(i);
    double v = 1;
    for (int a = 0; a < g.dims(); ++a) {
      v *= std::cos(2 * std::numbers::pi * static_cast<double>(c[a]) / static_cast<double>(g.extent(a)));
    }
    s.E[i] = s.E_prev[i] = v;
  }
  return s;
}

// Shuffle gathers each value's sign/exponent bytes (2 of 8) into runs that
// deflate all but removes, so a smooth float64 field shrinks by at least
// 8/6 ≈ 1.33; 1.25 leaves room for the chunk index. Random mantissas
// barely compress, and level 0 stores the bytes as they are.
TEST(Snapshot, CompressionShrinksASmoothField) {
  const TempDir dir;
  const Grid g = cube(3, 32);
  const State<double> smooth = smooth_state(g);
  const SnapshotStats compressed = write_all(dir / "smooth.h5", problem_of(smooth), every_step(), {AnyState(smooth)});
  EXPECT_EQ(compressed.raw_bytes, g.cells() * sizeof(double));
  EXPECT_GT(compressed.compression_ratio(), 1.25);

  const State<double> noise = random_state(g, 16, false);
  const SnapshotStats noisy = write_all(dir / "noise.h5", problem_of(noise), every_step(), {AnyState(noise)});
  EXPECT_LT(noisy.compression_ratio(), compressed.compression_ratio());

  SnapshotOptions stored = every_step();
  stored.compression = 0;
  const SnapshotStats plain = write_all(dir / "plain.h5", problem_of(smooth), stored, {AnyState(smooth)});
  EXPECT_EQ(plain.file_bytes, plain.raw_bytes);
  const Hdf5Contents c = read_hdf5_contents(dir / "smooth.h5");
  EXPECT_THAT(dataset(c, "/E/000000000").filters, ::testing::ElementsAre("shuffle", "deflate level 1"));
  EXPECT_TRUE(dataset(read_hdf5_contents(dir / "plain.h5"), "/E/000000000").filters.empty());
}

// With a queue of one, captures outrun the writer: the loop waits, and
// finish() still writes every step.
TEST(Snapshot, QueueDrainsEveryCapture) {
  const TempDir dir;
  State<double> s = random_state(cube(3, 24), 17, false);
  SnapshotOptions o = every_step({SnapshotField::E, SnapshotField::energy_density});
  o.queue_depth = 1;
  o.compression = 9;
  std::vector<AnyState> states;
  for (std::int64_t step = 0; step < 12; ++step) {
    s.step = step;
    states.emplace_back(s);
  }
  const SnapshotStats stats = write_all(dir / "s.h5", problem_of(s), o, states);
  EXPECT_EQ(stats.snapshots, 12);
  EXPECT_GE(stats.drain_s, 0.0);
  EXPECT_EQ(stats.datasets, 24);
  std::set<std::string> present;
  for (const auto& d : read_hdf5_contents(dir / "s.h5").datasets) present.insert(d.path);
  for (std::int64_t step = 0; step < 12; ++step) {
    EXPECT_TRUE(present.count(snapshot_dataset_name("E", step))) << step;
    EXPECT_TRUE(present.count(snapshot_dataset_name("energy_density", step))) << step;
  }
}

// A queue as deep as the captures never makes the time loop wait.
TEST(Snapshot, LoopWaitsOnlyWhenTheQueueIsFull) {
  const TempDir dir;
  State<double> s = random_state(cube(3, 16), 22, false);
  SnapshotOptions o = every_step();
  o.queue_depth = 6;
  o.compression = 9;
  std::vector<AnyState> states;
  for (std::int64_t step = 0; step < 6; ++step) {
    s.step = step;
    states.emplace_back(s);
  }
  const SnapshotStats stats = write_all(dir / "s.h5", problem_of(s), o, states);
  EXPECT_EQ(stats.waits, 0);
  EXPECT_EQ(stats.wait_s, 0.0);
  EXPECT_EQ(stats.datasets, 6);
}

// The time loop stops at every multiple of the observer's stride, whatever
// the diagnostics stride, and stopping there changes no bit of the result.
TEST(Snapshot, RunObserverSeesEveryMultipleAndChangesNothing) {
  for (const std::string& backend : available_backend_names()) {
    const State<double> initial = random_state(cube(2, 16), 23, false);
    Problem plain = problem_of(initial);
    Problem observed = problem_of(initial);
    RunOptions options;
    options.steps = 10;
    options.diagnostics_every = 4;
    auto b = make_backend(backend);
    run(plain, *b, options);
    std::vector<std::int64_t> seen;
    options.observe_every = 3;
    options.on_observe = [&](const AnyState& st) { seen.push_back(std::get<State<double>>(st).step); };
    const RunResult r = run(observed, *make_backend(backend), options);
    EXPECT_THAT(seen, ::testing::ElementsAre(0, 3, 6, 9)) << backend;
    std::vector<std::int64_t> recorded;
    for (const auto& e : r.trace) recorded.push_back(e.step);
    EXPECT_THAT(recorded, ::testing::ElementsAre(0, 4, 8, 10)) << backend;
    const auto& a = std::get<State<double>>(plain.state);
    const auto& c = std::get<State<double>>(observed.state);
    for (std::size_t i = 0; i < a.E.size(); ++i) ASSERT_EQ(a.E[i], c.E[i]) << backend << " cell " << i;
  }
}

// Every step on disk stays readable through the index whatever stops the
// writer: a writer dropped without finish() (a failed or stopped run)
// keeps the steps it wrote. drain() is the point up to which that holds.
TEST(Snapshot, AbandonedWriterKeepsTheStepsItWrote) {
  const TempDir dir;
  State<double> s = random_state(cube(2, 16), 18, false);
  {
    SnapshotWriter w(dir / "s.h5", problem_of(s), every_step());
    w.capture(AnyState(s));
    w.drain();
    s.step = 1;
    w.capture(AnyState(s));
    w.drain();
  }  // no finish(): the run failed
  const Hdf5Contents c = read_hdf5_contents(dir / "s.h5");
  ASSERT_EQ(c.datasets.size(), 2u);
  EXPECT_EQ(c.datasets[1].path, "/E/000000001");
  const auto back = std::get<Field<double>>(read_hdf5_field(dir / "s.h5", "/E/000000001"));
  for (std::size_t i = 0; i < s.E.size(); ++i) ASSERT_EQ(back[i], s.E[i]) << i;
  for (const auto& entry : fs::recursive_directory_iterator(dir.path())) {
    EXPECT_EQ(entry.path().string().find(".partial-"), std::string::npos) << entry.path();
  }
}

// A resumed series keeps the steps before the checkpoint it resumes from
// and drops the rest, which the resumed run writes again.
TEST(Snapshot, ResumedSeriesKeepsStepsBeforeTheCheckpoint) {
  const TempDir dir;
  State<double> s = random_state(cube(2, 8), 21, false);
  {
    SnapshotWriter w(dir / "s.h5", problem_of(s), every_step());
    for (int step = 0; step < 4; ++step) {
      s.step = step;
      w.capture(AnyState(s));
    }
    w.finish();
  }
  SnapshotWriter resumed(dir / "s.h5", problem_of(s), every_step(), 2);
  EXPECT_EQ(resumed.steps(), (std::vector<std::int64_t>{0, 1}));
  EXPECT_EQ(read_hdf5_contents(dir / "s.h5").datasets.size(), 2u);
  EXPECT_FALSE(fs::exists(dir / "s" / "step_000000003.h5"));
  s.step = 2;
  resumed.capture(AnyState(s));
  resumed.finish();
  EXPECT_EQ(read_hdf5_contents(dir / "s.h5").datasets.size(), 3u);
}

TEST(Snapshot, UnwritableLocationFailsBeforeAnyStep) {
  const TempDir dir;
  const State<double> s = random_state(cube(2, 8), 19, false);
  try {
    SnapshotWriter w(dir / "missing" / "s.h5", problem_of(s), every_step());
    FAIL() << "created a file in a missing directory";
  } catch (const WriteError& e) {
    EXPECT_THAT(e.what(), HasSubstr((dir / "missing" / "s.h5").string()));
  }
}

// A file size limit (RLIMIT_FSIZE) below one dataset, in a child process so
// the limit and the ignored SIGXFSZ stay there: the write fails with EFBIG.
TEST(Snapshot, FailedWriteNamesTheFileAndLeavesNoPartialFile) {
  const TempDir dir;
  const fs::path message = fs::temp_directory_path() / ("lfm-snapshot-msg-" + std::to_string(getpid()));
  const State<double> s = random_state(cube(3, 24), 20, false);  // 110 KiB of noise
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    std::signal(SIGXFSZ, SIG_IGN);
    const rlimit limit{32 * 1024, 32 * 1024};
    setrlimit(RLIMIT_FSIZE, &limit);
    std::string what = "no error";
    try {
      SnapshotWriter w(dir / "s.h5", problem_of(s), every_step());
      w.capture(AnyState(s));
      w.finish();
    } catch (const WriteError& e) {
      what = e.what();
    } catch (const std::exception& e) {
      what = std::string("not a WriteError: ") + e.what();
    }
    write_file(message, what);
    _exit(0);
  }
  int status = 0;
  waitpid(child, &status, 0);
  ASSERT_TRUE(WIFEXITED(status)) << "child died by signal " << WTERMSIG(status);
  const std::string what = read_file(message);
  fs::remove(message);
  EXPECT_THAT(what, HasSubstr((dir / "s" / "step_000000000.h5").string()));
  EXPECT_THAT(what, HasSubstr("File too large"));
  for (const auto& entry : fs::recursive_directory_iterator(dir.path())) {
    EXPECT_EQ(entry.path().string().find(".partial-"), std::string::npos) << "left " << entry.path();
  }
  EXPECT_TRUE(read_hdf5_contents(dir / "s.h5").datasets.empty());
}

TEST(Snapshot, BadOptionsRefused) {
  SnapshotOptions o = every_step();
  o.every = 0;
  EXPECT_THROW(validate(o), InputError);
  o.every = 1;
  o.compression = 10;
  EXPECT_THROW(validate(o), InputError);
  o.compression = -1;
  EXPECT_THROW(validate(o), InputError);
  o.compression = 0;
  o.fields.clear();
  EXPECT_THROW(validate(o), InputError);
  o.fields = {SnapshotField::energy_density, SnapshotField::E, SnapshotField::energy_density};
  EXPECT_THROW(validate(o), InputError);
  o.fields.pop_back();
  EXPECT_NO_THROW(validate(o));
  EXPECT_THAT(parse_snapshot_fields("E,energy_density"),
              ::testing::ElementsAre(SnapshotField::E, SnapshotField::energy_density));
  for (const char* bad : {"E,energy", "", "E,", "E,E", "e"}) {
    EXPECT_THROW(parse_snapshot_fields(bad), InputError) << bad;
  }
  try {
    parse_snapshot_fields("E,enrgy_density");
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr("did you mean 'energy_density'"));
  }
}

// ---- the XDMF sidecar, read by a real XML parser (libxml2) ----

std::string xml_attr(xmlNode* n, const char* name) {
  xmlChar* v = xmlGetProp(n, reinterpret_cast<const xmlChar*>(name));
  std::string s = v ? reinterpret_cast<const char*>(v) : "";
  xmlFree(v);
  return s;
}

std::vector<xmlNode*> children(xmlNode* n, const std::string& name) {
  std::vector<xmlNode*> out;
  for (xmlNode* c = n->children; c; c = c->next) {
    if (c->type == XML_ELEMENT_NODE && name == reinterpret_cast<const char*>(c->name)) out.push_back(c);
  }
  return out;
}

std::string shape_words(const std::vector<std::size_t>& shape) {
  std::string s;
  for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? " " : "") + std::to_string(shape[i]);
  return s;
}

class SnapshotXdmf : public ::testing::TestWithParam<int> {};

TEST_P(SnapshotXdmf, WellFormedAndPointsAtExistingDatasets) {
  const int dims = GetParam();
  const TempDir dir;
  // In 3D χ is a field, which every step shows as a third attribute.
  const bool chi_field = dims == 3;
  State<double> s = random_state(cube(dims, 8), 21, chi_field);
  Params p = test_params(2);
  p.dx = 0.5;
  SnapshotOptions o = every_step({SnapshotField::E, SnapshotField::energy_density});
  o.every = 5;
  o.float32 = dims == 2;
  const std::vector<std::int64_t> steps{0, 5, 10};
  std::vector<AnyState> states;
  for (const std::int64_t step : steps) {
    s.step = step;
    states.emplace_back(s);
  }
  write_all(dir / "run.h5", problem_of(s, p), o, states);
  ASSERT_TRUE(fs::exists(dir / "run.xdmf"));

  xmlDoc* doc = xmlReadFile((dir / "run.xdmf").c_str(), nullptr, XML_PARSE_NONET);
  ASSERT_NE(doc, nullptr) << "not well-formed XML";
  const std::unique_ptr<xmlDoc, void (*)(xmlDoc*)> owner(doc, xmlFreeDoc);
  xmlNode* root = xmlDocGetRootElement(doc);
  ASSERT_STREQ(reinterpret_cast<const char*>(root->name), "Xdmf");
  const auto domains = children(root, "Domain");
  ASSERT_EQ(domains.size(), 1u);
  const auto collections = children(domains[0], "Grid");
  ASSERT_EQ(collections.size(), 1u);
  EXPECT_EQ(xml_attr(collections[0], "GridType"), "Collection");
  EXPECT_EQ(xml_attr(collections[0], "CollectionType"), "Temporal");

  const Hdf5Contents contents = read_hdf5_contents(dir / "run.h5");
  const auto grids = children(collections[0], "Grid");
  ASSERT_EQ(grids.size(), steps.size());
  std::vector<std::size_t> mesh = s.grid().shape();
  if (dims == 1) mesh.insert(mesh.begin(), 1);
  for (std::size_t k = 0; k < grids.size(); ++k) {
    const auto time = children(grids[k], "Time");
    ASSERT_EQ(time.size(), 1u);
    EXPECT_DOUBLE_EQ(std::stod(xml_attr(time[0], "Value")), static_cast<double>(steps[k]) * p.dt);
    const auto topology = children(grids[k], "Topology");
    ASSERT_EQ(topology.size(), 1u);
    EXPECT_EQ(xml_attr(topology[0], "TopologyType"), dims == 3 ? "3DCoRectMesh" : "2DCoRectMesh");
    EXPECT_EQ(xml_attr(topology[0], "Dimensions"), shape_words(mesh));
    const auto geometry = children(grids[k], "Geometry");
    ASSERT_EQ(geometry.size(), 1u);
    const auto items = children(geometry[0], "DataItem");
    ASSERT_EQ(items.size(), 2u);
    xmlChar* spacing = xmlNodeGetContent(items[1]);
    EXPECT_EQ(std::stod(reinterpret_cast<const char*>(spacing)), p.dx);
    xmlFree(spacing);

    const auto attributes = children(grids[k], "Attribute");
    ASSERT_EQ(attributes.size(), chi_field ? 3u : 2u);
    for (xmlNode* a : attributes) {
      const auto data = children(a, "DataItem");
      ASSERT_EQ(data.size(), 1u);
      EXPECT_EQ(xml_attr(data[0], "Format"), "HDF");
      xmlChar* text = xmlNodeGetContent(data[0]);
      const std::string ref = reinterpret_cast<const char*>(text);
      xmlFree(text);
      const auto colon = ref.find(':');
      ASSERT_NE(colon, std::string::npos) << ref;
      EXPECT_TRUE(fs::exists(dir / ref.substr(0, colon))) << ref;
      const Hdf5Dataset& d = dataset(contents, ref.substr(colon + 1));
      const bool chi = xml_attr(a, "Name") == "chi";
      EXPECT_EQ(ref.substr(colon + 1), chi ? "/chi" : snapshot_dataset_name(xml_attr(a, "Name"), steps[k]));
      EXPECT_EQ(xml_attr(data[0], "Dimensions"), shape_words(d.shape));
      EXPECT_EQ(xml_attr(data[0], "Precision"), d.dtype == "float32" ? "4" : "8");
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Dims, SnapshotXdmf, ::testing::Values(1, 2, 3),
                         [](const auto& info) { return std::to_string(info.param) + "d"; });

}  // namespace
}  // namespace lfm::testing
