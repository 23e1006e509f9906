#pragma once
// Deliberately wrong backends, for negative controls: a check that passes on
// them cannot see their bug. Each is SPEC §1–3 spelled out once more (not
// the baseline's code, so that the defect is the only difference) with one
// defect switched on; `defect_free` is the same code with none, so that a
// failure on a broken backend is the defect's and not the copy's.
//
// They are registered under test-only names by register_broken_backends(),
// never by a static initializer: tests instantiated over backend_names()
// must not pick them up.
#include <functional>
#include <string>
#include <vector>

#include "lattice/backend.hpp"

namespace lfm::testing {

// The defect-free copy of the spec the broken backends are built from.
inline const std::string defect_free = "defect_free";

struct BrokenBackend {
  std::string name;
  std::string defect;  // one line: what is wrong, for failure messages
};

// frozen, weight_off, weight_off_neighbour, wrong_boundary, wrong_reflection.
const std::vector<BrokenBackend>& broken_backends();

// Their names, in that order: the columns of every negative-control table.
std::vector<std::string> broken_backend_names();

// One cell of a negative-control table: the check must fail on that broken
// backend (`fails`), or cannot see its bug, for the reason given.
struct Expect {
  const char* blind_because;
};
inline constexpr Expect fails{nullptr};
// The reason shared by every check that runs on a periodic lattice only.
inline constexpr Expect periodic_only{
    "periodic lattice: no boundary operator acts, and the backend then steps exactly as defect_free "
    "(test_physics_broken: TheDefectIsTheOnlyDifference)"};

// Why a momentum check cannot see weight_off.
inline constexpr Expect centre_weight_is_a_mass{
    "a centre-weight error adds the same constant to the diagonal of A = −c²∇²_h + χ², i.e. shifts χ²: A "
    "stays symmetric and translation-invariant, for which P is conserved exactly (SPEC §4); an off-centre "
    "weight breaks the symmetry and is seen (weight_off_neighbour)"};

// Registers defect_free and every broken backend with the registry, once
// per process; later calls do nothing.
void register_broken_backends();

// The messages of the failed assertions (EXPECT_*, ASSERT_*) that `body`
// reports, intercepted so that they do not fail the calling test: how a
// test written for working backends is run on a broken one. A fatal
// failure ends `body` as usual (ASSERT_* returns from its function).
std::vector<std::string> failures_of(const std::function<void()>& body);

}  // namespace lfm::testing
