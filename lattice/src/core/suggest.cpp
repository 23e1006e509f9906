#include "lattice/suggest.hpp"

#include <algorithm>
#include <numeric>

namespace lfm {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  std::iota(row.begin(), row.end(), 0);
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

std::string nearest(std::string_view word, const std::vector<std::string>& options) {
  // A typo is a few edits; anything further is a different word.
  const std::size_t limit = std::max<std::size_t>(2, word.size() / 3);
  std::string best;
  std::size_t best_distance = limit + 1;
  for (const auto& option : options) {
    const std::size_t d = edit_distance(word, option);
    if (d < best_distance) {
      best_distance = d;
      best = option;
    }
  }
  return best;
}

std::string unknown_name_hint(std::string_view word, const std::vector<std::string>& options) {
  std::string hint;
  const std::string close = nearest(word, options);
  if (!close.empty()) hint += " (did you mean '" + close + "'?)";
  hint += "; accepted: ";
  for (std::size_t i = 0; i < options.size(); ++i) hint += (i ? ", " : "") + options[i];
  return hint;
}

}  // namespace lfm
