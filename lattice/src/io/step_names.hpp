#pragma once
// "step_<N><suffix>": how checkpoints (.ckpt) and snapshot steps (.h5) are
// named, so that a directory listing gives the step of each file.
#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>

namespace lfm::detail {

// True, with `step` set, when `name` is "step_" + up to 18 digits + `suffix`.
inline bool parse_step_name(std::string_view name, std::string_view suffix, std::int64_t& step) {
  constexpr std::string_view prefix = "step_";
  if (name.size() <= prefix.size() + suffix.size() || !name.starts_with(prefix) || !name.ends_with(suffix)) {
    return false;
  }
  const std::string digits(name.substr(prefix.size(), name.size() - prefix.size() - suffix.size()));
  if (digits.size() > 18 || !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return false;
  }
  step = std::stoll(digits);
  return true;
}

}  // namespace lfm::detail
