#include <gmock/gmock.h>
#include <gtest/gtest.h>

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

}  // namespace
}  // namespace lfm
