#include "resume_command.hpp"

#include <iostream>
#include <system_error>

#include "lattice/checkpoint.hpp"
#include "lattice/build_info.hpp"
#include "lattice/error.hpp"
#include "checkpointing.hpp"
#include "memory_check.hpp"
#include "run_command.hpp"
#include "stop_signals.hpp"
#include "lattice/run_directory.hpp"

namespace fs = std::filesystem;

namespace lfm::app {
namespace {

template <class T>
AnyState state_from(Field<T>&& E, Field<T>&& E_prev, const std::optional<AnyField>& chi,
                    std::int64_t step) {
  State<T> s{std::move(E), std::move(E_prev), std::nullopt, step};
  if (chi) s.chi_field = std::get<Field<T>>(*chi);
  return s;
}

// The decoder has checked that E, E_prev and χ share the shape and precision.
AnyState restore_state(CheckpointData& c, const StaticData& s) {
  if (c.meta.shape != s.shape || c.meta.precision != s.precision) {
    throw InputError("checkpoint and static data disagree on the shape or precision");
  }
  if (auto* E = std::get_if<Field<double>>(&c.E)) {
    return state_from(std::move(*E), std::get<Field<double>>(std::move(c.E_prev)), s.chi, c.meta.step);
  }
  return state_from(std::get<Field<float>>(std::move(c.E)), std::get<Field<float>>(std::move(c.E_prev)),
                    s.chi, c.meta.step);
}

}  // namespace

int resume_command(const ResumeArgs& a) {
  std::error_code ec;
  if (!fs::is_directory(a.dir, ec)) {
    throw InputError(a.dir.string() + ": no such run directory");
  }
  CheckpointStore store(a.dir);
  if (!fs::exists(store.static_path(), ec)) {
    throw InputError(a.dir.string() + ": not a checkpointed run (no " + store.static_path().string() +
                     "; start runs with --checkpoint-every K to be able to resume them)");
  }
  const std::string static_bytes = read_binary_file(store.static_path());
  const StaticData data = decode_static(static_bytes, store.static_path().string());
  if (data.version != version()) {
    throw InputError(store.static_path().string() + ": written by lfm " + data.version + ", this is lfm " +
                     version() + "; resume it with the version that started the run");
  }
  const ResumeRecord record = ResumeRecord::from_json(data.run_json, store.static_path().string());
  const std::int64_t steps = a.steps_total.value_or(record.steps);
  double cells = 1;
  for (std::size_t e : data.shape) cells *= static_cast<double>(e);
  // The checkpoint is read whole before it is unpacked: two more fields.
  require_memory(estimate_run_bytes(cells, data.precision) +
                     2 * cells * (data.precision == Precision::float64 ? 8 : 4),
                 a.memory_limit);

  // Locked before the checkpoints are read: a run still going would change
  // what is newest. The handlers go in first, so a signal ends cleanly.
  const StopSignals stop;
  RunDirectory dir(a.dir, RunDirectory::Open::resume, [](const std::string& text) {
    std::cerr << "lfm: " << text << "\n";
  });
  CheckpointWriter checkpoints(dir.path(), data, stored_checksum(static_bytes), record.keep_checkpoints);
  auto loaded = store.newest_valid(stored_checksum(static_bytes), [](const std::string& warning) {
    std::cerr << "lfm: warning: " << warning << "\n";
  });
  if (steps < loaded.data.meta.step) {
    throw InputError("--steps-total " + std::to_string(steps) + " is before the checkpoint's step " +
                     std::to_string(loaded.data.meta.step) + "; expected >= " +
                     std::to_string(loaded.data.meta.step));
  }
  std::cerr << "lfm: resuming " << a.dir.string() << " from " << loaded.file.string() << " (step "
            << loaded.data.meta.step << " of " << steps << ")\n";

  Problem problem{record.workload, params_from_json(data.params_json, store.static_path().string()),
                  restore_state(loaded.data, data)};
  const RunResult so_far = result_so_far(loaded.data.meta);
  checkpoints.set_last(loaded.file);

  RunPlan plan;
  plan.backend = record.backend;
  plan.command_line = record.command_line;
  plan.dir = &dir;
  plan.stop = &stop;
  plan.quiet = a.quiet;
  plan.snapshot = record.snapshot;
  plan.steps = plan.steps_requested = steps;
  plan.diagnostics_every = record.diagnostics_every;
  plan.checkpoint_every = record.checkpoint_every;
  plan.blowup_factor = record.blowup_factor;
  plan.checkpoints = &checkpoints;
  plan.resumed = &so_far;
  return run_problem(problem, plan);
}

}  // namespace lfm::app
