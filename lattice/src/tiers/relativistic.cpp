// Tier 1 — relativistic behaviour: checks 1–5.
#include "lattice/tiers.hpp"

namespace lfm::tiers {

std::vector<Check> relativistic_checks() { return {}; }

}  // namespace lfm::tiers
