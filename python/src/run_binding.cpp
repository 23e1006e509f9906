// lfm._core.run / lfm._core.resume: whole runs into a run directory, by the
// library's run API (lattice/run_job.hpp), the same code as `lfm run` and
// `lfm resume`. The GIL is released for the run and taken back for the
// caller's progress callback, for notices and to check for Ctrl-C.
#include "run_binding.hpp"

#include <nanobind/stl/optional.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/tuple.h>
#include <nanobind/stl/vector.h>

#include <csignal>
#include <cstring>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "arrays.hpp"
#include "distributed_binding.hpp"
#include "lattice/diagnostics.hpp"
#include "lattice/memory_check.hpp"
#include "lattice/params.hpp"
#include "lattice/run_directory.hpp"
#include "lattice/run_job.hpp"
#include "lattice/workloads.hpp"
#include "simulation.hpp"

namespace nb = nanobind;
using namespace nb::literals;

namespace lfm::python {
namespace {

// What Python hands a run besides the problem.
struct RunSettings {
  std::string backend;
  std::int64_t steps, diagnostics_every, checkpoint_every;
  int keep_checkpoints;
  double blowup_factor;
  std::optional<std::int64_t> snapshot_every;
  std::optional<std::string> snapshot_fields;
  std::optional<int> snapshot_compression;
  bool snapshot_float32;
};

JobOptions job_options(const RunSettings& s, const std::string& command) {
  JobOptions o;
  o.backend = s.backend;
  o.command_line = command;
  o.steps = s.steps;
  o.diagnostics_every = s.diagnostics_every;
  o.checkpoint_every = s.checkpoint_every;
  o.keep_checkpoints = s.keep_checkpoints;
  o.blowup_factor = s.blowup_factor;
  if (s.snapshot_every) {
    SnapshotOptions snapshot;
    snapshot.every = *s.snapshot_every;
    if (s.snapshot_fields) snapshot.fields = parse_snapshot_fields(*s.snapshot_fields);
    if (s.snapshot_compression) snapshot.compression = *s.snapshot_compression;
    snapshot.float32 = s.snapshot_float32;
    o.snapshot = snapshot;
  } else if (s.snapshot_fields || s.snapshot_compression || s.snapshot_float32) {
    throw InputError("snapshot_fields, snapshot_compression and snapshot_float32 need snapshot_every");
  }
  validate(o);
  return o;
}

void tell(const std::string& text) {
  nb::gil_scoped_acquire gil;
  nb::module_::import_("sys").attr("stderr").attr("write")("lfm: " + text + "\n");
}

// The run's outcome for the Python wrapper: (status, summary.json text,
// step reached, last checkpoint or "", the snapshot steps, the pending
// exception (Ctrl-C) or None).
using Outcome = std::tuple<std::string, std::string, std::int64_t, std::string, std::vector<std::int64_t>, nb::object>;

// Where a run steps: on one process, or on the ranks of a session.
struct OnRanks {
  const RootSession* session;
  std::string decomposition;
  int exchange_depth;
};

// Runs `job` with the GIL released. A callback that raises, or a signal
// whose Python handler raises (Ctrl-C: KeyboardInterrupt), stops the run at
// the next chunk boundary, as SIGINT stops `lfm run`.
template <class Job>
Outcome run_released(const nb::object& progress, const OnRanks& ranks, const Problem& problem, const Job& job) {
  std::optional<nb::python_error> raised;
  JobHooks hooks;
  hooks.notice = tell;
  wire(hooks, problem, ranks.session, ranks.decomposition, ranks.exchange_depth);
  hooks.stop_requested = [&](std::int64_t) {
    nb::gil_scoped_acquire gil;
    if (!raised && PyErr_CheckSignals() != 0) raised.emplace();
    return raised ? SIGINT : 0;
  };
  if (!progress.is_none()) {
    hooks.on_progress = [&](const Progress& p) {
      nb::gil_scoped_acquire gil;
      if (raised) return;
      try {
        progress(p.step, p.total, p.elapsed_s);
      } catch (nb::python_error& e) {
        raised.emplace(std::move(e));
      }
    };
  }
  JobOutcome o;
  {
    nb::gil_scoped_release release;
    o = job(hooks);
  }
  const char* status = o.status == JobStatus::completed ? "completed"
                       : o.status == JobStatus::diverged ? "diverged" : "stopped";
  nb::object exception = nb::none();
  if (raised) exception = nb::borrow(raised->value());
  return {status, o.summary_json, o.step, o.last_checkpoint.string(), o.snapshot_steps, exception};
}

template <class T>
Field<T> copy_of(const ReadOnlyArray& a) {
  const Field<T> view = view_of<T>(a);
  return Field<T>(view);  // copying a view owns its cells
}

template <class T>
Problem array_problem(const Params& p, const ReadOnlyArray& E, const ReadOnlyArray& E_prev,
                      const std::optional<ReadOnlyArray>& chi) {
  State<T> s{copy_of<T>(E), copy_of<T>(E_prev), std::nullopt, 0};
  if (chi) s.chi_field = copy_of<T>(*chi);
  return {"config", p, std::move(s)};
}

// The workload's parameters with the caller's keys laid over them, read by
// the JSON reader as a config file is.
Params with_overrides(const Params& p, const std::string& overrides_json) {
  auto merged = nlohmann::json::parse(params_to_json(p));
  merged.update(nlohmann::json::parse(overrides_json));
  return params_from_json(merged.dump(), "params");
}

Outcome run_problem(Problem& problem, const std::string& out, bool force, const RunSettings& s,
                    bool allow_unstable, const std::string& command, const nb::object& progress,
                    const OnRanks& ranks) {
  const JobOptions options = job_options(s, command);
  const Grid& g = std::visit([](const auto& st) -> const Grid& { return st.grid(); }, problem.state);
  validate_for_python(problem.params, g, chi_max(problem.state, problem.params), allow_unstable);
  RunDirectory dir(out, force ? RunDirectory::Open::replace : RunDirectory::Open::create, tell);
  return run_released(progress, ranks, problem,
                      [&](const JobHooks& hooks) { return run_job(problem, dir, options, hooks); });
}

Outcome run_workload(const std::string& name, int dims, std::size_t n, const std::string& precision,
                     const std::string& overrides_json, const std::string& out, bool force, const RunSettings& s,
                     bool allow_unstable, const std::optional<std::string>& memory_limit,
                     const std::string& command, const nb::object& progress, const RootSession* session,
                     const std::string& decomposition, int exchange_depth) {
  const OnRanks ranks{session, decomposition, exchange_depth};
  const Precision p = parse_precision(precision);
  job_options(s, command);  // bad options are refused before anything is built
  require_memory(estimate_run_bytes(workload_cells(n, dims), p), memory_limit);
  Problem problem = make_workload(name, dims, n, p);
  problem.params = with_overrides(problem.params, overrides_json);
  if (problem.params.precision != p) {
    throw InputError("params['precision'] is not accepted for a workload; pass precision=");
  }
  return run_problem(problem, out, force, s, allow_unstable, command, progress, ranks);
}

Outcome run_arrays(const ReadOnlyArray& E, const ReadOnlyArray& E_prev, const std::string& params_json,
                   const std::optional<ReadOnlyArray>& chi, const std::string& out, bool force, const RunSettings& s,
                   bool allow_unstable, const std::string& command, const nb::object& progress,
                   const RootSession* session, const std::string& decomposition, int exchange_depth) {
  const OnRanks ranks{session, decomposition, exchange_depth};
  const Params p = params_for(params_json, is_float32(E));
  Problem problem = is_float32(E) ? array_problem<float>(p, E, E_prev, chi) : array_problem<double>(p, E, E_prev, chi);
  std::visit(
      [](const auto& st) {
        require_finite(st.E, "E");
        require_finite(st.E_prev, "E_prev");
        if (st.chi_field) require_finite(*st.chi_field, "chi");
      },
      problem.state);
  return run_problem(problem, out, force, s, allow_unstable, command, progress, ranks);
}

Outcome resume(const std::string& out, std::optional<std::int64_t> steps_total,
               const std::optional<std::string>& memory_limit, const nb::object& progress,
               const RootSession* session, const std::string& decomposition, int exchange_depth) {
  const OnRanks ranks{session, decomposition, exchange_depth};
  ResumableRun run(out);
  require_memory(run.bytes_needed(), memory_limit);
  RunDirectory dir(out, RunDirectory::Open::resume, tell);
  JobHooks notices;
  notices.notice = tell;
  Problem problem = run.load(dir, steps_total, notices);
  return run_released(progress, ranks, problem,
                      [&](const JobHooks& hooks) { return run.resume(problem, dir, hooks); });
}

}  // namespace

void bind_runs(nb::module_& m) {
  bind_distributed(m);  // RootSession first: the run functions take one
  nb::class_<RunSettings>(m, "RunSettings")
      .def(nb::init<>())
      .def_rw("backend", &RunSettings::backend)
      .def_rw("steps", &RunSettings::steps)
      .def_rw("diagnostics_every", &RunSettings::diagnostics_every)
      .def_rw("checkpoint_every", &RunSettings::checkpoint_every)
      .def_rw("keep_checkpoints", &RunSettings::keep_checkpoints)
      .def_rw("blowup_factor", &RunSettings::blowup_factor)
      .def_rw("snapshot_every", &RunSettings::snapshot_every, nb::arg().none())
      .def_rw("snapshot_fields", &RunSettings::snapshot_fields, nb::arg().none())
      .def_rw("snapshot_compression", &RunSettings::snapshot_compression, nb::arg().none())
      .def_rw("snapshot_float32", &RunSettings::snapshot_float32);
  m.def("run_workload", &run_workload, "name"_a, "dims"_a, "n"_a, "precision"_a, "overrides_json"_a, "out"_a,
        "force"_a, "settings"_a, "allow_unstable"_a, "memory_limit"_a.none(), "command"_a, "progress"_a.none(),
        "session"_a.none(), "decomposition"_a, "exchange_depth"_a);
  m.def("run_arrays", &run_arrays, nb::arg("E").noconvert(), nb::arg("E_prev").noconvert(), "params_json"_a,
        nb::arg("chi").noconvert().none(), "out"_a, "force"_a, "settings"_a, "allow_unstable"_a, "command"_a,
        "progress"_a.none(), "session"_a.none(), "decomposition"_a, "exchange_depth"_a);
  m.def("resume", &resume, "out"_a, "steps_total"_a.none(), "memory_limit"_a.none(), "progress"_a.none(),
        "session"_a.none(), "decomposition"_a, "exchange_depth"_a);
}

}  // namespace lfm::python
