#include "checkpointing.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <system_error>

#include "lattice/build_info.hpp"
#include "lattice/error.hpp"

namespace fs = std::filesystem;

namespace lfm::app {

std::string ResumeRecord::to_json() const {
  nlohmann::ordered_json j;
  j["workload"] = workload;
  j["backend"] = backend;
  j["steps"] = steps;
  j["diagnostics_every"] = diagnostics_every;
  j["checkpoint_every"] = checkpoint_every;
  j["keep_checkpoints"] = keep_checkpoints;
  j["blowup_factor"] = blowup_factor;
  j["command"] = command_line;
  return j.dump();
}

ResumeRecord ResumeRecord::from_json(const std::string& text, const std::string& source) {
  try {
    const auto j = nlohmann::json::parse(text);
    ResumeRecord r;
    r.workload = j.at("workload").get<std::string>();
    r.backend = j.at("backend").get<std::string>();
    r.steps = j.at("steps").get<std::int64_t>();
    r.diagnostics_every = j.at("diagnostics_every").get<std::int64_t>();
    r.checkpoint_every = j.at("checkpoint_every").get<std::int64_t>();
    r.keep_checkpoints = j.at("keep_checkpoints").get<int>();
    r.blowup_factor = j.at("blowup_factor").get<double>();
    r.command_line = j.at("command").get<std::string>();
    return r;
  } catch (const nlohmann::json::exception& e) {
    throw InputError(source + ": the run record is unreadable (" + e.what() + ")");
  }
}

void prepare_run_directory(const fs::path& dir, bool force) {
  std::error_code ec;
  if (fs::exists(dir, ec) && !fs::is_directory(dir, ec)) {
    throw InputError("--out " + dir.string() + " exists and is not a directory");
  }
  if (fs::is_directory(dir, ec) && !fs::is_empty(dir, ec)) {
    if (!force) {
      throw InputError("--out " + dir.string() +
                       " is not empty; choose a new directory, pass --force to replace it, "
                       "or continue it with `lfm resume " + dir.string() + "`");
    }
    for (const auto& entry : fs::directory_iterator(dir)) fs::remove_all(entry.path());
  }
  const fs::path checkpoints = dir / "checkpoints";
  fs::create_directories(checkpoints, ec);
  // access() rather than the mode bits: it also sees read-only mounts.
  if (ec || ::access(checkpoints.c_str(), W_OK) != 0) {
    const std::string why = ec ? ec.message() : std::string("not writable");
    throw InputError("--out " + dir.string() + ": cannot write checkpoints there (" + why + ")");
  }
}

namespace {

int lock_run_directory(const fs::path& run_dir, const fs::path& checkpoints) {
  const fs::path lock = checkpoints / "lock";
  const int fd = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) throw InputError(run_dir.string() + ": cannot create " + lock.string());
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    throw InputError(run_dir.string() + " is in use by another lfm process; wait for it to stop " +
                     "(SIGINT or SIGTERM make it checkpoint and exit)");
  }
  return fd;
}

}  // namespace

CheckpointWriter::~CheckpointWriter() {
  if (lock_fd_ >= 0) ::close(lock_fd_);
}

CheckpointWriter::CheckpointWriter(const fs::path& run_dir, const Problem& problem,
                                   const ResumeRecord& record)
    : store_(run_dir), keep_(record.keep_checkpoints) {
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
  lock_fd_ = lock_run_directory(run_dir, store_.dir());
  static_hash_ = store_.write_static(s);
  params_hash_ = fnv1a64(s.params_json);
}

CheckpointWriter::CheckpointWriter(const fs::path& run_dir, const StaticData& data,
                                   std::uint64_t static_hash, int keep)
    : store_(run_dir), static_hash_(static_hash), params_hash_(fnv1a64(data.params_json)), keep_(keep) {
  lock_fd_ = lock_run_directory(run_dir, store_.dir());
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

}  // namespace lfm::app
