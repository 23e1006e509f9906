// Boundary modes of SPEC §3, checked cell by cell. The interior update is
// the same for every mode, so a step with boundaries must equal a periodic
// step followed by the boundary operator written out here.
#include <gtest/gtest.h>

#include "support/backends.hpp"
#include "support/matchers.hpp"
#include "support/test_states.hpp"

namespace lfm::testing {
namespace {

// The spec's reflective copy, axis 0 first.
Field<double> reflected(Field<double> f) {
  const Grid& g = f.grid();
  for (int axis = 0; axis < g.dims(); ++axis) {
    const std::size_t last = g.extent(axis) - 1;
    for (std::size_t i = 0; i < g.cells(); ++i) {
      const std::size_t k = g.coords(i)[axis];
      if (k == 0) f[i] = f[i + g.stride(axis)];
      if (k == last) f[i] = f[i - g.stride(axis)];
    }
  }
  return f;
}

// How many axes put cell i within `width` planes of an end.
int axes_in_band(const Grid& g, std::size_t i, std::size_t width) {
  int count = 0;
  for (int axis = 0; axis < g.dims(); ++axis) {
    const std::size_t k = g.coords(i)[axis];
    count += k < width || k >= g.extent(axis) - width;
  }
  return count;
}

Field<double> absorbed(Field<double> f, std::size_t width, double factor) {
  for (std::size_t i = 0; i < f.size(); ++i) {
    const int n = axes_in_band(f.grid(), i, width);
    if (n > 0) f[i] = factor >= 1 ? 0.0 : f[i] * std::pow(factor, n);
  }
  return f;
}

struct BoundaryCase {
  std::string backend;
  int dims;
  int order;
  friend void PrintTo(const BoundaryCase& c, std::ostream* os) {
    *os << c.backend << " " << c.dims << "D order " << c.order;
  }
};

std::vector<BoundaryCase> all_cases() {
  std::vector<BoundaryCase> cases;
  for (const auto& b : backend_names())
    for (int dims = 1; dims <= 3; ++dims)
      for (int order : {2, 4}) cases.push_back({b, dims, order});
  return cases;
}

std::string name_of(const ::testing::TestParamInfo<BoundaryCase>& info) {
  return info.param.backend + "_" + std::to_string(info.param.dims) + "d_o" +
         std::to_string(info.param.order);
}

class Boundaries : public ::testing::TestWithParam<BoundaryCase> {
 protected:
  // One step of `boundary` from a random state with a χ field.
  Field<double> step_with(Backend& b, Boundary boundary, double factor = 1.0) {
    Params p = test_params(GetParam().order, boundary);
    p.absorb_factor = factor;
    State<double> s = random_state(cube(GetParam().dims, 9), 3, true);
    b.advance(s, p, 1);
    return s.E;
  }
};

TEST_P(Boundaries, ReflectiveCopiesTheNeighbouringPlane) {
  LFM_BACKEND_OR_SKIP(backend, GetParam().backend);
  const Field<double> periodic = step_with(*backend, Boundary::periodic);
  EXPECT_THAT(step_with(*backend, Boundary::reflective), FieldNear(reflected(periodic), 1e-12));
}

TEST_P(Boundaries, AbsorbingZeroesTheBand) {
  LFM_BACKEND_OR_SKIP(backend, GetParam().backend);
  const Field<double> periodic = step_with(*backend, Boundary::periodic);
  // test_params uses absorb_width = 2; factor >= 1 means "set to zero".
  EXPECT_THAT(step_with(*backend, Boundary::absorbing, 1.0), FieldNear(absorbed(periodic, 2, 1.0), 1e-12));
  EXPECT_THAT(step_with(*backend, Boundary::absorbing, 3.0), FieldNear(absorbed(periodic, 2, 3.0), 1e-12));
}

TEST_P(Boundaries, SpongeMultipliesOncePerAxisThatReachesTheCell) {
  LFM_BACKEND_OR_SKIP(backend, GetParam().backend);
  const Field<double> periodic = step_with(*backend, Boundary::periodic);
  EXPECT_THAT(step_with(*backend, Boundary::absorbing, 0.5), FieldNear(absorbed(periodic, 2, 0.5), 1e-12));
}

// A constant field is a fixed point of the undamped, χ-free update, so after
// one step each cell holds exactly factor^(axes reaching it): the corners of
// a 3D box factor³, edges factor², faces factor, the interior 1.
TEST_P(Boundaries, CornersEdgesAndFacesOfAConstantField) {
  LFM_BACKEND_OR_SKIP(backend, GetParam().backend);
  const Grid g = cube(GetParam().dims, 10);
  Params p = test_params(GetParam().order, Boundary::absorbing);
  p.chi = 0;
  p.absorb_width = 3;
  p.absorb_factor = 0.5;
  State<double> s{Field<double>(g, 1.0), Field<double>(g, 1.0), std::nullopt, 0};
  backend->advance(s, p, 1);
  for (std::size_t i = 0; i < g.cells(); ++i) {
    ASSERT_EQ(s.E[i], std::pow(0.5, axes_in_band(g, i, 3))) << "at " << index_string(g, i);
  }
}

INSTANTIATE_TEST_SUITE_P(AllBackends, Boundaries, ::testing::ValuesIn(all_cases()), name_of);

}  // namespace
}  // namespace lfm::testing
