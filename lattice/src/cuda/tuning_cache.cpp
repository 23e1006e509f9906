#include "cuda/tuning_cache.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <system_error>

namespace lfm::cuda {
namespace {

constexpr std::string_view header = "# lfm cuda tuning cache v1: gpu\tshape\tblock_x block_y z_chunk";

// "32 8 64" -> TileShape, requiring exactly three positive integers.
std::optional<TileShape> parse_shape(const std::string& text) {
  std::istringstream in(text);
  TileShape t;
  if (!(in >> t.block_x >> t.block_y >> t.z_chunk)) return std::nullopt;
  std::string rest;
  if (in >> rest) return std::nullopt;
  if (!is_valid(t)) return std::nullopt;
  return t;
}

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
  TuningCache cache;
  std::istringstream in{std::string(text)};
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    const auto first = line.find('\t');
    const auto second = first == std::string::npos ? first : line.find('\t', first + 1);
    if (second == std::string::npos || first == 0 || second == first + 1) return std::nullopt;
    const auto shape = parse_shape(line.substr(second + 1));
    if (!shape) return std::nullopt;
    cache.put(line.substr(0, first), line.substr(first + 1, second - first - 1), *shape);
  }
  return cache;
}

std::string TuningCache::to_text() const {
  std::string out(header);
  out += '\n';
  for (const auto& [key, t] : entries_) {
    out += key.first + '\t' + key.second + '\t' + std::to_string(t.block_x) + ' ' + std::to_string(t.block_y) +
           ' ' + std::to_string(t.z_chunk) + '\n';
  }
  return out;
}

std::optional<TileShape> TuningCache::find(const std::string& gpu, const std::string& shape) const {
  const auto it = entries_.find({gpu, shape});
  if (it == entries_.end()) return std::nullopt;
  return it->second;
}

void TuningCache::put(const std::string& gpu, const std::string& shape, const TileShape& t) {
  entries_[{gpu, shape}] = t;
}

std::filesystem::path tuning_cache_path() {
  const std::filesystem::path leaf = std::filesystem::path("lfm") / "cuda_tuning.txt";
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg) return std::filesystem::path(xdg) / leaf;
  if (const char* home = std::getenv("HOME"); home && *home) return std::filesystem::path(home) / ".cache" / leaf;
  return std::filesystem::temp_directory_path() / "cuda_tuning.txt";
}

TuningCache load_tuning_cache(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  std::stringstream text;
  text << in.rdbuf();
  return TuningCache::parse(text.str()).value_or(TuningCache{});
}

bool save_tuning_cache(const std::filesystem::path& path, const TuningCache& cache) {
  std::error_code ec;
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path(), ec);
  const std::filesystem::path temporary = path.string() + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (!out) return false;
    out << cache.to_text();
    out.close();
    if (!out) {
      std::filesystem::remove(temporary, ec);
      return false;
    }
  }
  std::filesystem::rename(temporary, path, ec);
  if (ec) std::filesystem::remove(temporary, ec);
  return !ec;
}

}  // namespace lfm::cuda
