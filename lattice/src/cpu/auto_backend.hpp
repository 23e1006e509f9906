#pragma once
#include <memory>
#include <string>

#include "lattice/backend.hpp"

namespace lfm {

// `auto`, the default: a selector, not a kernel. For each problem (shape,
// precision, order, boundary, χ kind, thread count) it runs the fastest
// available CPU backend whose fields are bit-identical to `cpu` — `cpu`,
// `cpu_temporal` or `thrust_omp` — so what it computes is `cpu`'s result
// whichever it picks. Grids where blocking cannot pay (1D, 2D, small 3D)
// take `cpu` without timing anything; larger ones take the choice from the
// tuning cache (tuning_file_path("auto_tuning.txt")), or time the
// candidates interleaved on a copy of the state and cache the winner.
class AutoBackend final : public Backend {
 public:
  void advance(State<double>& s, const Params& p, std::int64_t steps) override;
  void advance(State<float>& s, const Params& p, std::int64_t steps) override;
  void prepare(const State<double>& s, const Params& p, bool retune) override;
  void prepare(const State<float>& s, const Params& p, bool retune) override;
  std::int64_t preferred_step_multiple() const override;
  // "auto: cpu_temporal (block depth 8, bands of 64 rows)".
  std::string tuning() const override;
  double tuning_seconds() const override { return seconds_; }
  // Candidates probed, plus the configurations they timed in preparing.
  int tuning_trials() const override { return trials_; }
  // The backend chosen for the last problem ("" before the first).
  const std::string& chosen() const { return name_; }

 private:
  template <class T>
  void choose(const State<T>& s, const Params& p, bool retune);
  template <class T>
  void probe(const State<T>& s, const Params& p, bool retune);
  std::unique_ptr<Backend> backend_;
  std::string name_, why_, chosen_for_;
  double seconds_ = 0;
  int trials_ = 0;
};

// Below this many cells a 3D grid's two levels stay in the last-level cache
// and `auto` takes `cpu` without probing (measured in docs/optimizations/auto.md).
inline constexpr std::size_t auto_probe_cells = std::size_t{1} << 20;

}  // namespace lfm
