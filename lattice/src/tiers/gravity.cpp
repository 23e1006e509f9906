// Tier 2 — the gravity analogue: checks 6–9.
#include "lattice/tiers.hpp"

namespace lfm::tiers {

std::vector<Check> gravity_checks() { return {}; }

}  // namespace lfm::tiers
