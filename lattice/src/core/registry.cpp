#include <algorithm>

#include "baseline/baseline.hpp"
#include "cpu/cpu_backend.hpp"
#include "cpu/cpu_temporal_backend.hpp"
#ifdef LFM_HAVE_THRUST_OMP
#include "thrust/thrust_backend.hpp"
#endif
#include "lattice/backend.hpp"
#include "lattice/error.hpp"
#include "lattice/suggest.hpp"

namespace lfm {

// The table of backends. An optimized backend adds its entry here, guarded
// by its build option; when the option is off the entry stays, with the
// reason, so `lfm backends` and the tests can say why it is absent.
namespace {

std::vector<BackendInfo>& table() {
  static std::vector<BackendInfo> backends = {
      {"baseline",
       "Literal transcription of the specification: one cell at a time, periodic "
       "index wrap per neighbour, boundaries as separate passes. The reference.",
       "", [] { return std::make_unique<BaselineBackend>(); }},
      {"cpu",
       "One fused pass per step over rows of the contiguous axis: OpenMP threads across "
       "rows, SIMD along them, the shared per-cell kernel, the new level written in place "
       "over E_prev and the levels swapped; absorbing boundaries inside the pass, "
       "reflective ones on the boundary planes only.",
       "", [] { return std::make_unique<CpuBackend>(); }},
      {"cpu_temporal",
       "Wavefront temporal blocking along the slowest axis: several steps per pass over "
       "memory, level k of a plane computed once level k-1 holds its neighbour planes, "
       "with the row function of `cpu` (bit-identical fields); large planes cut into bands "
       "of rows skewed from level to level so that a band's wave stays in L2. Block depth "
       "(2-8) and band height (16-64 rows or whole planes) chosen by timing on first use. "
       "1D and 2D step as `cpu`.",
       "", [] { return std::make_unique<CpuTemporalBackend>(); }},
      {"thrust_omp",
       "The step as a Thrust for_each over cells with the shared per-cell kernel (the code a "
       "CUDA build runs), on Thrust's OpenMP device system; reflective boundaries as one "
       "for_each per axis over its boundary planes. Bit-identical to `cpu`.",
#ifdef LFM_HAVE_THRUST_OMP
       "", [] { return std::make_unique<ThrustOmpBackend>(); }},
#else
       "not built: CCCL (Thrust) headers were not found at configure time", nullptr},
#endif
  };
  return backends;
}

}  // namespace

const std::vector<BackendInfo>& registered_backends() { return table(); }

void register_backend(BackendInfo info) {
  for (const auto& b : table()) {
    if (b.name == info.name) throw InputError("backend '" + info.name + "' is already registered");
  }
  table().push_back(std::move(info));
}

// `cpu` passes the full validation matrix in every CI run and is the
// fastest on every dimension and size; cpu_temporal is faster only on large
// 3D grids and is chosen by name.
std::string default_backend_name() { return "cpu"; }

std::vector<std::string> available_backend_names() {
  std::vector<std::string> names;
  for (const auto& b : registered_backends()) {
    if (b.available()) names.push_back(b.name);
  }
  return names;
}

const BackendInfo& find_backend(std::string_view name) {
  const auto& all = registered_backends();
  const auto it = std::find_if(all.begin(), all.end(),
                               [&](const BackendInfo& b) { return b.name == name; });
  if (it == all.end()) {
    std::vector<std::string> names;
    for (const auto& b : all) names.push_back(b.name);
    throw InputError("unknown backend '" + std::string(name) + "'" +
                     unknown_name_hint(name, names));
  }
  if (!it->available()) {
    throw InputError("backend '" + it->name + "' is not available in this build: " +
                     it->unavailable);
  }
  return *it;
}

std::unique_ptr<Backend> make_backend(std::string_view name) {
  return find_backend(name).create();
}

void advance(Backend& b, AnyState& s, const Params& p, std::int64_t steps) {
  std::visit([&](auto& st) { b.advance(st, p, steps); }, s);
}

}  // namespace lfm
