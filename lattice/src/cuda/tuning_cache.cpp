#include "cuda/tuning_cache.hpp"

#include <sstream>

namespace lfm::cuda {
namespace {

constexpr std::string_view header = "# lfm cuda tuning cache v1: gpu\tshape\tblock_x block_y z_chunk";

// "32 8 64" -> TileShape, requiring exactly three positive integers.
std::optional<TileShape> parse_shape(std::string_view text) {
  std::istringstream in{std::string(text)};
  TileShape t;
  if (!(in >> t.block_x >> t.block_y >> t.z_chunk)) return std::nullopt;
  std::string rest;
  if (in >> rest) return std::nullopt;
  if (!is_valid(t)) return std::nullopt;
  return t;
}

bool valid_shape(std::string_view text) { return parse_shape(text).has_value(); }

}  // namespace

bool is_valid(const TileShape& t) {
  const long threads = static_cast<long>(t.block_x) * t.block_y;
  return t.block_x >= 1 && t.block_y >= 1 && t.z_chunk >= 1 && threads >= 32 && threads <= 1024;
}

std::string shape_key(const Grid& g, Precision precision, int order) {
  return std::to_string(g.dims()) + "d " + g.shape_string() + " " + std::string(to_string(precision)) +
         " o" + std::to_string(order);
}

std::optional<TuningCache> TuningCache::parse(std::string_view text) {
  auto table = TuningTable::parse(text, valid_shape);
  if (!table) return std::nullopt;
  TuningCache cache;
  cache.table_ = std::move(*table);
  return cache;
}

std::string TuningCache::to_text() const { return table_.to_text(header); }

std::optional<TileShape> TuningCache::find(const std::string& gpu, const std::string& shape) const {
  const auto value = table_.find(gpu, shape);
  if (!value) return std::nullopt;
  return parse_shape(*value);
}

void TuningCache::put(const std::string& gpu, const std::string& shape, const TileShape& t) {
  table_.put(gpu, shape, std::to_string(t.block_x) + ' ' + std::to_string(t.block_y) + ' ' + std::to_string(t.z_chunk));
}

std::filesystem::path tuning_cache_path() { return tuning_file_path("cuda_tuning.txt"); }

TuningCache load_tuning_cache(const std::filesystem::path& path) {
  TuningCache cache;
  cache.table_ = load_tuning_table(path, valid_shape).table;
  return cache;
}

bool save_tuning_cache(const std::filesystem::path& path, const TuningCache& cache) {
  return save_tuning_table(path, cache.table_, header);
}

}  // namespace lfm::cuda
