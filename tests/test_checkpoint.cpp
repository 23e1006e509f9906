// The checkpoint format and store: exact round trips, every corruption
// caught by the checksum, atomic writes that survive a full disk, and the
// run loop stopping and resuming bit for bit on every backend.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstring>

#include "cli_helpers.hpp"
#include "cpu/cpu_temporal_backend.hpp"
#include "lattice/build_info.hpp"
#include "lattice/checkpoint.hpp"
#include "lattice/diagnostics.hpp"
#include "support/backends.hpp"
#include "support/matchers.hpp"
#include "support/test_states.hpp"

namespace fs = std::filesystem;

namespace lfm {
// Failure messages show "float32", not the enum's bytes (found by ADL).
void PrintTo(Precision p, std::ostream* os) { *os << to_string(p); }
}  // namespace lfm

namespace lfm::testing {
namespace {

using ::testing::HasSubstr;

std::string encoded_static(const StaticData& s) {
  std::string bytes;
  encode_static(s, [&](const void* d, std::size_t n) { bytes.append(static_cast<const char*>(d), n); });
  return bytes;
}

std::string encoded_checkpoint(const CheckpointMeta& m, const AnyState& st) {
  std::string bytes;
  encode_checkpoint(m, st, [&](const void* d, std::size_t n) { bytes.append(static_cast<const char*>(d), n); });
  return bytes;
}

AnyState small_state(Precision p, std::int64_t step) {
  State<double> s = random_state(cube(2, 6), 3, true);
  s.step = step;
  if (p == Precision::float32) return convert_state<float>(s);
  return s;
}

class Format : public ::testing::TestWithParam<Precision> {};

TEST_P(Format, CheckpointRoundTripIsExact) {
  const AnyState st = small_state(GetParam(), 42);
  const CheckpointMeta m = meta_for(cube(2, 6), GetParam(), 42);
  const CheckpointData back = decode_checkpoint(encoded_checkpoint(m, st), "mem");
  EXPECT_EQ(back.meta.step, 42);
  EXPECT_EQ(back.meta.static_hash, 0x1234u);
  EXPECT_EQ(back.meta.params_hash, 0x5678u);
  EXPECT_EQ(back.meta.precision, GetParam());
  EXPECT_EQ(back.meta.trace.size(), 2u);
  EXPECT_EQ(back.meta.trace[1].energy, 1.5);
  EXPECT_EQ(back.meta.initial_max_abs, 0.75);
  std::visit(
      [&](const auto& s) {
        using F = std::decay_t<decltype(s.E)>;
        EXPECT_TRUE(same_bits(s.E, std::get<F>(back.E)));
        EXPECT_TRUE(same_bits(s.E_prev, std::get<F>(back.E_prev)));
      },
      st);
}

TEST_P(Format, StaticRoundTripIsExact) {
  StaticData s;
  s.version = version();
  s.params_json = R"({"dt":0.2})";
  s.run_json = R"({"steps":10})";
  s.shape = {6, 6};
  s.precision = GetParam();
  const AnyState st = small_state(GetParam(), 0);
  std::visit([&](const auto& x) { s.chi = AnyField(*x.chi_field); }, st);
  const StaticData back = decode_static(encoded_static(s), "mem");
  EXPECT_EQ(back.params_json, s.params_json);
  EXPECT_EQ(back.run_json, s.run_json);
  EXPECT_EQ(back.shape, s.shape);
  ASSERT_TRUE(back.chi.has_value());
  std::visit([&](const auto& x) { EXPECT_TRUE(same_bits(x, std::get<std::decay_t<decltype(x)>>(*back.chi))); }, *s.chi);
}

INSTANTIATE_TEST_SUITE_P(Precisions, Format, ::testing::Values(Precision::float64, Precision::float32),
                         [](const auto& info) { return std::string(to_string(info.param)); });

// Without the checksum a flip inside the field data would decode silently.
TEST(CheckpointFormat, EveryFlippedByteIsDetected) {
  const std::string good = encoded_checkpoint(meta_for(cube(2, 6), Precision::float64, 5),
                                              small_state(Precision::float64, 5));
  for (std::size_t i = 0; i < good.size(); ++i) {
    for (const unsigned char mask : {0x01, 0x80}) {
      std::string bad = good;
      bad[i] = static_cast<char>(static_cast<unsigned char>(bad[i]) ^ mask);
      EXPECT_THROW(decode_checkpoint(bad, "flipped"), CheckpointError) << "byte " << i;
    }
  }
}

TEST(CheckpointFormat, EveryTruncationIsDetected) {
  const std::string good = encoded_checkpoint(meta_for(cube(2, 6), Precision::float32, 5),
                                              small_state(Precision::float32, 5));
  for (std::size_t n = 0; n < good.size(); ++n) {
    EXPECT_THROW(decode_checkpoint(good.substr(0, n), "cut"), CheckpointError) << n << " bytes";
  }
}

TEST(CheckpointFormat, ErrorsNameTheFileAndTheProblem) {
  std::string bytes = encoded_checkpoint(meta_for(cube(2, 6), Precision::float64, 5),
                                         small_state(Precision::float64, 5));
  bytes[100] ^= 1;
  try {
    decode_checkpoint(bytes, "run/checkpoints/step_5.ckpt");
    FAIL() << "accepted a corrupted checkpoint";
  } catch (const CheckpointError& e) {
    EXPECT_THAT(e.what(), HasSubstr("run/checkpoints/step_5.ckpt"));
    EXPECT_THAT(e.what(), HasSubstr("checksum mismatch"));
  }
}

TEST(CheckpointFormat, AStaticFileIsNotACheckpoint) {
  StaticData s;
  s.shape = {4};
  EXPECT_THROW(decode_checkpoint(encoded_static(s), "static"), CheckpointError);
}

TEST(CheckpointStore, KeepsTheNewestN) {
  const TempDir dir;
  const CheckpointStore store(dir.path());
  store.create();
  for (std::int64_t step : {10, 20, 30, 40}) {
    store.write(meta_for(cube(2, 6), Precision::float64, step), small_state(Precision::float64, step), 2);
  }
  const auto files = store.list();
  ASSERT_EQ(files.size(), 2u);
  EXPECT_EQ(files[0], store.path_for_step(40));
  EXPECT_EQ(files[1], store.path_for_step(30));
}

TEST(CheckpointStore, FallsBackPastACorruptedFileAndNamesIt) {
  const TempDir dir;
  const CheckpointStore store(dir.path());
  store.create();
  for (std::int64_t step : {10, 20}) {
    store.write(meta_for(cube(2, 6), Precision::float64, step), small_state(Precision::float64, step), 2);
  }
  std::string bytes = read_binary_file(store.path_for_step(20));
  bytes[bytes.size() / 2] ^= 0x10;
  write_file(store.path_for_step(20), bytes);
  std::vector<std::string> warnings;
  const auto loaded = store.newest_valid(0x1234, [&](const std::string& w) { warnings.push_back(w); });
  EXPECT_EQ(loaded.data.meta.step, 10);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_THAT(warnings[0], HasSubstr(store.path_for_step(20).string()));
}

TEST(CheckpointStore, RefusesAnotherRunsCheckpoint) {
  const TempDir dir;
  const CheckpointStore store(dir.path());
  store.create();
  store.write(meta_for(cube(2, 6), Precision::float64, 10), small_state(Precision::float64, 10), 2);
  try {
    store.newest_valid(0x9999, [](const std::string&) {});
    FAIL() << "accepted a checkpoint of another run";
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr("belongs to another run"));
  }
}

TEST(CheckpointStore, RefusesAnotherVersionsCheckpoint) {
  const TempDir dir;
  const CheckpointStore store(dir.path());
  store.create();
  CheckpointMeta m = meta_for(cube(2, 6), Precision::float64, 10);
  m.version = "0.0.0-elsewhere";
  store.write(m, small_state(Precision::float64, 10), 2);
  try {
    store.newest_valid(0x1234, [](const std::string&) {});
    FAIL() << "accepted a checkpoint of another version";
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr("written by lfm 0.0.0-elsewhere"));
  }
}

// A full disk, simulated by RLIMIT_FSIZE in a child: the write fails with a
// message naming the file, leaves no temporary file, and the checkpoint
// already there is untouched.
TEST(CheckpointStore, AFullDiskLeavesNoPartialFileAndKeepsThePreviousOne) {
  const TempDir dir;
  const CheckpointStore store(dir.path());
  store.create();
  const auto meta = meta_for(cube(2, 6), Precision::float64, 10);
  store.write(meta, small_state(Precision::float64, 10), 2);
  const std::string before = read_binary_file(store.path_for_step(10));
  const TempDir capture;
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    std::signal(SIGXFSZ, SIG_IGN);
    const rlimit lim{300, 300};  // smaller than one checkpoint of this state
    setrlimit(RLIMIT_FSIZE, &lim);
    int code = 1;
    try {
      store.write(meta_for(cube(2, 6), Precision::float64, 20), small_state(Precision::float64, 20), 2);
    } catch (const WriteError& e) {
      write_file(capture / "message", e.what());
      code = 0;
    }
    _exit(code);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "the write did not fail as expected";
  const std::string message = read_file(capture / "message");
  EXPECT_THAT(message, HasSubstr(store.path_for_step(20).string()));
  EXPECT_THAT(message, HasSubstr("File too large"));
  EXPECT_FALSE(std::filesystem::exists(store.path_for_step(20)));
  for (const auto& entry : std::filesystem::directory_iterator(store.dir())) {
    EXPECT_EQ(entry.path().filename().string().find(".tmp-"), std::string::npos) << entry.path();
  }
  EXPECT_EQ(read_binary_file(store.path_for_step(10)), before);
}

// The fuzzers start from fuzz/corpus/: seeds the readers refuse would leave
// the fuzzers exploring error paths only, so every seed must stay valid.
TEST(FuzzCorpus, EverySeedIsAcceptedByItsReader) {
  const fs::path corpus = fs::path(LFM_SOURCE_DIR) / "fuzz" / "corpus";
  int seeds = 0;
  for (const auto& f : fs::directory_iterator(corpus / "checkpoint")) {
    const std::string bytes = read_binary_file(f.path());
    if (f.path().extension() == ".ckpt") {
      EXPECT_NO_THROW(decode_checkpoint(bytes, f.path().string())) << f.path();
    } else {
      EXPECT_NO_THROW(decode_static(bytes, f.path().string())) << f.path();
    }
    ++seeds;
  }
  for (const auto& f : fs::directory_iterator(corpus / "npy")) {
    EXPECT_NO_THROW(read_npy(f.path())) << f.path();
    ++seeds;
  }
  for (const auto& f : fs::directory_iterator(corpus / "params_json")) {
    EXPECT_NO_THROW(params_from_json(read_file(f.path()), f.path().string())) << f.path();
    ++seeds;
  }
  EXPECT_GE(seeds, 10);
}

// The run loop stopped at an arbitrary step and resumed from the state it
// checkpointed gives the fields of an uninterrupted run, bit for bit.
struct Resumed {
  AnyState state;
  RunResult result;
};

Problem wave_problem(Precision p) {
  Problem problem{"test", test_params(2, Boundary::reflective), random_state(cube(3, 12), 9, true)};
  problem.params.precision = p;
  if (p == Precision::float32) problem.state = convert_state<float>(std::get<State<double>>(problem.state));
  return problem;
}

void expect_same_fields(const AnyState& a, const AnyState& b) {
  std::visit(
      [&](const auto& x) {
        const auto& y = std::get<std::decay_t<decltype(x)>>(b);
        EXPECT_EQ(x.step, y.step);
        EXPECT_TRUE(same_bits(x.E, y.E));
        EXPECT_TRUE(same_bits(x.E_prev, y.E_prev));
      },
      a);
}

void expect_resume_is_exact(const std::function<std::unique_ptr<Backend>()>& make, std::int64_t stop_at) {
  constexpr std::int64_t total = 23;
  for (Precision precision : {Precision::float64, Precision::float32}) {
    Problem straight = wave_problem(precision);
    auto b1 = make();
    RunOptions plain;
    plain.steps = total;
    plain.diagnostics_every = 5;
    const RunResult full = run(straight, *b1, plain);

    Problem first = wave_problem(precision);
    std::optional<AnyState> saved;
    RunResult saved_result;
    RunOptions stopping = plain;
    stopping.checkpoint_every = 0;
    stopping.stop_requested = [&](std::int64_t step) { return step >= stop_at; };
    stopping.on_checkpoint = [&](const AnyState& s, const RunResult& r) {
      saved = s;
      saved_result = r;
    };
    auto b2 = make();
    const RunResult part = run(first, *b2, stopping);
    ASSERT_TRUE(part.interrupted);
    ASSERT_TRUE(saved.has_value());

    Problem second{"test", first.params, *saved};
    RunOptions resuming = plain;
    resuming.resumed = &saved_result;
    auto b3 = make();
    const RunResult rest = run(second, *b3, resuming);
    expect_same_fields(straight.state, second.state);
    ASSERT_EQ(rest.trace.size(), full.trace.size());
    for (std::size_t i = 0; i < full.trace.size(); ++i) {
      EXPECT_EQ(rest.trace[i].step, full.trace[i].step);
      EXPECT_EQ(rest.trace[i].energy, full.trace[i].energy);
    }
  }
}

class ResumeLoop : public ::testing::TestWithParam<std::string> {};

TEST_P(ResumeLoop, StopAndResumeIsBitIdentical) {
  LFM_BACKEND_OR_SKIP(probe, GetParam());
  for (std::int64_t stop_at : {1, 7, 13}) {
    expect_resume_is_exact([&] { return backend_for(GetParam(), nullptr); }, stop_at);
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, ResumeLoop, ::testing::ValuesIn(backend_names()),
                         [](const auto& info) { return info.param; });

// cpu_temporal advances in blocks: a stop at a step that is not a multiple
// of the block depth still resumes exactly.
TEST(ResumeLoop, TemporalBlocksResumeMidBlock) {
  for (int depth : {3, 4}) {
    for (std::int64_t stop_at : {2, 5, 10}) {
      expect_resume_is_exact([&] { return std::make_unique<CpuTemporalBackend>(Blocking{depth}); }, stop_at);
    }
  }
}

// A run that blows up stops, names the step and cell, and never hands a bad
// field to a checkpoint.
TEST(ResumeLoop, BlowUpStopsBeforeACheckpointHoldsABadField) {
  Problem problem = wave_problem(Precision::float64);
  problem.params.dt = 2.5;  // far past the leapfrog limit: grows by orders of magnitude per step
  auto backend = backend_for("baseline", nullptr);
  RunOptions o;
  o.steps = 200;
  o.diagnostics_every = 50;
  o.checkpoint_every = 4;
  o.blowup_factor = 1e6;
  std::vector<double> checkpointed_max;
  o.on_checkpoint = [&](const AnyState& s, const RunResult&) { checkpointed_max.push_back(max_abs(s)); };
  const RunResult r = run(problem, *backend, o);
  ASSERT_GE(r.diverged_at, 0);
  EXPECT_LT(r.diverged_at, 200);
  EXPECT_THAT(r.divergence, HasSubstr("E("));
  EXPECT_THAT(r.divergence, HasSubstr("blow-up limit"));
  ASSERT_FALSE(checkpointed_max.empty());
  for (double m : checkpointed_max) EXPECT_LE(m, 1e6 * r.initial_max_abs);
}

}  // namespace
}  // namespace lfm::testing
