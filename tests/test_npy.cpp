// .npy read and write: bit-exact round trips, files real NumPy wrote (format
// 1.0, 2.0 and 3.0), files NumPy reads back, and every kind of file lfm must
// refuse, each with a one-line message naming the file and what was found.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <random>
#include <string>
#include <tuple>
#include <variant>
#include <vector>

#include "lattice/error.hpp"
#include "lattice/npy.hpp"

namespace fs = std::filesystem;

namespace lfm {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::StartsWith;

// Exactly representable in float32 and float64, so files written by NumPy
// and values computed here compare with ==.
double ramp_value(std::size_t i) { return 0.25 * static_cast<double>(i) - 3.0; }

template <class T>
Field<T> ramp(const Grid& g) {
  Field<T> f(g);
  for (std::size_t i = 0; i < f.size(); ++i) f[i] = static_cast<T>(ramp_value(i));
  return f;
}

// The interpreter that has NumPy: `python3` first, then the system one (a
// pyenv or venv python3 on PATH may lack the Debian python3-numpy package).
const std::string& numpy_python() {
  static const std::string found = [] {
    for (const std::string py : {"python3", "/usr/bin/python3"}) {
      if (std::system((py + " -c 'import numpy' >/dev/null 2>&1").c_str()) == 0) return py;
    }
    return std::string();
  }();
  return found;
}

#define LFM_REQUIRE_NUMPY()                                                                    \
  if (numpy_python().empty())                                                                  \
  GTEST_SKIP() << "no python3 with numpy (tried python3 and /usr/bin/python3: "                \
                  "python3 -c 'import numpy' failed)"

// A .npy file built byte by byte, so every field can be made wrong.
struct RawNpy {
  std::string descr = "<f8";
  std::string fortran = "False";
  std::string shape = "(4,)";
  std::size_t data_bytes = 32;
  int major = 1;
  int minor = 0;
  std::string header;  // used as is when not empty

  std::string bytes() const {
    std::string h = header.empty() ? "{'descr': '" + descr + "', 'fortran_order': " + fortran +
                                         ", 'shape': " + shape + ", }"
                                   : header;
    const std::size_t len_size = major == 1 ? 2 : 4;
    while ((6 + 2 + len_size + h.size() + 1) % 64 != 0) h += ' ';
    h += '\n';
    std::string b = "\x93NUMPY";
    b += static_cast<char>(major);
    b += static_cast<char>(minor);
    for (std::size_t i = 0; i < len_size; ++i) b += static_cast<char>((h.size() >> (8 * i)) & 0xff);
    return b + h + std::string(data_bytes, '\0');
  }
};

void write_bytes(const fs::path& p, const std::string& bytes) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << bytes;
  ASSERT_TRUE(out) << "cannot write test file " << p;
}

std::string read_bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The message read_npy refuses `p` with. Any other outcome (accepted, or a
// different exception type) fails the calling test.
std::string refusal(const fs::path& p) {
  try {
    read_npy(p);
  } catch (const InputError& e) {
    const std::string msg = e.what();
    EXPECT_THAT(msg, StartsWith(p.string() + ": "));
    EXPECT_EQ(msg.find('\n'), std::string::npos) << "message is not one line: " << msg;
    return msg;
  } catch (const std::exception& e) {
    ADD_FAILURE() << p << ": expected lfm::InputError, got another exception: " << e.what();
    return {};
  }
  ADD_FAILURE() << p << " was accepted; expected an InputError";
  return {};
}

class Npy : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::random_device rd;
    dir_ = fs::temp_directory_path() /
           ("lfm_test_npy_" + std::string(info->name()) + "_" + std::to_string(::getpid()) + "_" +
            std::to_string(rd()));
    fs::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }

  fs::path file(const std::string& name) const { return dir_ / name; }

  // Runs a Python script with NumPy; `d` in the script is this test's directory.
  int python(const std::string& code) const {
    const fs::path script = dir_ / "make.py";
    write_bytes(script, "import sys, numpy as np\nd = sys.argv[1]\n" + code + "\n");
    const std::string cmd =
        numpy_python() + " '" + script.string() + "' '" + dir_.string() + "'";
    return std::system(cmd.c_str());
  }

  fs::path dir_;
};

const std::vector<std::vector<std::size_t>> shapes = {{7}, {3, 5}, {2, 3, 4}};

template <class T>
void expect_bit_identical_round_trip(const fs::path& p) {
  for (const auto& shape : shapes) {
    const Grid g(shape);
    Field<T> f = ramp<T>(g);
    // Values a text round trip or a conversion would change.
    f[0] = -T(0);
    f[1] = std::numeric_limits<T>::quiet_NaN();
    f[2] = std::numeric_limits<T>::denorm_min();
    f[3] = std::numeric_limits<T>::max();
    f[4] = -std::numeric_limits<T>::infinity();
    write_npy(p, f);
    const AnyField any = read_npy(p);
    ASSERT_TRUE(std::holds_alternative<Field<T>>(any)) << g.shape_string();
    const Field<T>& back = std::get<Field<T>>(any);
    EXPECT_EQ(back.grid(), g);
    ASSERT_EQ(back.size(), f.size());
    EXPECT_EQ(std::memcmp(back.data(), f.data(), f.size() * sizeof(T)), 0)
        << g.shape_string() << " is not bit-identical after a round trip";
  }
}

TEST_F(Npy, RoundTripsFloat64BitIdenticalIn1D2D3D) {
  expect_bit_identical_round_trip<double>(file("E.npy"));
}

TEST_F(Npy, RoundTripsFloat32BitIdenticalIn1D2D3D) {
  expect_bit_identical_round_trip<float>(file("E.npy"));
}

TEST_F(Npy, WritesVersion1HeaderAlignedTo64BytesAsNumpyDoes) {
  write_npy(file("E.npy"), ramp<double>(Grid({7})));
  write_npy(file("F.npy"), ramp<float>(Grid({2, 3, 4})));
  for (const auto& [name, dict, data] :
       {std::tuple{"E.npy", std::string("{'descr': '<f8', 'fortran_order': False, 'shape': (7,), }"), 7 * 8},
        std::tuple{"F.npy", std::string("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3, 4), }"), 24 * 4}}) {
    const std::string b = read_bytes(file(name));
    ASSERT_GT(b.size(), 10u);
    EXPECT_EQ(b.substr(0, 8), std::string("\x93NUMPY\x01\x00", 8)) << name;
    const std::size_t header_len = static_cast<unsigned char>(b[8]) | static_cast<unsigned char>(b[9]) << 8;
    EXPECT_EQ((10 + header_len) % 64, 0u) << name;
    EXPECT_EQ(b.size(), 10 + header_len + data) << name;
    const std::string header = b.substr(10, header_len);
    EXPECT_THAT(header, StartsWith(dict)) << name;
    EXPECT_EQ(header.back(), '\n') << name;
    EXPECT_EQ(header.find_first_not_of(' ', dict.size()), header_len - 1) << "padding is spaces";
  }
}

TEST_F(Npy, ReadNpyReturnsTheStoredPrecision) {
  write_npy(file("d.npy"), ramp<double>(Grid({3, 5})));
  write_npy(file("f.npy"), ramp<float>(Grid({3, 5})));
  EXPECT_TRUE(std::holds_alternative<Field<double>>(read_npy(file("d.npy"))));
  EXPECT_TRUE(std::holds_alternative<Field<float>>(read_npy(file("f.npy"))));
}

TEST_F(Npy, ReadAsConvertsBetweenPrecisions) {
  const Grid g({2, 3, 4});
  Field<double> d = ramp<double>(g);
  d[5] = 0.1;  // not exact in float32: the conversion must round, as static_cast does
  write_npy(file("d.npy"), d);
  write_npy(file("f.npy"), ramp<float>(g));

  const Field<float> as_float = read_npy_as<float>(file("d.npy"));
  const Field<double> as_double = read_npy_as<double>(file("f.npy"));
  const Field<double> same = read_npy_as<double>(file("d.npy"));
  EXPECT_EQ(as_float.grid(), g);
  EXPECT_EQ(as_double.grid(), g);
  for (std::size_t i = 0; i < g.cells(); ++i) {
    EXPECT_EQ(as_float[i], static_cast<float>(d[i])) << i;
    EXPECT_EQ(as_double[i], ramp_value(i)) << i;
    EXPECT_EQ(same[i], d[i]) << i;
  }
}

TEST_F(Npy, ReadsFilesNumpyWrote) {
  LFM_REQUIRE_NUMPY();
  ASSERT_EQ(python("r = lambda *s: (np.arange(np.prod(s)) * 0.25 - 3.0).reshape(s)\n"
                   "np.save(d + '/a1.npy', r(7).astype('<f4'))\n"
                   "np.save(d + '/a2.npy', r(3, 5))\n"
                   "np.save(d + '/a3.npy', r(2, 3, 4))\n"
                   "np.save(d + '/t.npy', r(4, 6).T.copy())  # C order again after copy\n"
                   "for v in (2, 3):\n"
                   "    with open(d + '/v%d.npy' % v, 'wb') as f:\n"
                   "        np.lib.format.write_array(f, r(2, 3, 4).astype('<f4'), version=(v, 0))"),
            0);
  const std::vector<std::pair<std::string, Grid>> f64 = {{"a2.npy", Grid({3, 5})},
                                                          {"a3.npy", Grid({2, 3, 4})}};
  for (const auto& [name, g] : f64) {
    const AnyField any = read_npy(file(name));
    ASSERT_TRUE(std::holds_alternative<Field<double>>(any)) << name;
    const auto& f = std::get<Field<double>>(any);
    EXPECT_EQ(f.grid(), g) << name;
    for (std::size_t i = 0; i < g.cells(); ++i) ASSERT_EQ(f[i], ramp_value(i)) << name << " [" << i << "]";
  }
  for (const std::string name : {"a1.npy", "v2.npy", "v3.npy"}) {
    const AnyField any = read_npy(file(name));
    ASSERT_TRUE(std::holds_alternative<Field<float>>(any)) << name;
    const auto& f = std::get<Field<float>>(any);
    EXPECT_EQ(f.grid(), name == "a1.npy" ? Grid({7}) : Grid({2, 3, 4})) << name;
    for (std::size_t i = 0; i < f.size(); ++i) ASSERT_EQ(f[i], ramp_value(i)) << name << " [" << i << "]";
  }
  // The transpose of a (4, 6) ramp, stored in C order: [y][x] = x * 6 + y.
  const Field<double> t = read_npy_as<double>(file("t.npy"));
  EXPECT_EQ(t.grid(), Grid({6, 4}));
  EXPECT_EQ(t[t.grid().flat({1, 2, 0})], ramp_value(2 * 6 + 1));
}

TEST_F(Npy, NumpyReadsWhatWeWrite) {
  LFM_REQUIRE_NUMPY();
  write_npy(file("a1.npy"), ramp<float>(Grid({7})));
  write_npy(file("a2.npy"), ramp<double>(Grid({3, 5})));
  write_npy(file("a3.npy"), ramp<double>(Grid({2, 3, 4})));
  write_npy(file("f3.npy"), ramp<float>(Grid({2, 3, 4})));
  EXPECT_EQ(python("r = lambda *s: (np.arange(np.prod(s)) * 0.25 - 3.0).reshape(s)\n"
                   "ok = True\n"
                   "for name, want in [('a1', r(7).astype('<f4')), ('a2', r(3, 5)), "
                   "('a3', r(2, 3, 4)), ('f3', r(2, 3, 4).astype('<f4'))]:\n"
                   "    a = np.load(d + '/' + name + '.npy')\n"
                   "    good = a.dtype == want.dtype and a.shape == want.shape and "
                   "a.flags.c_contiguous and np.array_equal(a, want)\n"
                   "    if not good: print(name, a.dtype, a.shape, a.ravel()[:4], file=sys.stderr)\n"
                   "    ok = ok and good\n"
                   "sys.exit(0 if ok else 1)"),
            0);
}

TEST_F(Npy, AcceptsHeaderKeysInAnyOrderWithoutTrailingComma) {
  RawNpy raw;
  raw.header = "{\"shape\": (2, 2), 'fortran_order': False, 'descr': '<f4'}";
  raw.data_bytes = 16;
  write_bytes(file("E.npy"), raw.bytes());
  const AnyField any = read_npy(file("E.npy"));
  ASSERT_TRUE(std::holds_alternative<Field<float>>(any));
  EXPECT_EQ(std::get<Field<float>>(any).grid(), Grid({2, 2}));
}

TEST_F(Npy, RefusesAMissingFile) {
  EXPECT_THAT(refusal(file("E.npy")),
              AllOf(HasSubstr("E.npy"), HasSubstr("cannot open file"), HasSubstr("No such file")));
  // A path through a regular file: the reason comes from errno, whatever it is.
  write_bytes(file("F.npy"), "x");
  EXPECT_THAT(refusal(file("F.npy") / "E.npy"),
              AllOf(HasSubstr("cannot open file"), HasSubstr("Not a directory")));
}

TEST_F(Npy, RefusesADirectory) {
  fs::create_directory(file("E.npy"));
  EXPECT_THAT(refusal(file("E.npy")), AllOf(HasSubstr("cannot open file"), HasSubstr("directory")));
}

TEST_F(Npy, RefusesAnUnreadableFile) {
  if (::geteuid() == 0) GTEST_SKIP() << "running as root, which reads files whatever their mode";
  write_npy(file("E.npy"), ramp<double>(Grid({4})));
  fs::permissions(file("E.npy"), fs::perms::none);
  EXPECT_THAT(refusal(file("E.npy")), AllOf(HasSubstr("cannot open file"), HasSubstr("Permission denied")));
}

TEST_F(Npy, RefusesAFileWithoutTheMagic) {
  for (const std::string& bytes : {std::string("just text, not an array"), std::string(),
                                  std::string("\x93NUM"), std::string("NUMPY\x01\x00")}) {
    write_bytes(file("E.npy"), bytes);
    EXPECT_THAT(refusal(file("E.npy")), HasSubstr("not a .npy file (magic bytes missing)"));
  }
}

TEST_F(Npy, RefusesAnUnknownFormatVersion) {
  RawNpy raw;
  raw.major = 4;
  write_bytes(file("E.npy"), raw.bytes());
  EXPECT_THAT(refusal(file("E.npy")),
              AllOf(HasSubstr("version 4.0"), HasSubstr("expected 1.0, 2.0 or 3.0")));
}

TEST_F(Npy, RefusesATruncatedHeader) {
  const std::string full = RawNpy{}.bytes();
  write_bytes(file("E.npy"), full.substr(0, 9));  // cut inside the length field
  EXPECT_THAT(refusal(file("E.npy")), HasSubstr("truncated .npy header"));
  write_bytes(file("E.npy"), full.substr(0, 40));  // cut inside the dict
  EXPECT_THAT(refusal(file("E.npy")), AllOf(HasSubstr("truncated .npy header"), HasSubstr("40 bytes")));
}

TEST_F(Npy, RefusesAnIntegerDtype) {
  RawNpy raw;
  raw.descr = "<i4";
  write_bytes(file("E.npy"), raw.bytes());
  EXPECT_THAT(refusal(file("E.npy")),
              AllOf(HasSubstr("dtype '<i4' is not supported"), HasSubstr("expected float64 ('<f8')"),
                    HasSubstr("float32 ('<f4')")));
}

TEST_F(Npy, RefusesOtherFloatAndStructuredDtypes) {
  for (const std::string descr : {"<f2", "<c16", "|f8", "=f8", "f8"}) {
    RawNpy raw;
    raw.descr = descr;
    write_bytes(file("E.npy"), raw.bytes());
    EXPECT_THAT(refusal(file("E.npy")), HasSubstr("dtype '" + descr + "' is not supported"));
  }
  RawNpy raw;
  raw.header = "{'descr': [('x', '<f8'), ('y', '<f8')], 'fortran_order': False, 'shape': (2,), }";
  write_bytes(file("E.npy"), raw.bytes());
  EXPECT_THAT(refusal(file("E.npy")), HasSubstr("dtype '[('x', '<f8'), ('y', '<f8')]' is not supported"));
}

TEST_F(Npy, RefusesBigEndianAndSaysHowToConvert) {
  RawNpy raw;
  raw.descr = ">f8";
  write_bytes(file("E.npy"), raw.bytes());
  EXPECT_THAT(refusal(file("E.npy")), AllOf(HasSubstr("'>f8' is big-endian"), HasSubstr("arr.astype('<f8')")));
  raw.descr = ">f4";
  raw.data_bytes = 16;
  write_bytes(file("E.npy"), raw.bytes());
  EXPECT_THAT(refusal(file("E.npy")), AllOf(HasSubstr("big-endian"), HasSubstr("arr.astype('<f4')")));
}

TEST_F(Npy, RefusesFortranOrder) {
  RawNpy raw;
  raw.fortran = "True";
  raw.shape = "(2, 2)";
  write_bytes(file("E.npy"), raw.bytes());
  EXPECT_THAT(refusal(file("E.npy")),
              AllOf(HasSubstr("Fortran-ordered"), HasSubstr("expected C order"),
                    HasSubstr("np.ascontiguousarray(arr)")));
}

TEST_F(Npy, RefusesAScalar) {
  RawNpy raw;
  raw.shape = "()";
  raw.data_bytes = 8;
  write_bytes(file("E.npy"), raw.bytes());
  EXPECT_THAT(refusal(file("E.npy")),
              AllOf(HasSubstr("0 dimensions"), HasSubstr("scalar"), HasSubstr("expected 1, 2 or 3")));
}

TEST_F(Npy, RefusesMoreThanThreeDimensions) {
  RawNpy raw;
  raw.shape = "(2, 2, 2, 2)";
  raw.data_bytes = 128;
  write_bytes(file("E.npy"), raw.bytes());
  EXPECT_THAT(refusal(file("E.npy")),
              AllOf(HasSubstr("4 dimensions"), HasSubstr("(2, 2, 2, 2)"), HasSubstr("expected 1, 2 or 3")));
}

TEST_F(Npy, RefusesAZeroExtent) {
  RawNpy raw;
  raw.shape = "(3, 0)";
  raw.data_bytes = 0;
  write_bytes(file("E.npy"), raw.bytes());
  EXPECT_THAT(refusal(file("E.npy")),
              AllOf(HasSubstr("shape (3, 0) has extent 0 on axis 1"), HasSubstr("expected every extent >= 1")));
}

TEST_F(Npy, RefusesTruncatedData) {
  write_npy(file("E.npy"), ramp<double>(Grid({10})));
  fs::resize_file(file("E.npy"), fs::file_size(file("E.npy")) - 8);
  EXPECT_THAT(refusal(file("E.npy")),
              HasSubstr("file holds 72 bytes of data, shape (10,) float64 needs 80"));
  write_npy(file("F.npy"), ramp<float>(Grid({2, 3})));
  fs::resize_file(file("F.npy"), fs::file_size(file("F.npy")) - 1);
  EXPECT_THAT(refusal(file("F.npy")),
              HasSubstr("file holds 23 bytes of data, shape (2, 3) float32 needs 24"));
}

TEST_F(Npy, RefusesTrailingBytesAfterTheData) {
  write_npy(file("E.npy"), ramp<double>(Grid({2, 5})));
  std::ofstream(file("E.npy"), std::ios::binary | std::ios::app) << "garbage";
  EXPECT_THAT(refusal(file("E.npy")),
              AllOf(HasSubstr("file holds 87 bytes of data, shape (2, 5) float64 needs 80"),
                    HasSubstr("7 extra bytes")));
}

TEST_F(Npy, RefusesAShapeWhoseSizeOverflows) {
  // 2^32 cubed float64 elements: the byte count wraps around 64 bits to 0.
  RawNpy raw;
  raw.shape = "(4294967296, 4294967296, 4294967296)";
  raw.data_bytes = 0;
  write_bytes(file("E.npy"), raw.bytes());
  EXPECT_THAT(refusal(file("E.npy")), AllOf(HasSubstr("file holds 0 bytes"), HasSubstr("needs more than 2^64")));
}

TEST_F(Npy, RefusesMalformedHeaders) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"'descr': '<f8', 'fortran_order': False, 'shape': (4,), }", "expected the header to start with '{'"},
      {"{'descr': '<f8', 'fortran_order': False}", "no 'shape' entry"},
      {"{'fortran_order': False, 'shape': (4,)}", "no 'descr' entry"},
      {"{'descr': '<f8', 'shape': (4,)}", "no 'fortran_order' entry"},
      {"{'descr': '<f8', 'fortran_order': False, 'shape': (4,), 'extra': 1}", "unexpected or repeated key 'extra'"},
      {"{'descr': '<f8', 'descr': '<f8', 'fortran_order': False, 'shape': (4,)}", "repeated key 'descr'"},
      {"{'descr': '<f8', 'fortran_order': 0, 'shape': (4,)}", "expected True or False"},
      {"{'descr': '<f8', 'fortran_order': False, 'shape': [4]}", "expected a tuple"},
      {"{'descr': '<f8', 'fortran_order': False, 'shape': (-4,)}", "non-negative integer"},
      {"{'descr': '<f8', 'fortran_order': False, 'shape': (4,)} x", "unexpected text after"},
      {"{'descr': <f8, 'fortran_order': False, 'shape': (4,)}", "expected a quoted dtype"},
      {"{'descr' '<f8', 'fortran_order': False, 'shape': (4,)}", "expected ':' after 'descr'"},
      {"{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999999999,)}", "too large"},
      {"{'descr': '<f8", "unterminated string"},
  };
  for (const auto& [header, expected] : cases) {
    RawNpy raw;
    raw.header = header;
    write_bytes(file("E.npy"), raw.bytes());
    EXPECT_THAT(refusal(file("E.npy")), AllOf(HasSubstr("malformed .npy header"), HasSubstr(expected)))
        << header;
  }
}

TEST_F(Npy, RefusesWhatRealNumpyWritesButLfmCannotUse) {
  LFM_REQUIRE_NUMPY();
  ASSERT_EQ(python("a = np.ones((3, 4))\n"
                   "np.save(d + '/i4.npy', a.astype('<i4'))\n"
                   "np.save(d + '/be.npy', a.astype('>f8'))\n"
                   "np.save(d + '/fo.npy', np.asfortranarray(a))\n"
                   "np.save(d + '/d4.npy', np.ones((2, 2, 2, 2)))\n"
                   "np.save(d + '/d0.npy', np.array(1.0))\n"
                   "np.save(d + '/z.npy', np.ones((3, 0)))"),
            0);
  EXPECT_THAT(refusal(file("i4.npy")), AllOf(HasSubstr("i4.npy"), HasSubstr("dtype '<i4' is not supported")));
  EXPECT_THAT(refusal(file("be.npy")), AllOf(HasSubstr("be.npy"), HasSubstr("big-endian"), HasSubstr("astype('<f8')")));
  EXPECT_THAT(refusal(file("fo.npy")), AllOf(HasSubstr("fo.npy"), HasSubstr("Fortran"), HasSubstr("ascontiguousarray")));
  EXPECT_THAT(refusal(file("d4.npy")), AllOf(HasSubstr("d4.npy"), HasSubstr("4 dimensions")));
  EXPECT_THAT(refusal(file("d0.npy")), AllOf(HasSubstr("d0.npy"), HasSubstr("0 dimensions")));
  EXPECT_THAT(refusal(file("z.npy")), AllOf(HasSubstr("z.npy"), HasSubstr("extent 0")));
}

TEST_F(Npy, WriteRefusesAPathItCannotCreate) {
  const fs::path p = file("no_such_dir") / "E.npy";
  try {
    write_npy(p, ramp<double>(Grid({4})));
    ADD_FAILURE() << "write_npy into a missing directory succeeded";
  } catch (const InputError& e) {
    EXPECT_THAT(std::string(e.what()),
                AllOf(StartsWith(p.string() + ": "), HasSubstr("cannot create file"), HasSubstr("No such file")));
  }
  EXPECT_FALSE(fs::exists(p));
}

}  // namespace
}  // namespace lfm
