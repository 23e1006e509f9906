#include "support/backends.hpp"

namespace lfm::testing {

std::vector<std::string> backend_names() {
  std::vector<std::string> names;
  for (const auto& b : registered_backends()) names.push_back(b.name);
  return names;
}

std::unique_ptr<Backend> backend_for(const std::string& name, std::string* why_not) {
  for (const auto& b : registered_backends()) {
    if (b.name != name) continue;
    if (!b.available()) {
      *why_not = b.unavailable;
      return nullptr;
    }
    return b.create();
  }
  *why_not = "not registered";
  return nullptr;
}

}  // namespace lfm::testing
