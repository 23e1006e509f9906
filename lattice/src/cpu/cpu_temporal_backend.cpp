#include "cpu/cpu_temporal_backend.hpp"

#include <chrono>

#include "core/tuning_cache.hpp"
#include "cpu/cpu_backend.hpp"
#include "cpu/temporal_tuning.hpp"
#include "lattice/phase.hpp"

namespace lfm {
namespace {

constexpr std::string_view cache_header = "# lfm cpu_temporal tuning cache v1: cpu\tproblem\tdepth band_rows";

bool valid_blocking(std::string_view text) { return cpu::parse_blocking(text).has_value(); }

}  // namespace

bool temporal_blocks(const Grid& g, const Params& p) {
  return g.dims() == 3 && g.extent(0) >= 4 * static_cast<std::size_t>(p.stencil_radius()) + 2;
}

template <class T>
void CpuTemporalBackend::choose(const State<T>& s, const Params& p, bool retune) {
  if (fixed_ || !temporal_blocks(s.grid(), p)) return;
  const std::string key = cpu::problem_key(s, p);
  if (!retune && key == chosen_for_) return;
  retune = retune || retune_requested();  // once per problem, not on every advance
  const auto t0 = std::chrono::steady_clock::now();
  const auto path = cpu::temporal_cache_path();
  TuningTable cache = read_tuning_cache(path, valid_blocking);
  const auto cached = retune ? std::nullopt : cache.find(cpu::machine_name(), key);
  if (cached) {
    blocking_ = *cpu::parse_blocking(*cached);
  } else {
    const cpu::TimedChoice choice = cpu::time_candidates(s, p);
    blocking_ = choice.blocking;
    trials_ += choice.trials;
    cache.put(cpu::machine_name(), key, cpu::to_text(blocking_));
    save_tuning_table(path, cache, cache_header);  // when it cannot be written, the next process tunes again
  }
  chosen_for_ = key;
  tuning_seconds_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

template <class T>
void CpuTemporalBackend::run(State<T>& s, const Params& p, std::int64_t steps) {
  if (!temporal_blocks(s.grid(), p)) {
    CpuBackend().advance(s, p, steps);
    return;
  }
  choose(s, p, false);
  const ScopedPhase phase("temporal-blocked update (stencil, chi, damping, boundaries)");
  cpu::advance_blocked(s, p, steps, blocking_);
}

std::string CpuTemporalBackend::tuning() const {
  if (blocking_.depth == 0) return "";
  return "block depth " + std::to_string(blocking_.depth) + ", " +
         (blocking_.band_rows ? "bands of " + std::to_string(blocking_.band_rows) + " rows" : "whole planes");
}

void CpuTemporalBackend::advance(State<double>& s, const Params& p, std::int64_t steps) { run(s, p, steps); }
void CpuTemporalBackend::advance(State<float>& s, const Params& p, std::int64_t steps) { run(s, p, steps); }
void CpuTemporalBackend::prepare(const State<double>& s, const Params& p, bool retune) { choose(s, p, retune); }
void CpuTemporalBackend::prepare(const State<float>& s, const Params& p, bool retune) { choose(s, p, retune); }

}  // namespace lfm
