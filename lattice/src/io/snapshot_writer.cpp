// The snapshot writer: the time loop copies fields into a bounded queue, a
// background thread compresses and writes them, one step file each, and
// republishes the index (snapshot_series.hpp) after every step. Everything
// HDF5 happens on that thread between construction and finish(), never on
// two at once.
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>
#include <type_traits>
#include <variant>

#include "io/hdf5_write.hpp"
#include "io/snapshot_series.hpp"
#include "io/xdmf.hpp"
#include "lattice/build_info.hpp"
#include "lattice/checkpoint.hpp"
#include "lattice/diagnostics.hpp"
#include "lattice/error.hpp"
#include "lattice/snapshot.hpp"

namespace fs = std::filesystem;

namespace lfm {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// CPU time of the calling thread.
double thread_cpu_s() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

// Test hook: LFM_TEST_KILL_IN_SNAPSHOT=N SIGKILLs the process halfway
// through the file of step N, as a kill at the worst moment would.
std::int64_t kill_in_snapshot_step() {
  static const char* at = std::getenv("LFM_TEST_KILL_IN_SNAPSHOT");
  return at ? std::atoll(at) : -1;
}

template <class T>
void copy_field(const Field<T>& from, Field<T>& to) {
  if (!(to.grid() == from.grid())) to = Field<T>(from.grid());
  std::copy(from.values().begin(), from.values().end(), to.data());
}

// The run's parameters, each as an attribute of its own (numbers as
// numbers) and all together as the JSON a config file holds.
struct SeriesInfo {
  std::string workload;
  Params params;
  std::vector<std::size_t> shape;
  bool chi_field = false;
};

void write_run_attributes(hid_t file, const SeriesInfo& info, const SnapshotOptions& o) {
  using namespace detail;
  auto parameters = nlohmann::ordered_json::parse(params_to_json(info.params));
  if (info.chi_field) parameters.erase("chi");  // unused under a field, which /chi holds
  write_string_attribute(file, "format", "lfm snapshots");
  write_integer_attribute(file, "format_version", 2);
  write_string_attribute(file, "layout", "each dataset is an external link into a file of one step");
  write_string_attribute(file, "lfm_version", version());
  write_string_attribute(file, "workload", info.workload);
  write_string_attribute(file, "parameters", parameters.dump());
  for (const auto& [key, value] : parameters.items()) {
    if (value.is_string()) write_string_attribute(file, key, value.get<std::string>());
    else if (value.is_number_integer()) write_integer_attribute(file, key, value.get<std::int64_t>());
    else write_double_attribute(file, key, value.get<double>());
  }
  std::vector<std::int64_t> shape;
  for (const std::size_t n : info.shape) shape.push_back(static_cast<std::int64_t>(n));
  write_integers_attribute(file, "shape", shape);
  write_string_attribute(file, "chi_source", info.chi_field ? "field" : "scalar");
  write_integer_attribute(file, "snapshot_every", o.every);
  write_integer_attribute(file, "compression_level", o.compression);
  write_integer_attribute(file, "float32_downcast", o.float32 ? 1 : 0);
  std::string fields;
  for (const SnapshotField f : o.fields) {
    if (!fields.empty()) fields += ',';
    fields += to_string(f);
  }
  write_string_attribute(file, "fields", fields);
}

// One captured step: E, and E_prev when the energy density needs it, in
// the run's precision. Buffers are reused once written.
struct Capture {
  AnyState state;
};

}  // namespace

struct SnapshotWriter::Impl {
  fs::path path, xdmf_path;
  SnapshotOptions options;
  SeriesInfo info;
  Precision precision;
  bool needs_prev = false;
  // The writer thread's own arrays: the χ field (in `work`, whose E and
  // E_prev are swapped in from a capture), the energy density and the
  // float32 down-cast.
  AnyState work;
  Field<double> density;
  Field<float> narrow;

  std::mutex mutex;
  std::condition_variable work_ready, space_free;
  std::deque<std::unique_ptr<Capture>> queue;  // captured, waiting for the writer
  std::vector<std::unique_ptr<Capture>> spare; // written, ready for reuse
  bool writing = false;                        // a step is being written now
  bool closing = false;
  bool abandon = false;
  std::exception_ptr failure;
  std::vector<std::int64_t> steps_written;     // every step in the series, this process's and earlier
  SnapshotStats stats;
  std::thread thread;
  bool finished = false;

  void writer_loop();
  void write_step(Capture& c);
  void publish_index();
  template <class T>
  void write_field(hid_t file, SnapshotField f, std::int64_t step, const T* data, Precision computed_in);
  void stop_thread();
  void wait_idle(std::unique_lock<std::mutex>& lock);
};

void SnapshotWriter::Impl::writer_loop() {
  detail::prepare_hdf5_thread();
  while (true) {
    std::unique_ptr<Capture> job;
    {
      std::unique_lock lock(mutex);
      work_ready.wait(lock, [&] { return !queue.empty() || closing; });
      if (abandon || queue.empty()) return;
      job = std::move(queue.front());
      queue.pop_front();
      writing = true;
    }
    space_free.notify_all();
    const std::int64_t step = std::visit([](const auto& st) { return st.step; }, job->state);
    try {
      write_step(*job);
    } catch (const std::exception& e) {
      std::lock_guard lock(mutex);
      failure = std::make_exception_ptr(WriteError(detail::step_file_for(path, step).string() + ": " + e.what() +
                                                   "; the snapshots before it are kept in " + path.string()));
      queue.clear();
      writing = false;
      space_free.notify_all();
      return;
    }
    std::lock_guard lock(mutex);
    spare.push_back(std::move(job));
    writing = false;
    space_free.notify_all();
  }
}

template <class T>
void SnapshotWriter::Impl::write_field(hid_t file, SnapshotField f, std::int64_t step, const T* data,
                                       Precision computed_in) {
  const auto t0 = Clock::now();
  const double cpu0 = thread_cpu_s();
  std::string name = "/";  // appended: GCC 12 warns falsely on "/" + name (-Wrestrict)
  name += to_string(f);
  detail::H5Id dataset = detail::write_dataset(file, name, info.shape, data, options.compression);
  const hid_t d = dataset.get();
  detail::write_integer_attribute(d, "step", step);
  detail::write_double_attribute(d, "time", static_cast<double>(step) * info.params.dt);
  const Precision stored = sizeof(T) == 4 ? Precision::float32 : Precision::float64;
  detail::write_string_attribute(d, "precision", to_string(stored));
  detail::write_string_attribute(d, "computed_precision", to_string(computed_in));
  detail::write_integer_attribute(d, "float32_downcast", stored != computed_in ? 1 : 0);
  stats.file_bytes += H5Dget_storage_size(d);
  if (!dataset.close()) {
    throw detail::Hdf5Error("close dataset " + name + ": " + detail::hdf5_failure_reason());
  }
  std::size_t cells = 1;
  for (const std::size_t n : info.shape) cells *= n;
  stats.raw_bytes += cells * sizeof(T);
  ++stats.datasets;
  stats.write_s += seconds_since(t0);
  stats.write_cpu_s += thread_cpu_s() - cpu0;
  if (step == kill_in_snapshot_step()) std::raise(SIGKILL);
}

void SnapshotWriter::Impl::write_step(Capture& c) {
  std::visit(
      [&](auto& captured) {
        using T = typename std::decay_t<decltype(captured.E)>::value_type;
        detail::write_hdf5_atomically(detail::step_file_for(path, captured.step), [&](hid_t file) {
          for (const SnapshotField f : options.fields) {
            const double* values = nullptr;  // a float64 field, computed in float64
            const auto t0 = Clock::now();
            if (f == SnapshotField::energy_density) {
              // The capture lends its arrays to `work`, which holds the χ field.
              auto& w = std::get<State<T>>(work);
              std::swap(w.E, captured.E);
              std::swap(w.E_prev, captured.E_prev);
              energy_density(w, info.params, density);
              std::swap(w.E, captured.E);
              std::swap(w.E_prev, captured.E_prev);
              values = density.data();
            } else if constexpr (std::is_same_v<T, float>) {
              write_field(file, f, captured.step, captured.E.data(), Precision::float32);
              continue;
            } else {
              values = captured.E.data();
            }
            if (options.float32) {
              if (!(narrow.grid() == captured.grid())) narrow = Field<float>(captured.grid());
              std::copy(values, values + captured.E.size(), narrow.data());
              stats.compute_s += seconds_since(t0);
              write_field(file, f, captured.step, narrow.data(), Precision::float64);
            } else {
              stats.compute_s += seconds_since(t0);
              write_field(file, f, captured.step, values, Precision::float64);
            }
          }
        });
        steps_written.push_back(captured.step);
      },
      c.state);
  publish_index();
}

// The index and the XDMF sidecar, both whole at every moment.
void SnapshotWriter::Impl::publish_index() {
  std::vector<std::string> names;
  std::vector<detail::XdmfField> fields;
  for (const SnapshotField f : options.fields) {
    names.emplace_back(to_string(f));
    const bool narrow_field = options.float32 || (f == SnapshotField::E && precision == Precision::float32);
    fields.push_back({std::string(to_string(f)), narrow_field ? 4 : 8});
  }
  detail::write_index(path, names, steps_written, info.chi_field,
                      [&](hid_t file) { write_run_attributes(file, info, options); });
  const int chi_bytes = !info.chi_field ? 0 : precision == Precision::float32 ? 4 : 8;
  const std::string xdmf = detail::xdmf_text(
      {path.filename().string(), info.shape, info.params.dx, info.params.dt, fields, steps_written, chi_bytes});
  write_file_atomically(xdmf_path, [&](const ByteSink& sink) { sink(xdmf.data(), xdmf.size()); });
}

void SnapshotWriter::Impl::stop_thread() {
  {
    std::lock_guard lock(mutex);
    closing = true;
  }
  work_ready.notify_all();
  if (thread.joinable()) thread.join();
}

void SnapshotWriter::Impl::wait_idle(std::unique_lock<std::mutex>& lock) {
  space_free.wait(lock, [&] { return (queue.empty() && !writing) || failure; });
}

SnapshotWriter::SnapshotWriter(fs::path h5_path, const Problem& problem, SnapshotOptions options,
                               std::optional<std::int64_t> resume_before)
    : impl_(std::make_unique<Impl>()) {
  validate(options);
  Impl& m = *impl_;
  m.path = std::move(h5_path);
  m.xdmf_path = xdmf_path_for(m.path);
  m.options = std::move(options);
  m.info.workload = problem.name;
  m.info.params = problem.params;
  m.precision = problem.params.precision;
  m.needs_prev = std::find(m.options.fields.begin(), m.options.fields.end(),
                           SnapshotField::energy_density) != m.options.fields.end();
  std::visit(
      [&](const auto& s) {
        using T = typename std::decay_t<decltype(s.E)>::value_type;
        m.info.shape = s.grid().shape();
        m.info.chi_field = s.chi_field.has_value();
        State<T> work{Field<T>(), Field<T>(), std::nullopt, 0};
        if (m.needs_prev) work.chi_field = s.chi_field;
        m.work = std::move(work);
      },
      problem.state);

  detail::prepare_hdf5_thread();
  // A new series replaces the step files of an old one; a resumed one keeps
  // the steps before the checkpoint it resumes from and drops the rest.
  for (const std::int64_t step : detail::steps_on_disk(m.path)) {
    if (resume_before && step < *resume_before) {
      m.steps_written.push_back(step);
    } else {
      std::error_code ec;
      fs::remove(detail::step_file_for(m.path, step), ec);
    }
  }
  std::error_code ec;
  fs::create_directory(detail::step_directory_for(m.path), ec);
  try {
    if (ec) {
      throw WriteError(m.path.string() + ": cannot create its step directory " +
                       detail::step_directory_for(m.path).string() + " (" + ec.message() + ")");
    }
    // χ does not change during a run: written once, beside the steps.
    std::visit(
        [&](const auto& s) {
          const fs::path chi = m.path.parent_path() / detail::chi_link_target(m.path);
          if (!s.chi_field) {
            fs::remove(chi, ec);  // an older series' χ
            return;
          }
          detail::write_hdf5_atomically(chi, [&](hid_t file) {
            detail::H5Id d = detail::write_dataset(file, "/chi", m.info.shape, s.chi_field->data(), m.options.compression);
            if (!d.close()) throw detail::Hdf5Error("close dataset /chi: " + detail::hdf5_failure_reason());
          });
        },
        problem.state);
    m.publish_index();
  } catch (const detail::Hdf5Error& e) {
    throw WriteError(m.path.string() + ": " + e.what());
  }
  m.stats.queue_depth = m.options.queue_depth;
  m.thread = std::thread([&m] { m.writer_loop(); });
}

SnapshotWriter::~SnapshotWriter() {
  if (impl_->finished) return;
  {
    std::lock_guard lock(impl_->mutex);
    impl_->abandon = true;
  }
  impl_->stop_thread();
}

const fs::path& SnapshotWriter::path() const { return impl_->path; }

const std::vector<std::int64_t>& SnapshotWriter::steps() const { return impl_->steps_written; }

void SnapshotWriter::capture(const AnyState& s) {
  Impl& m = *impl_;
  if (s.index() != m.work.index()) {
    throw std::invalid_argument("SnapshotWriter::capture: state precision differs from the run's");
  }
  std::unique_ptr<Capture> buffer;
  {
    std::unique_lock lock(m.mutex);
    if (!m.failure && m.queue.size() >= m.options.queue_depth) {
      ++m.stats.waits;
      const auto t0 = Clock::now();
      m.space_free.wait(lock, [&] { return m.queue.size() < m.options.queue_depth || m.failure; });
      m.stats.wait_s += seconds_since(t0);
    }
    if (m.failure) std::rethrow_exception(m.failure);
    if (!m.spare.empty()) {
      buffer = std::move(m.spare.back());
      m.spare.pop_back();
    }
  }
  const auto t0 = Clock::now();
  if (!buffer) {
    buffer = std::make_unique<Capture>();
    buffer->state = std::visit([](const auto& w) { return AnyState(std::decay_t<decltype(w)>{}); }, m.work);
  }
  std::visit(
      [&](auto& into) {
        const auto& from = std::get<std::decay_t<decltype(into)>>(s);
        copy_field(from.E, into.E);
        if (m.needs_prev) copy_field(from.E_prev, into.E_prev);
        into.step = from.step;
      },
      buffer->state);
  m.stats.copy_s += seconds_since(t0);
  ++m.stats.snapshots;
  {
    std::lock_guard lock(m.mutex);
    m.queue.push_back(std::move(buffer));
  }
  m.work_ready.notify_one();
}

void SnapshotWriter::drain() {
  Impl& m = *impl_;
  std::unique_lock lock(m.mutex);
  const auto t0 = Clock::now();
  m.wait_idle(lock);
  m.stats.wait_s += seconds_since(t0);
  if (m.failure) std::rethrow_exception(m.failure);
}

SnapshotStats SnapshotWriter::finish() {
  Impl& m = *impl_;
  const auto t0 = Clock::now();
  m.stop_thread();
  m.stats.drain_s = seconds_since(t0);
  m.finished = true;
  if (m.failure) std::rethrow_exception(m.failure);
  return m.stats;
}

}  // namespace lfm
