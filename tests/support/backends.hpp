#pragma once
// Tests are written once and instantiated per registered backend. A backend
// that is not built, or has no device, skips with its reason: it can never
// pass silently.
#include <memory>
#include <string>
#include <vector>

#include "lattice/backend.hpp"

namespace lfm::testing {

// Every registered backend, available or not.
std::vector<std::string> backend_names();

// The backend, or nullptr with `why_not` set when it is unavailable.
std::unique_ptr<Backend> backend_for(const std::string& name, std::string* why_not);

}  // namespace lfm::testing

// In a TEST_P body whose parameter is a backend name: declares `backend`.
#define LFM_BACKEND_OR_SKIP(backend, name)                                \
  std::string backend##_why_not;                                          \
  auto backend = ::lfm::testing::backend_for(name, &backend##_why_not);   \
  if (!backend) GTEST_SKIP() << "backend '" << name << "' unavailable: " << backend##_why_not
