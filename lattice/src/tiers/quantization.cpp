// Tier 4 — quantization: checks 13–14.
#include "lattice/tiers.hpp"

namespace lfm::tiers {

std::vector<Check> quantization_checks() { return {}; }

}  // namespace lfm::tiers
