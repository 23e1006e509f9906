#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>

#include "lattice/error.hpp"
#include "lattice/field.hpp"
#include "lattice/grid.hpp"

namespace lfm {
namespace {

using ::testing::HasSubstr;

TEST(Grid, COrderLastAxisContiguous) {
  const Grid g({4, 5, 6});
  EXPECT_EQ(g.dims(), 3);
  EXPECT_EQ(g.cells(), 120u);
  EXPECT_EQ(g.stride(2), 1u);
  EXPECT_EQ(g.stride(1), 6u);
  EXPECT_EQ(g.stride(0), 30u);
  // NumPy: a[z][y][x] lives at z*Ny*Nx + y*Nx + x.
  EXPECT_EQ(g.flat({3, 2, 1}), 3u * 30 + 2 * 6 + 1);
  for (std::size_t i = 0; i < g.cells(); ++i) ASSERT_EQ(g.flat(g.coords(i)), i);
  EXPECT_EQ(g.shape_string(), "4x5x6");
}

TEST(Grid, RefusesBadShapes) {
  try {
    Grid({4, 0});
    FAIL() << "a zero extent was accepted";
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr("axis 1 has extent 0"));
  }
  EXPECT_THROW(Grid(std::vector<std::size_t>{}), InputError);
  EXPECT_THROW(Grid({2, 2, 2, 2}), InputError);
}

TEST(Field, StorageIsAlignedForSimd) {
  const Field<double> f(Grid({3, 7}), 1.5);
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(f.data()) % field_alignment, 0u);
  EXPECT_EQ(f.size(), 21u);
  EXPECT_EQ(f[20], 1.5);
}

// The VmFlags line of /proc/self/smaps for the mapping that holds p, or ""
// where there is no such file.
std::string vm_flags_of(const void* p) {
  std::ifstream smaps("/proc/self/smaps");
  const auto at = reinterpret_cast<std::uintptr_t>(p);
  bool inside = false;
  for (std::string line; std::getline(smaps, line);) {
    std::uintptr_t lo = 0, hi = 0;
    char dash = 0;
    std::istringstream range(line);
    if (line.find(':') > line.find(' ') && range >> std::hex >> lo >> dash >> hi && dash == '-') {
      inside = lo <= at && at < hi;
    } else if (inside && line.rfind("VmFlags:", 0) == 0) {
      return line;
    }
  }
  return "";
}

// 16 MiB of float64: above huge_field_bytes.
const Grid large_grid({128, 128, 128});

TEST(Field, LargeStorageStartsOnAHugePage) {
  const Field<double> f(large_grid, 0.5);
  const Field<double> copy = f;
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(f.data()) % huge_page_bytes, 0u);
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(copy.data()) % huge_page_bytes, 0u);
  EXPECT_EQ(copy[large_grid.cells() - 1], 0.5);
}

// MADV_HUGEPAGE shows as the flag "hg" of the mapping, whatever mode the
// system's THP is in; only the kernel's choice of page size depends on it.
TEST(Field, LargeStorageAsksForHugePages) {
  const Field<double> f(large_grid);
  const std::string flags = vm_flags_of(f.data());
  if (flags.empty()) GTEST_SKIP() << "no /proc/self/smaps on this system, so the advice cannot be read back";
  EXPECT_THAT(flags + " ", HasSubstr(" hg ")) << "the field's pages were not advised for huge pages";
}

}  // namespace
}  // namespace lfm
