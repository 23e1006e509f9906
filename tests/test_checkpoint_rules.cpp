// The decoder's rules behind a valid checksum. The checksum catches every
// accidental corruption (test_checkpoint), so a test that flips a byte
// cannot tell whether the rule after it exists: here each file is altered
// on purpose and sealed again with a correct checksum, and must still be
// refused for its own reason. The checksum itself is checked against the
// published FNV-1a test vectors, since a writer and reader that agree on a
// wrong hash would round-trip perfectly.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstring>

#include "lattice/build_info.hpp"
#include "lattice/checkpoint.hpp"
#include "support/test_states.hpp"

namespace lfm::testing {
namespace {

using ::testing::HasSubstr;

constexpr std::size_t frame_head = 8 + 4 + 8;  // magic, format version, body length
constexpr std::size_t checksum_bytes = 8;

std::string encoded(const CheckpointMeta& m) {
  State<double> s = random_state(Grid(m.shape), 5, false);
  s.step = m.step;
  std::string bytes;
  encode_checkpoint(m, AnyState(std::move(s)),
                    [&](const void* d, std::size_t n) { bytes.append(static_cast<const char*>(d), n); });
  return bytes;
}

// Recomputes the trailing checksum, as a writer that meant these bytes would.
void seal(std::string& bytes) {
  const std::uint64_t sum = fnv1a64(bytes.data(), bytes.size() - checksum_bytes);
  std::memcpy(bytes.data() + bytes.size() - checksum_bytes, &sum, checksum_bytes);
}

// Where the reserved word sits (checkpoint.hpp's layout): after the version
// text, the two hashes, the shape, the step and the four timing doubles.
std::size_t reserved_offset(const CheckpointMeta& m) {
  return frame_head + 8 + m.version.size() + 8 + 8 + (4 + 8 * m.shape.size() + 1) + 8 + 4 * 8;
}

template <class T>
void put(std::string& bytes, std::size_t at, T v) {
  std::memcpy(bytes.data() + at, &v, sizeof v);
}

template <class T>
T get(const std::string& bytes, std::size_t at) {
  T v;
  std::memcpy(&v, bytes.data() + at, sizeof v);
  return v;
}

std::string refusal(const std::string& bytes) {
  try {
    decode_checkpoint(bytes, "step_7.ckpt");
  } catch (const CheckpointError& e) {
    return e.what();
  }
  return "";
}

class CheckpointRules : public ::testing::Test {
 protected:
  const CheckpointMeta meta = meta_for(cube(2, 5), Precision::float64, 7);
  std::string bytes = encoded(meta);
};

// The layout the other tests rely on, and a seal that changes nothing
// decodes: so a refusal below is the altered value's, not the test's.
TEST_F(CheckpointRules, ResealedUnalteredFileDecodes) {
  const std::size_t reserved = reserved_offset(meta);
  ASSERT_EQ(get<std::uint64_t>(bytes, reserved), 0u);
  ASSERT_EQ(get<std::uint64_t>(bytes, reserved + 8), meta.trace.size());
  ASSERT_EQ(get<std::int64_t>(bytes, reserved + 16 + 24), meta.step);  // the second record's step
  seal(bytes);
  EXPECT_EQ(refusal(bytes), "");
}

TEST_F(CheckpointRules, NonZeroReservedWordIsRefused) {
  put<std::uint64_t>(bytes, reserved_offset(meta), 1);
  seal(bytes);
  EXPECT_THAT(refusal(bytes), HasSubstr("reserved field is not zero"));
}

TEST_F(CheckpointRules, EnergyRecordAfterTheCheckpointsStepIsRefused) {
  put<std::int64_t>(bytes, reserved_offset(meta) + 16 + 24, meta.step + 1);
  seal(bytes);
  EXPECT_THAT(refusal(bytes), HasSubstr("trace record at step 8 is outside 0..7"));
}

TEST_F(CheckpointRules, EveryOtherFormatVersionIsRefused) {
  for (const std::uint32_t other : {checkpoint_format_version - 1, checkpoint_format_version + 1, 0xffffffffu}) {
    std::string altered = bytes;
    put<std::uint32_t>(altered, 8, other);
    seal(altered);
    EXPECT_THAT(refusal(altered), HasSubstr("checkpoint format " + std::to_string(other))) << other;
  }
}

// The published FNV-1a 64-bit test vectors (the FNV reference test suite:
// the empty string is the offset basis itself).
TEST(Fnv1a64, MatchesThePublishedTestVectors) {
  EXPECT_EQ(fnv1a64(""), 0xcbf29ce484222325ULL);
  EXPECT_EQ(fnv1a64("a"), 0xaf63dc4c8601ec8cULL);
  EXPECT_EQ(fnv1a64("foobar"), 0x85944171f73967e8ULL);
}

TEST(Fnv1a64, ContinuesFromAGivenHash) {
  EXPECT_EQ(fnv1a64("bar", 3, fnv1a64("foo")), fnv1a64("foobar"));
}

}  // namespace
}  // namespace lfm::testing
