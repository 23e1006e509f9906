#pragma once
// A plain text table for terminals: columns padded to their widest cell.
#include <ostream>
#include <string>
#include <vector>

namespace lfm::app {

class Table {
 public:
  explicit Table(std::vector<std::string> header) : rows_{std::move(header)} {}
  void add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  void print(std::ostream& os) const;

 private:
  std::vector<std::vector<std::string>> rows_;
};

// "%.3g"-style formatting helpers for table cells.
std::string fmt(double v, int digits = 3);
std::string sci(double v);
std::string percent(double fraction);
// "[lo, hi]"
std::string interval(double lo, double hi, int digits = 3);

}  // namespace lfm::app
