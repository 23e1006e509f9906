#include "support/broken_backends.hpp"

#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include <array>
#include <mutex>
#include <utility>

namespace lfm::testing {
namespace {

enum class Defect {
  none,
  frozen,                // advance() adds to the step counter and leaves the fields alone
  weight_off,            // the centre weight of the Laplacian 1 % high (−2.02, −30.3)
  weight_off_neighbour,  // the +1 neighbour's weight 1 % high (1.01, 16.16)
  wrong_boundary,        // the boundary operator left out: periodic whatever was asked
  wrong_reflection,      // a reflective face takes the third plane's values, not the second's
};

// One axis of SPEC §2 as weights over offsets −r..r and a divisor in Δx²
// units: (E[i−1] − 2E[i] + E[i+1]) / Δx², or the order-4 stencil over 12Δx².
struct Stencil {
  int radius;
  std::array<double, 5> weights;  // offsets −radius..radius
  double divisor;
};

Stencil stencil_for(int order, Defect defect) {
  Stencil s = order == 2 ? Stencil{1, {1, -2, 1, 0, 0}, 1} : Stencil{2, {-1, 16, -30, 16, -1}, 12};
  if (defect == Defect::weight_off) s.weights[s.radius] *= 1.01;
  if (defect == Defect::weight_off_neighbour) s.weights[s.radius + 1] *= 1.01;
  return s;
}

template <class T>
void reflect(Field<T>& E, std::size_t source_plane) {
  const Grid& g = E.grid();
  for (int axis = 0; axis < g.dims(); ++axis) {
    const std::size_t n = g.extent(axis);
    const std::size_t stride = g.stride(axis);
    for (std::size_t i = 0; i < g.cells(); ++i) {
      const std::size_t k = g.coords(i)[axis];
      if (k == 0) E[i] = E[i + source_plane * stride];
      if (k == n - 1) E[i] = E[i - source_plane * stride];
    }
  }
}

template <class T>
void absorb(Field<T>& E, std::size_t width, T factor) {
  const Grid& g = E.grid();
  for (int axis = 0; axis < g.dims(); ++axis) {
    const std::size_t n = g.extent(axis);
    for (std::size_t i = 0; i < g.cells(); ++i) {
      const std::size_t k = g.coords(i)[axis];
      if (k < width || k >= n - width) E[i] = factor >= T(1) ? T(0) : E[i] * factor;
    }
  }
}

template <class T>
void apply_boundary(const Params& p, Defect defect, Field<T>& E) {
  if (defect == Defect::wrong_boundary) return;
  if (p.boundary == Boundary::reflective) reflect(E, defect == Defect::wrong_reflection ? 2 : 1);
  if (p.boundary == Boundary::absorbing) {
    absorb(E, static_cast<std::size_t>(p.absorb_width), static_cast<T>(p.absorb_factor));
  }
}

// SPEC §1: E_next = (2 − γ) E − (1 − γ) E_prev + Δt² (c² ∇²_h E − χ² E),
// the stencil read with periodic wrap, then the boundary operator.
template <class T>
void step(State<T>& s, const Params& p, Defect defect, Field<T>& next) {
  const Grid& g = s.grid();
  const Stencil st = stencil_for(p.stencil_order, defect);
  const T dt = static_cast<T>(p.dt);
  const T dx = static_cast<T>(p.dx);
  const T c2 = static_cast<T>(p.alpha) / static_cast<T>(p.beta);
  const T gamma = static_cast<T>(p.gamma_damp);
  const T divisor = static_cast<T>(st.divisor) * dx * dx;
  for (std::size_t i = 0; i < g.cells(); ++i) {
    const Grid::Index c = g.coords(i);
    T laplacian = 0;
    for (int axis = 0; axis < g.dims(); ++axis) {
      const long n = static_cast<long>(g.extent(axis));
      const long k = static_cast<long>(c[axis]);
      const long stride = static_cast<long>(g.stride(axis));
      T sum = 0;
      for (int o = -st.radius; o <= st.radius; ++o) {
        const long wrapped = ((k + o) % n + n) % n;
        const auto j = static_cast<std::size_t>(static_cast<long>(i) + (wrapped - k) * stride);
        sum += static_cast<T>(st.weights[static_cast<std::size_t>(o + st.radius)]) * s.E[j];
      }
      laplacian += sum / divisor;
    }
    const T chi = s.chi_at(i, p);
    next[i] = (T(2) - gamma) * s.E[i] - (T(1) - gamma) * s.E_prev[i] +
              dt * dt * (c2 * laplacian - chi * chi * s.E[i]);
  }
  apply_boundary(p, defect, next);
  std::swap(s.E_prev, s.E);
  std::swap(s.E, next);
  ++s.step;
}

class SpecWithDefect : public Backend {
 public:
  explicit SpecWithDefect(Defect defect) : defect_(defect) {}
  void advance(State<double>& s, const Params& p, std::int64_t steps) override { run(s, p, steps); }
  void advance(State<float>& s, const Params& p, std::int64_t steps) override { run(s, p, steps); }

 private:
  template <class T>
  void run(State<T>& s, const Params& p, std::int64_t steps) const {
    if (defect_ == Defect::frozen) {
      s.step += steps;
      return;
    }
    Field<T> scratch(s.grid());
    for (std::int64_t n = 0; n < steps; ++n) step(s, p, defect_, scratch);
  }

  Defect defect_;
};

struct Entry {
  BrokenBackend backend;
  Defect defect;
};

const std::vector<Entry>& entries() {
  static const std::vector<Entry> all = {
      {{"frozen", "does not step: adds to the step counter, leaves E and E_prev as they were"}, Defect::frozen},
      {{"weight_off", "centre weight of the Laplacian 1 % high (order 2: −2.02, order 4: −30.3)"},
       Defect::weight_off},
      {{"weight_off_neighbour", "+1 neighbour's weight of the Laplacian 1 % high (order 2: 1.01, order 4: 16.16)"},
       Defect::weight_off_neighbour},
      {{"wrong_boundary", "boundary operator left out: reflective and absorbing run as periodic"},
       Defect::wrong_boundary},
      {{"wrong_reflection", "reflective face mirrors about the second plane: the first plane takes the third's values"},
       Defect::wrong_reflection},
  };
  return all;
}

}  // namespace

const std::vector<BrokenBackend>& broken_backends() {
  static const std::vector<BrokenBackend> all = [] {
    std::vector<BrokenBackend> v;
    for (const Entry& e : entries()) v.push_back(e.backend);
    return v;
  }();
  return all;
}

std::vector<std::string> broken_backend_names() {
  std::vector<std::string> names;
  for (const BrokenBackend& b : broken_backends()) names.push_back(b.name);
  return names;
}

void register_broken_backends() {
  static std::once_flag once;
  std::call_once(once, [] {
    register_backend({defect_free, "test only: SPEC §1–3 once more, the code of the broken backends without a defect",
                      "", [] { return std::make_unique<SpecWithDefect>(Defect::none); }});
    for (const Entry& e : entries()) {
      register_backend({e.backend.name, "test only, deliberately wrong: " + e.backend.defect, "",
                        [defect = e.defect] { return std::make_unique<SpecWithDefect>(defect); }});
    }
  });
}

std::vector<std::string> failures_of(const std::function<void()>& body) {
  ::testing::TestPartResultArray results;
  {
    const ::testing::ScopedFakeTestPartResultReporter intercept(
        ::testing::ScopedFakeTestPartResultReporter::INTERCEPT_ONLY_CURRENT_THREAD, &results);
    body();
  }
  std::vector<std::string> messages;
  for (int i = 0; i < results.size(); ++i) {
    const ::testing::TestPartResult& r = results.GetTestPartResult(i);
    if (r.failed()) messages.push_back(r.message());
  }
  return messages;
}

}  // namespace lfm::testing
