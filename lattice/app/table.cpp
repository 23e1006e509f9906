#include "table.hpp"

#include <algorithm>
#include <cstdio>

namespace lfm::app {

namespace {

// Columns on a terminal: UTF-8 continuation bytes take no column (Δ, χ, γ).
std::size_t columns(const std::string& s) {
  return static_cast<std::size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

}  // namespace

void Table::print(std::ostream& os) const {
  std::vector<std::size_t> width;
  for (const auto& row : rows_) {
    width.resize(std::max(width.size(), row.size()), 0);
    for (std::size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], columns(row[c]));
  }
  for (std::size_t r = 0; r < rows_.size(); ++r) {
    for (std::size_t c = 0; c < rows_[r].size(); ++c) {
      os << rows_[r][c] << std::string(width[c] - columns(rows_[r][c]) + 2, ' ');
    }
    os << '\n';
    if (r == 0) {
      std::size_t total = 0;
      for (std::size_t w : width) total += w + 2;
      os << std::string(total, '-') << '\n';
    }
  }
}

std::string fmt(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*g", digits, v);
  return buf;
}

std::string sci(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.2e", v);
  return buf;
}

std::string percent(double fraction) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.1f%%", 100 * fraction);
  return buf;
}

std::string interval(double lo, double hi, int digits) {
  std::string s(1, '[');
  s.append(fmt(lo, digits)).append(", ").append(fmt(hi, digits)).append("]");
  return s;
}

}  // namespace lfm::app
