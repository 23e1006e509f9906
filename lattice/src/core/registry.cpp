#include <algorithm>

#include "baseline/baseline.hpp"
#include "cpu/auto_backend.hpp"
#include "cpu/cpu_backend.hpp"
#include "cpu/cpu_temporal_backend.hpp"
#ifdef LFM_HAVE_THRUST_OMP
#include "thrust/thrust_backend.hpp"
#endif
#ifdef LFM_HAVE_CUDA
#include "cuda/cuda_backends.hpp"
#endif
#include "lattice/backend.hpp"
#include "lattice/error.hpp"
#include "lattice/suggest.hpp"

namespace lfm {

// The table of backends. An optimized backend adds its entry here, guarded
// by its build option; when the option is off the entry stays, with the
// reason, so `lfm backends` and the tests can say why it is absent.
namespace {

// Why the CUDA backends cannot run here ("" when they can): not built, or
// built but the runtime finds no device. Asked once, when the table is built.
std::string cuda_unavailable() {
#ifdef LFM_HAVE_CUDA
  return cuda::device_unavailable_reason();
#else
  return "not built: configured without CUDA (LFM_CUDA=OFF, or nvcc not found)";
#endif
}

// The factory of a CUDA backend, or nullptr in a build without CUDA.
std::function<std::unique_ptr<Backend>()> cuda_factory(std::string_view name) {
#ifdef LFM_HAVE_CUDA
  if (name == "cuda") return cuda::make_cuda_backend;
  if (name == "cuda_baseline") return cuda::make_cuda_baseline_backend;
  return cuda::make_thrust_backend;
#else
  (void)name;
  return nullptr;
#endif
}

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
      {"auto",
       "A selector, not a kernel: per problem, the fastest available CPU backend whose "
       "fields are bit-identical to `cpu` (cpu, cpu_temporal, thrust_omp). 1D, 2D and 3D "
       "grids under 2^20 cells take `cpu` unprobed; larger ones take the tuning cache's "
       "pick or time the candidates interleaved once and cache the winner. The default.",
       "", [] { return std::make_unique<AutoBackend>(); }},
      {"thrust_omp",
       "The step as a Thrust for_each over cells with the shared per-cell kernel (the code a "
       "CUDA build runs), on Thrust's OpenMP device system; reflective boundaries as one "
       "for_each per axis over its boundary planes. Bit-identical to `cpu`.",
#ifdef LFM_HAVE_THRUST_OMP
       "", [] { return std::make_unique<ThrustOmpBackend>(); }},
#else
       "not built: CCCL (Thrust) headers were not found at configure time", nullptr},
#endif
      {"cuda_baseline",
       "The first GPU port: one thread per cell with its coordinates found by division, one "
       "launch per term (Laplacian into a scratch field, chi squared, the combination into a "
       "third buffer) and one per boundary axis. The yardstick for `cuda`.",
       cuda_unavailable(), cuda_factory("cuda_baseline")},
      {"cuda",
       "One fused launch per step: 2.5D tiling in 3D (x-y tile with halo in shared memory, "
       "streaming along z with the z neighbours in registers), a thread per cell in 1D/2D, "
       "absorbing sponge inside, reflective faces as one small extra launch; block shape "
       "autotuned per GPU and grid. Bit-identical to `cpu`.",
       cuda_unavailable(), cuda_factory("cuda")},
      {"thrust",
       "The `thrust_omp` code compiled by nvcc for Thrust's CUDA device system: a for_each "
       "over rows with the shared per-cell kernel. Bit-identical to `cpu`.",
       cuda_unavailable(), cuda_factory("thrust")},
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

// `auto` runs `cpu` wherever nothing else is faster and cpu_temporal where it
// is (large 3D grids): the same bits either way, so the default need not
// trade correctness evidence for speed.
std::string default_backend_name() { return "auto"; }

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

// A backend that does not tune has nothing to prepare.
void Backend::prepare(const State<double>&, const Params&, bool) {}
void Backend::prepare(const State<float>&, const Params&, bool) {}

void prepare(Backend& b, const AnyState& s, const Params& p, bool retune) {
  std::visit([&](const auto& st) { b.prepare(st, p, retune); }, s);
}

}  // namespace lfm
