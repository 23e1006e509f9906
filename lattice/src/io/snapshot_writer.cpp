// The snapshot writer: the time loop copies fields into a bounded queue, a
// background thread compresses and writes them. Everything HDF5 happens on
// that thread between construction and finish(), never on two at once.
#include <time.h>
#include <unistd.h>

#include <algorithm>
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
#include "io/xdmf.hpp"
#include "lattice/build_info.hpp"
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

fs::path temporary_name(const fs::path& path) {
  return path.string() + ".partial-" + std::to_string(getpid());
}

template <class T>
void copy_field(const Field<T>& from, Field<T>& to) {
  if (!(to.grid() == from.grid())) to = Field<T>(from.grid());
  std::copy(from.values().begin(), from.values().end(), to.data());
}

// The run's parameters, each as an attribute of its own (numbers as
// numbers) and all together as the JSON a config file holds.
void write_run_attributes(hid_t file, const Problem& problem, const SnapshotOptions& o) {
  using namespace detail;
  const auto parameters = nlohmann::ordered_json::parse(params_to_json(problem.params));
  write_string_attribute(file, "format", "lfm snapshots");
  write_integer_attribute(file, "format_version", 1);
  write_string_attribute(file, "lfm_version", version());
  write_string_attribute(file, "workload", problem.name);
  write_string_attribute(file, "parameters", parameters.dump());
  for (const auto& [key, value] : parameters.items()) {
    if (value.is_string()) write_string_attribute(file, key, value.get<std::string>());
    else if (value.is_number_integer()) write_integer_attribute(file, key, value.get<std::int64_t>());
    else write_double_attribute(file, key, value.get<double>());
  }
  const Grid& g = std::visit([](const auto& s) -> const Grid& { return s.grid(); }, problem.state);
  std::vector<std::int64_t> shape;
  for (const std::size_t n : g.shape()) shape.push_back(static_cast<std::int64_t>(n));
  write_integers_attribute(file, "shape", shape);
  const bool chi_field = std::visit([](const auto& s) { return s.chi_field.has_value(); }, problem.state);
  write_string_attribute(file, "chi_source", chi_field ? "field" : "scalar");
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
  fs::path path, temp_path, xdmf_path, xdmf_temp_path;
  SnapshotOptions options;
  Params params;
  std::vector<std::size_t> shape;
  Precision precision;
  bool needs_prev = false;
  detail::H5Id file;
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
  bool closing = false;
  bool abandon = false;
  std::exception_ptr failure;
  std::vector<std::int64_t> steps_written;
  SnapshotStats stats;
  std::thread thread;
  bool finished = false;

  void writer_loop();
  void write_step(Capture& c);
  template <class T>
  void write_field(const std::string& name, std::int64_t step, const T* data, Precision computed_in);
  void stop_thread();
  void remove_temporaries() noexcept;
  [[noreturn]] void fail(const std::string& what);
};

void SnapshotWriter::Impl::fail(const std::string& what) {
  throw WriteError(path.string() + ": " + what);
}

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
    }
    space_free.notify_one();
    try {
      write_step(*job);
    } catch (const std::exception& e) {
      std::lock_guard lock(mutex);
      failure = std::make_exception_ptr(
          WriteError(path.string() + ": " + e.what() + "; no snapshot file is kept"));
      queue.clear();
      space_free.notify_all();
      return;
    }
    std::lock_guard lock(mutex);
    spare.push_back(std::move(job));
  }
}

template <class T>
void SnapshotWriter::Impl::write_field(const std::string& name, std::int64_t step, const T* data,
                                       Precision computed_in) {
  const auto t0 = Clock::now();
  const double cpu0 = thread_cpu_s();
  detail::H5Id dataset = detail::write_dataset(file.get(), name, shape, data, options.compression);
  const hid_t d = dataset.get();
  detail::write_integer_attribute(d, "step", step);
  detail::write_double_attribute(d, "time", static_cast<double>(step) * params.dt);
  const Precision stored = sizeof(T) == 4 ? Precision::float32 : Precision::float64;
  detail::write_string_attribute(d, "precision", to_string(stored));
  detail::write_string_attribute(d, "computed_precision", to_string(computed_in));
  detail::write_integer_attribute(d, "float32_downcast", stored != computed_in ? 1 : 0);
  stats.file_bytes += H5Dget_storage_size(d);
  if (!dataset.close()) {
    throw detail::Hdf5Error("close dataset " + name + ": " + detail::hdf5_failure_reason());
  }
  std::size_t cells = 1;
  for (const std::size_t n : shape) cells *= n;
  stats.raw_bytes += cells * sizeof(T);
  ++stats.datasets;
  stats.write_s += seconds_since(t0);
  stats.write_cpu_s += thread_cpu_s() - cpu0;
}

void SnapshotWriter::Impl::write_step(Capture& c) {
  std::visit(
      [&](auto& captured) {
        using T = typename std::decay_t<decltype(captured.E)>::value_type;
        for (const SnapshotField f : options.fields) {
          const std::string name = snapshot_dataset_name(to_string(f), captured.step);
          const double* values = nullptr;  // a float64 field, computed in float64
          const auto t0 = Clock::now();
          if (f == SnapshotField::energy_density) {
            // The capture lends its arrays to `work`, which holds the χ field.
            auto& w = std::get<State<T>>(work);
            std::swap(w.E, captured.E);
            std::swap(w.E_prev, captured.E_prev);
            energy_density(w, params, density);
            std::swap(w.E, captured.E);
            std::swap(w.E_prev, captured.E_prev);
            values = density.data();
          } else if constexpr (std::is_same_v<T, float>) {
            write_field(name, captured.step, captured.E.data(), Precision::float32);
            continue;
          } else {
            values = captured.E.data();
          }
          if (options.float32) {
            if (!(narrow.grid() == captured.grid())) narrow = Field<float>(captured.grid());
            std::copy(values, values + captured.E.size(), narrow.data());
            stats.compute_s += seconds_since(t0);
            write_field(name, captured.step, narrow.data(), Precision::float64);
          } else {
            stats.compute_s += seconds_since(t0);
            write_field(name, captured.step, values, Precision::float64);
          }
        }
        steps_written.push_back(captured.step);
      },
      c.state);
}

void SnapshotWriter::Impl::stop_thread() {
  {
    std::lock_guard lock(mutex);
    closing = true;
  }
  work_ready.notify_all();
  if (thread.joinable()) thread.join();
}

void SnapshotWriter::Impl::remove_temporaries() noexcept {
  file.close();
  std::error_code ec;
  fs::remove(temp_path, ec);
  fs::remove(xdmf_temp_path, ec);
}

SnapshotWriter::SnapshotWriter(fs::path h5_path, const Problem& problem, SnapshotOptions options)
    : impl_(std::make_unique<Impl>()) {
  validate(options);
  Impl& m = *impl_;
  m.path = std::move(h5_path);
  m.temp_path = temporary_name(m.path);
  m.xdmf_path = xdmf_path_for(m.path);
  m.xdmf_temp_path = temporary_name(m.xdmf_path);
  m.options = std::move(options);
  m.params = problem.params;
  m.precision = problem.params.precision;
  m.needs_prev = std::find(m.options.fields.begin(), m.options.fields.end(),
                           SnapshotField::energy_density) != m.options.fields.end();
  std::visit(
      [&](const auto& s) {
        using T = typename std::decay_t<decltype(s.E)>::value_type;
        m.shape = s.grid().shape();
        State<T> work{Field<T>(), Field<T>(), std::nullopt, 0};
        if (m.needs_prev) work.chi_field = s.chi_field;
        m.work = std::move(work);
      },
      problem.state);

  detail::prepare_hdf5_thread();
  try {
    m.file = detail::H5Id(H5Fcreate(m.temp_path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT),
                          "create file");
    write_run_attributes(m.file.get(), problem, m.options);
    for (const SnapshotField f : m.options.fields) {
      std::string group = "/";
      group += to_string(f);
      detail::H5Id(H5Gcreate2(m.file.get(), group.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                   "create group " + group);
    }
  } catch (const detail::Hdf5Error& e) {
    m.remove_temporaries();
    m.fail(e.what());
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
  impl_->remove_temporaries();
}

const fs::path& SnapshotWriter::path() const { return impl_->path; }

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

SnapshotStats SnapshotWriter::finish() {
  Impl& m = *impl_;
  const auto t0 = Clock::now();
  m.stop_thread();
  m.stats.drain_s = seconds_since(t0);
  if (m.failure) {
    m.remove_temporaries();
    m.finished = true;
    std::rethrow_exception(m.failure);
  }
  try {
    if (!m.file.close()) m.fail("closing the file failed: " + detail::hdf5_failure_reason());
    std::vector<detail::XdmfField> fields;
    for (const SnapshotField f : m.options.fields) {
      const bool narrow = m.options.float32 || (f == SnapshotField::E && m.precision == Precision::float32);
      fields.push_back({std::string(to_string(f)), narrow ? 4 : 8});
    }
    const std::string xdmf = detail::xdmf_text(
        {m.path.filename().string(), m.shape, m.params.dx, m.params.dt, fields, m.steps_written});
    std::ofstream out(m.xdmf_temp_path);
    out << xdmf;
    out.close();
    if (!out) throw WriteError(m.xdmf_path.string() + ": cannot write (disk full or not writable)");
    fs::rename(m.temp_path, m.path);
    fs::rename(m.xdmf_temp_path, m.xdmf_path);
  } catch (...) {
    m.remove_temporaries();
    std::error_code ec;
    fs::remove(m.path, ec);
    m.finished = true;
    throw;
  }
  m.finished = true;
  return m.stats;
}

}  // namespace lfm
