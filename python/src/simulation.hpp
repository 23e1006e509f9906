#pragma once
// lfm._core.Simulation: a state whose two levels are views of the caller's
// NumPy arrays, stepped in place by a backend. The public class
// lfm.Simulation (lfm/_simulation.py) checks the arguments and wraps it.
#include <nanobind/nanobind.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "arrays.hpp"
#include "distributed_binding.hpp"
#include "lattice/backend.hpp"
#include "lattice/params.hpp"
#include "lattice/state.hpp"

namespace lfm::python {

// The parameters of a JSON text (the CLI's reader and names), in the
// precision of the arrays.
Params params_for(const std::string& params_json, bool float32);

// validate() with the Python spelling of the way out of an unstable dt.
void validate_for_python(const Params& p, const Grid& grid, double chi_max, bool allow_unstable);

class Simulation {
 public:
  Simulation(Array E, Array E_prev, const std::string& params_json, std::optional<ReadOnlyArray> chi,
             const std::string& backend, bool allow_unstable);

  // Advances `steps` steps in chunks with the GIL released. When `callback`
  // is given it is called (GIL held) whenever the step count is a multiple
  // of `every`, with E and E_prev holding the two newest levels. Between
  // chunks pending signals are handled: Ctrl-C raises KeyboardInterrupt at
  // a step boundary, the arrays holding that step's levels.
  //
  // With a session (rank 0 of a Simulation on_ranks; lfm/_ranks.py) the
  // ranks step it: the arrays are shared out at the start of the call, as
  // the caller left them, and gathered back after every chunk.
  void advance(std::int64_t steps, std::int64_t every, nb::object callback, const RootSession* session);

  // From now on advance() steps on the ranks of `comm`, the caller's arrays
  // being rank 0's: `decomposition` and `exchange_depth` as lfm.run takes
  // them. Refuses what the ranks cannot step, as lfm.run would.
  void on_ranks(long comm, const std::string& decomposition, int exchange_depth);

  std::int64_t step() const;
  double energy();
  double invariant();
  void set_chi(double chi);
  void set_chi_field(ReadOnlyArray chi);
  std::string backend_name() const { return backend_name_; }
  std::string tuning() const { return ranks_ ? ranks_->split : backend_->tuning(); }
  std::string params_json() const { return params_to_json(params_); }

 private:
  class Busy;
  // Puts the newest level in the caller's E and the previous one in E_prev
  // wherever the backend left them, and the state back on those views.
  void restore_levels();
  template <class T>
  void restore_levels(State<T>& s);

  Array E_array_, E_prev_array_;  // held: the views point into them
  Params params_;
  AnyState state_;
  std::unique_ptr<Backend> backend_;
  std::string backend_name_;
  bool allow_unstable_;
  std::int64_t chunk_ = 0;  // steps per chunk, adapted to about 0.1 s
  struct OnRanks {
    std::string decomposition;
    int exchange_depth;
    std::string split;  // what the last advance() on them said of itself
  };
  std::optional<OnRanks> ranks_;
  std::atomic<bool> busy_{false};
  std::thread::id owner_;     // the thread in advance(), while busy_
  bool in_callback_ = false;  // advance() is running its callback
};

}  // namespace lfm::python
