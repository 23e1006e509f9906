#include "lattice/checkpoint_writer.hpp"

#include <nlohmann/json.hpp>

#include "lattice/build_info.hpp"
#include "lattice/error.hpp"

namespace fs = std::filesystem;

namespace lfm {

std::string ResumeRecord::to_json() const {
  nlohmann::ordered_json j;
  j["workload"] = workload;
  j["backend"] = options.backend;
  j["steps"] = options.steps;
  j["diagnostics_every"] = options.diagnostics_every;
  j["checkpoint_every"] = options.checkpoint_every;
  j["keep_checkpoints"] = options.keep_checkpoints;
  j["blowup_factor"] = options.blowup_factor;
  j["command"] = options.command_line;
  if (const auto& snapshot = options.snapshot) {
    std::string fields;
    for (const SnapshotField f : snapshot->fields) {
      if (!fields.empty()) fields += ',';
      fields += to_string(f);
    }
    j["snapshot"] = {{"every", snapshot->every},
                     {"fields", fields},
                     {"compression", snapshot->compression},
                     {"float32", snapshot->float32}};
  }
  return j.dump();
}

ResumeRecord ResumeRecord::from_json(const std::string& text, const std::string& source) {
  try {
    const auto j = nlohmann::json::parse(text);
    ResumeRecord r;
    r.workload = j.at("workload").get<std::string>();
    r.options.backend = j.at("backend").get<std::string>();
    r.options.steps = j.at("steps").get<std::int64_t>();
    r.options.diagnostics_every = j.at("diagnostics_every").get<std::int64_t>();
    r.options.checkpoint_every = j.at("checkpoint_every").get<std::int64_t>();
    r.options.keep_checkpoints = j.at("keep_checkpoints").get<int>();
    r.options.blowup_factor = j.at("blowup_factor").get<double>();
    r.options.command_line = j.at("command").get<std::string>();
    if (j.contains("snapshot")) {
      const auto& o = j.at("snapshot");
      SnapshotOptions snapshot;
      snapshot.every = o.at("every").get<std::int64_t>();
      snapshot.fields = parse_snapshot_fields(o.at("fields").get<std::string>());
      snapshot.compression = o.at("compression").get<int>();
      snapshot.float32 = o.at("float32").get<bool>();
      validate(snapshot);
      r.options.snapshot = snapshot;
    }
    return r;
  } catch (const nlohmann::json::exception& e) {
    throw InputError(source + ": the run record is unreadable (" + e.what() + ")");
  }
}

CheckpointWriter::CheckpointWriter(const fs::path& run_dir, const Problem& problem,
                                   const ResumeRecord& record)
    : store_(run_dir), keep_(record.options.keep_checkpoints) {
  StaticData s;
  s.version = version();
  s.params_json = params_to_json(problem.params);
  s.run_json = record.to_json();
  s.precision = problem.params.precision;
  std::visit(
      [&](const auto& st) {
        s.shape = st.grid().shape();
        if (st.chi_field) s.chi = AnyField(*st.chi_field);
      },
      problem.state);
  store_.create();
  static_hash_ = store_.write_static(s);
  params_hash_ = fnv1a64(s.params_json);
}

CheckpointWriter::CheckpointWriter(const fs::path& run_dir, const StaticData& data,
                                   std::uint64_t static_hash, int keep)
    : store_(run_dir), static_hash_(static_hash), params_hash_(fnv1a64(data.params_json)), keep_(keep) {
  store_.create();
}

void CheckpointWriter::write(const AnyState& state, const RunResult& so_far) {
  CheckpointMeta m;
  m.version = version();
  m.static_hash = static_hash_;
  m.params_hash = params_hash_;
  std::visit(
      [&](const auto& st) {
        m.shape = st.grid().shape();
        m.precision = sizeof(st.E[0]) == 8 ? Precision::float64 : Precision::float32;
        m.step = st.step;
      },
      state);
  m.step_s = so_far.step_s;
  m.diagnostics_s = so_far.diagnostics_s;
  m.wall_s = so_far.wall_s;
  m.initial_max_abs = so_far.initial_max_abs;
  m.trace = so_far.trace;
  store_.write(m, state, keep_);
  last_ = store_.path_for_step(m.step);
}

RunResult result_so_far(const CheckpointMeta& meta) {
  RunResult r;
  r.trace = meta.trace;
  r.step_s = meta.step_s;
  r.diagnostics_s = meta.diagnostics_s;
  r.wall_s = meta.wall_s;
  r.initial_max_abs = meta.initial_max_abs;
  return r;
}

}  // namespace lfm
