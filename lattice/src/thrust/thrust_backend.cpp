#include "thrust/thrust_backend.hpp"

#include "thrust/thrust_step.hpp"

namespace lfm {

void ThrustOmpBackend::advance(State<double>& s, const Params& p, std::int64_t steps) { advance_thrust(s, p, steps); }
void ThrustOmpBackend::advance(State<float>& s, const Params& p, std::int64_t steps) { advance_thrust(s, p, steps); }

}  // namespace lfm
