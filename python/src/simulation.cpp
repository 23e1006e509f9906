#include "simulation.hpp"

#include <Python.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <stdexcept>
#include <thread>
#include <utility>

#include "lattice/diagnostics.hpp"
#include "lattice/error.hpp"

namespace lfm::python {

Params params_for(const std::string& params_json, bool float32) {
  Params p = params_from_json(params_json, "params");
  p.precision = float32 ? Precision::float32 : Precision::float64;
  return p;
}

void validate_for_python(const Params& p, const Grid& grid, double chi_max, bool allow_unstable) {
  try {
    validate(p, grid, chi_max, allow_unstable);
  } catch (const InputError& e) {
    std::string message = e.what();
    const std::string cli = "pass --allow-unstable", here = "pass allow_unstable=True";
    if (const auto at = message.find(cli); at != std::string::npos) message.replace(at, cli.size(), here);
    throw InputError(message);
  }
}

namespace {

// A chunk of stepping lasts about this long, so that Ctrl-C is handled
// within it.
constexpr double chunk_seconds = 0.1;

// As the cpu backend decides (cpu/rows.hpp): below about 32k cells waking
// threads costs more than the pass.
constexpr std::size_t parallel_cells = 32768;

template <class T>
void swap_ranges_parallel(T* a, T* b, std::size_t n) {
#pragma omp parallel for schedule(static) if (n >= parallel_cells)
  for (std::size_t i = 0; i < n; ++i) std::swap(a[i], b[i]);
}

template <class T>
void copy_parallel(T* to, const T* from, std::size_t n) {
#pragma omp parallel for schedule(static) if (n >= parallel_cells)
  for (std::size_t i = 0; i < n; ++i) to[i] = from[i];
}

template <class T>
State<T> state_of(const Array& E, const Array& E_prev) {
  State<T> s{view_of<T>(E), view_of<T>(E_prev), std::nullopt, 0};
  require_finite(s.E, "E");
  require_finite(s.E_prev, "E_prev");
  return s;
}

}  // namespace

// One call at a time: advance() releases the GIL, so another thread could
// otherwise change the state under it. Its own callback may ask for the
// diagnostics or set χ (the levels are in place then), not advance again.
class Simulation::Busy {
 public:
  Busy(Simulation& sim, bool from_callback_too) : sim_(sim) {
    if (!sim_.busy_.exchange(true)) {
      owner_ = true;
      sim_.owner_ = std::this_thread::get_id();
      return;
    }
    if (from_callback_too && sim_.in_callback_ && sim_.owner_ == std::this_thread::get_id()) return;
    throw std::runtime_error(sim_.in_callback_ && sim_.owner_ == std::this_thread::get_id()
                                 ? "advance() was called from its own callback; return from the callback first"
                                 : "this Simulation is advancing in another thread; wait for advance() to return");
  }
  ~Busy() {
    if (owner_) sim_.busy_ = false;
  }
  Busy(const Busy&) = delete;
  Busy& operator=(const Busy&) = delete;

 private:
  Simulation& sim_;
  bool owner_ = false;
};

Simulation::Simulation(Array E, Array E_prev, const std::string& params_json, std::optional<ReadOnlyArray> chi,
                       const std::string& backend, bool allow_unstable)
    : E_array_(std::move(E)), E_prev_array_(std::move(E_prev)),
      params_(params_for(params_json, is_float32(E_array_))),
      state_(is_float32(E_array_) ? AnyState(state_of<float>(E_array_, E_prev_array_))
                                  : AnyState(state_of<double>(E_array_, E_prev_array_))),
      backend_(make_backend(backend)), backend_name_(backend), allow_unstable_(allow_unstable) {
  if (chi) {
    set_chi_field(*chi);
  } else {
    validate_for_python(params_, grid_of(E_array_), chi_max(state_, params_), allow_unstable_);
  }
  chunk_ = backend_->preferred_step_multiple();
}

void Simulation::on_ranks(long comm, const std::string& decomposition, int exchange_depth) {
  const Busy busy(*this, false);
  check_on_ranks(comm, backend_name_, decomposition, exchange_depth, grid_of(E_array_), params_, {});
  ranks_ = OnRanks{decomposition, exchange_depth, ""};
}

void Simulation::advance(std::int64_t steps, std::int64_t every, nb::object callback, const RootSession* session) {
  const Busy busy(*this, false);
  if (ranks_.has_value() != (session != nullptr)) {
    throw std::logic_error("Simulation::advance: a session is for a Simulation on ranks, and it needs one");
  }
  std::unique_ptr<Backend> on_ranks;
  if (session) {
    on_ranks = session->backends(ranks_->decomposition, ranks_->exchange_depth, grid_of(E_array_), params_,
                                 {})(find_backend(backend_name_));
    nb::gil_scoped_release release;
    prepare(*on_ranks, state_, params_);  // shares the arrays out as they are now
  }
  Backend& backend = on_ranks ? *on_ranks : *backend_;
  if (on_ranks) ranks_->split = on_ranks->tuning();
  const std::int64_t multiple = backend.preferred_step_multiple();
  // Whatever leaves this call (an exception from the backend, the
  // callback or a signal), the caller's arrays hold the levels reached:
  // on ranks, gathered back first (a normal return has gathered them, and
  // an error while gathering leaves the last levels gathered).
  struct Restore {
    Simulation& sim;
    Backend& backend;
    ~Restore() {
      try {
        nb::gil_scoped_release release;
        backend.sync(sim.state_);
      } catch (...) {
      }
      sim.restore_levels();
    }
  } restore{*this, backend};
  for (std::int64_t done = 0; done < steps;) {
    std::int64_t n = std::min(steps - done, chunk_);
    if (every > 0) n = std::min(n, every - step() % every);
    double seconds = 0;
    {
      nb::gil_scoped_release release;
      const auto start = std::chrono::steady_clock::now();
      lfm::advance(backend, state_, params_, n);
      seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    }
    done += n;
    if (n == chunk_) {
      // The next chunk: about chunk_seconds, in the backend's multiples.
      const double per_step = seconds / static_cast<double>(n);
      const double wanted = per_step > 0 ? chunk_seconds / per_step : 1e9;
      chunk_ = std::max<std::int64_t>(multiple, static_cast<std::int64_t>(wanted / multiple) * multiple);
      chunk_ = std::min<std::int64_t>(chunk_, 1'000'000'000);
    }
    if (every > 0 && !callback.is_none() && step() % every == 0) {
      {
        nb::gil_scoped_release release;
        backend.sync(state_);  // on ranks, their fields into the caller's arrays
      }
      restore_levels();
      in_callback_ = true;
      struct Leave {
        bool& flag;
        ~Leave() { flag = false; }
      } leave{in_callback_};
      callback();
    }
    if (PyErr_CheckSignals() != 0) throw nb::python_error();
  }
  nb::gil_scoped_release release;
  backend.sync(state_);
}

std::int64_t Simulation::step() const {
  return std::visit([](const auto& s) { return s.step; }, state_);
}

double Simulation::energy() {
  const Busy busy(*this, true);
  nb::gil_scoped_release release;
  return lfm::energy(state_, params_);
}

double Simulation::invariant() {
  const Busy busy(*this, true);
  nb::gil_scoped_release release;
  return lfm::invariant(state_, params_);
}

void Simulation::set_chi(double chi) {
  const Busy busy(*this, true);
  Params p = params_;
  p.chi = chi;
  const double chi_abs = std::abs(chi);
  validate_for_python(p, grid_of(E_array_), chi_abs, allow_unstable_);
  params_ = p;
  std::visit([](auto& s) { s.chi_field.reset(); }, state_);
}

void Simulation::set_chi_field(ReadOnlyArray chi) {
  const Busy busy(*this, true);
  std::visit(
      [&](auto& s) {
        using T = typename std::decay_t<decltype(s.E)>::value_type;
        // A copy: χ stays as it was given until the next set_chi.
        const Field<T> given = view_of<T>(chi);
        Field<T> field(given);
        require_finite(field, "chi");
        double chi_abs = 0;
        for (std::size_t i = 0; i < field.size(); ++i) chi_abs = std::max(chi_abs, std::abs(double(field[i])));
        validate_for_python(params_, s.grid(), chi_abs, allow_unstable_);
        s.chi_field = std::move(field);
      },
      state_);
}

void Simulation::restore_levels() {
  std::visit([&](auto& s) { restore_levels(s); }, state_);
}

template <class T>
void Simulation::restore_levels(State<T>& s) {
  T* const E_home = static_cast<T*>(E_array_.data());
  T* const prev_home = static_cast<T*>(E_prev_array_.data());
  T* const newest = s.E.data();
  T* const older = s.E_prev.data();
  const std::size_t n = s.E.size();
  if (newest == E_home && older == prev_home) return;
  // An odd number of in-place steps (cpu, cpu_temporal, thrust_omp): the
  // levels sit in each other's arrays; one pass swaps them.
  if (newest == prev_home && older == E_home) {
    swap_ranges_parallel(E_home, prev_home, n);
  } else if (newest == prev_home) {
    // `older` is a backend's own field (baseline's scratch).
    copy_parallel(E_home, newest, n);
    copy_parallel(prev_home, older, n);
  } else {
    if (older != prev_home) copy_parallel(prev_home, older, n);  // may read E_home: first
    if (newest != E_home) copy_parallel(E_home, newest, n);
  }
  const Grid grid = s.grid();
  s.E = Field<T>::view(grid, E_home);
  s.E_prev = Field<T>::view(grid, prev_home);
}

}  // namespace lfm::python
