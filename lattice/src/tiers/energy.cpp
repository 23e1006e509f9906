// Tier 3 — energy: checks 10–12.
#include "lattice/tiers.hpp"

namespace lfm::tiers {

std::vector<Check> energy_checks() { return {}; }

}  // namespace lfm::tiers
