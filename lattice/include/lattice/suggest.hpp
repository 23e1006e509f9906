#pragma once
// "Did you mean ...?" for unknown names and keys.
#include <string>
#include <string_view>
#include <vector>

namespace lfm {

std::size_t edit_distance(std::string_view a, std::string_view b);
// The closest option, or "" when none is reasonably close.
std::string nearest(std::string_view word, const std::vector<std::string>& options);
// " (did you mean 'x'?)" or "", followed by the accepted names.
std::string unknown_name_hint(std::string_view word, const std::vector<std::string>& options);

}  // namespace lfm
