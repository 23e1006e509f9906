// NumPy's .npy format (numpy.lib.format): the magic "\x93NUMPY", a version
// byte pair, the header length (2 bytes little-endian in version 1.0, 4 in
// 2.0 and 3.0), an ASCII Python dict literal such as
//   {'descr': '<f8', 'fortran_order': False, 'shape': (4, 5), }
// padded with spaces and a '\n', then the raw array in C order.
#include "lattice/npy.hpp"

#include <bit>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>
#include <vector>

#include "lattice/error.hpp"

namespace lfm {
namespace {

// The array bytes are copied to and from memory as they are: the file is
// little-endian, so the host must be too.
static_assert(std::endian::native == std::endian::little,
              "the .npy reader and writer copy little-endian data as it is");

constexpr std::string_view magic{"\x93NUMPY", 6};
// NumPy aligns the start of the data to 64 bytes (numpy.lib.format.ARRAY_ALIGN).
constexpr std::size_t array_align = 64;

[[noreturn]] void refuse(const std::filesystem::path& path, const std::string& what) {
  throw InputError(path.string() + ": " + what);
}

std::string errno_text(int err) { return err ? std::strerror(err) : "unknown reason"; }

struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};
using File = std::unique_ptr<std::FILE, FileCloser>;

// NumPy's repr of a shape tuple: "(7,)", "(3, 5)", "()".
std::string shape_text(const std::vector<std::size_t>& shape) {
  std::string s = "(";
  for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + (shape.size() == 1 ? ",)" : ")");
}

struct Header {
  std::string descr;
  bool fortran_order = false;
  std::vector<std::size_t> shape;
};

// A parser for exactly the dict NumPy writes: the keys 'descr' (a string),
// 'fortran_order' (True or False) and 'shape' (a tuple of integers), each
// once, in any order, with an optional trailing comma. Anything else is a
// malformed header.
class HeaderParser {
 public:
  HeaderParser(std::string_view text, const std::filesystem::path& path)
      : text_(text), path_(path) {}

  Header parse() {
    Header h;
    bool seen_descr = false, seen_order = false, seen_shape = false;
    expect('{', "the header to start with '{'");
    while (true) {
      skip_space();
      if (eat('}')) break;
      const std::string key = string_literal("a quoted key or '}'");
      expect(':', "':' after '" + key + "'");
      if (key == "descr" && !seen_descr) {
        h.descr = descr_value();
        seen_descr = true;
      } else if (key == "fortran_order" && !seen_order) {
        h.fortran_order = bool_value();
        seen_order = true;
      } else if (key == "shape" && !seen_shape) {
        h.shape = shape_value();
        seen_shape = true;
      } else {
        malformed("unexpected or repeated key '" + key +
                  "'; expected 'descr', 'fortran_order' and 'shape' once each");
      }
      skip_space();
      if (eat('}')) break;
      expect(',', "',' or '}' after the value of '" + key + "'");
    }
    skip_space();
    if (pos_ != text_.size()) malformed("unexpected text after the closing '}'");
    if (!seen_descr) malformed("no 'descr' entry");
    if (!seen_order) malformed("no 'fortran_order' entry");
    if (!seen_shape) malformed("no 'shape' entry");
    return h;
  }

 private:
  // The message quotes the header (control characters shown as '?') so that
  // it stays on one line.
  [[noreturn]] void malformed(const std::string& why) const {
    std::string shown(text_.substr(0, 160));
    for (char& c : shown) {
      if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7e) c = '?';
    }
    while (!shown.empty() && (shown.back() == ' ' || shown.back() == '?')) shown.pop_back();
    refuse(path_, "malformed .npy header (" + why + " at byte " + std::to_string(pos_) +
                      "); header is " + shown + (text_.size() > 160 ? "..." : ""));
  }

  void skip_space() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' ||
                                   text_[pos_] == '\n' || text_[pos_] == '\r')) {
      ++pos_;
    }
  }
  bool eat(char c) {
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  void expect(char c, const std::string& what) {
    skip_space();
    if (!eat(c)) malformed("expected " + what);
  }

  // Python's repr quotes with ' unless the text holds one; accept either.
  std::string string_literal(const std::string& what) {
    skip_space();
    if (pos_ >= text_.size() || (text_[pos_] != '\'' && text_[pos_] != '"')) {
      malformed("expected " + what);
    }
    const char quote = text_[pos_++];
    const std::size_t end = text_.find(quote, pos_);
    if (end == std::string_view::npos) malformed("unterminated string");
    std::string s(text_.substr(pos_, end - pos_));
    pos_ = end + 1;
    return s;
  }

  std::string descr_value() {
    skip_space();
    // A structured (record) dtype is written as a list of fields; name it
    // as a dtype the reader does not accept rather than as a bad header.
    if (pos_ < text_.size() && text_[pos_] == '[') {
      const std::size_t start = pos_;
      int depth = 0;
      do {
        if (pos_ >= text_.size()) malformed("unterminated '[' in 'descr'");
        depth += text_[pos_] == '[' ? 1 : text_[pos_] == ']' ? -1 : 0;
        ++pos_;
      } while (depth > 0);
      return std::string(text_.substr(start, pos_ - start));
    }
    return string_literal("a quoted dtype such as '<f8' after 'descr'");
  }

  bool bool_value() {
    skip_space();
    if (text_.substr(pos_, 4) == "True") {
      pos_ += 4;
      return true;
    }
    if (text_.substr(pos_, 5) == "False") {
      pos_ += 5;
      return false;
    }
    malformed("expected True or False after 'fortran_order'");
  }

  std::vector<std::size_t> shape_value() {
    std::vector<std::size_t> shape;
    expect('(', "a tuple such as (4, 5) after 'shape'");
    while (true) {
      skip_space();
      if (eat(')')) break;
      shape.push_back(extent());
      skip_space();
      // NumPy under Python 2 wrote long integers as 3L.
      eat('L');
      skip_space();
      if (eat(')')) break;
      expect(',', "',' or ')' in the shape tuple");
    }
    return shape;
  }

  std::size_t extent() {
    const std::size_t start = pos_;
    std::size_t v = 0;
    while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') {
      const std::size_t digit = static_cast<std::size_t>(text_[pos_] - '0');
      if (v > (std::numeric_limits<std::size_t>::max() - digit) / 10) {
        malformed("shape entry too large");
      }
      v = v * 10 + digit;
      ++pos_;
    }
    if (pos_ == start) malformed("expected a non-negative integer in the shape tuple");
    return v;
  }

  std::string_view text_;
  const std::filesystem::path& path_;
  std::size_t pos_ = 0;
};

std::uint32_t little_endian_uint(const unsigned char* bytes, int count) {
  std::uint32_t v = 0;
  for (int i = count - 1; i >= 0; --i) v = (v << 8) | bytes[i];
  return v;
}

// dtype, order and shape checks, in the order a person would fix them.
void check_header(const Header& h, const std::filesystem::path& path) {
  if (h.descr == ">f8" || h.descr == ">f4") {
    refuse(path, "dtype '" + h.descr + "' is big-endian; expected little-endian float64 ('<f8') "
                 "or float32 ('<f4') (save arr.astype('<" + h.descr.substr(1) + "'))");
  }
  if (h.descr != "<f8" && h.descr != "<f4") {
    refuse(path, "dtype '" + h.descr + "' is not supported; expected float64 ('<f8') or "
                 "float32 ('<f4'), little-endian (save arr.astype('<f8'))");
  }
  if (h.fortran_order) {
    refuse(path, "Fortran-ordered array; expected C order (save np.ascontiguousarray(arr))");
  }
  if (h.shape.empty() || h.shape.size() > static_cast<std::size_t>(Grid::max_dims)) {
    refuse(path, "array has " + std::to_string(h.shape.size()) + " dimensions" +
                     (h.shape.empty() ? " (a scalar)" : "") + ", shape " + shape_text(h.shape) +
                     "; expected 1, 2 or 3");
  }
  for (std::size_t axis = 0; axis < h.shape.size(); ++axis) {
    if (h.shape[axis] == 0) {
      refuse(path, "shape " + shape_text(h.shape) + " has extent 0 on axis " +
                       std::to_string(axis) + "; expected every extent >= 1");
    }
  }
}

template <class T>
Field<T> read_data(std::FILE* in, const Header& h, std::uintmax_t data_bytes,
                   const std::filesystem::path& path) {
  const std::string dtype = sizeof(T) == 8 ? "float64" : "float32";
  // The product is checked for overflow before it is compared, so a shape
  // too large for memory cannot wrap around to match a small file.
  std::uintmax_t needed = sizeof(T);
  bool overflow = false;
  for (std::size_t extent : h.shape) {
    if (needed > std::numeric_limits<std::uintmax_t>::max() / extent) overflow = true;
    if (!overflow) needed *= extent;
  }
  if (overflow || data_bytes != needed) {
    const std::string need_text = overflow ? "more than 2^64" : std::to_string(needed);
    const std::string why = data_bytes < needed || overflow
                                ? " (file cut short?)"
                                : " (" + std::to_string(data_bytes - needed) +
                                      " extra bytes after the array)";
    refuse(path, "file holds " + std::to_string(data_bytes) + " bytes of data, shape " +
                     shape_text(h.shape) + " " + dtype + " needs " + need_text + why);
  }
  Field<T> f{Grid(h.shape)};
  errno = 0;
  if (std::fread(f.data(), sizeof(T), f.size(), in) != f.size()) {
    refuse(path, "read failed in the array data (" + errno_text(errno) + ")");
  }
  return f;
}

}  // namespace

AnyField read_npy(const std::filesystem::path& path) {
  std::error_code ec;
  // fopen succeeds on a directory on Linux; only the read would fail.
  if (std::filesystem::is_directory(path, ec)) {
    refuse(path, "cannot open file (" + errno_text(EISDIR) + ")");
  }
  errno = 0;
  const File in{std::fopen(path.c_str(), "rb")};
  if (!in) refuse(path, "cannot open file (" + errno_text(errno) + ")");
  const std::uintmax_t file_size = std::filesystem::file_size(path, ec);
  if (ec) refuse(path, "cannot determine the file size (" + ec.message() + ")");

  // magic (6), version (2), header length (2 or 4).
  unsigned char prefix[12] = {};
  const std::size_t got = std::fread(prefix, 1, 8, in.get());
  if (got < magic.size() || std::memcmp(prefix, magic.data(), magic.size()) != 0) {
    refuse(path, "not a .npy file (magic bytes missing)");
  }
  if (got < 8) refuse(path, "truncated .npy header (file is " + std::to_string(file_size) + " bytes)");
  const int major = prefix[6], minor = prefix[7];
  if (major < 1 || major > 3 || minor != 0) {
    refuse(path, ".npy format version " + std::to_string(major) + "." + std::to_string(minor) +
                     " is not supported; expected 1.0, 2.0 or 3.0");
  }
  const int len_size = major == 1 ? 2 : 4;
  if (std::fread(prefix + 8, 1, len_size, in.get()) != static_cast<std::size_t>(len_size)) {
    refuse(path, "truncated .npy header (file is " + std::to_string(file_size) + " bytes)");
  }
  const std::uint32_t header_len = little_endian_uint(prefix + 8, len_size);
  const std::uintmax_t data_start = 8 + len_size + std::uintmax_t{header_len};
  // Checked before allocating: a corrupt length could ask for 4 GiB.
  if (data_start > file_size) {
    refuse(path, "truncated .npy header (header length " + std::to_string(header_len) +
                     " bytes, file is " + std::to_string(file_size) + " bytes)");
  }
  std::string text(header_len, '\0');
  if (std::fread(text.data(), 1, header_len, in.get()) != header_len) {
    refuse(path, "read failed in the .npy header (" + errno_text(errno) + ")");
  }

  const Header h = HeaderParser(text, path).parse();
  check_header(h, path);
  const std::uintmax_t data_bytes = file_size - data_start;
  if (h.descr == "<f8") return read_data<double>(in.get(), h, data_bytes, path);
  return read_data<float>(in.get(), h, data_bytes, path);
}

template <class T>
Field<T> read_npy_as(const std::filesystem::path& path) {
  return std::visit(
      [](auto&& f) -> Field<T> {
        using Stored = typename std::decay_t<decltype(f)>::value_type;
        if constexpr (std::is_same_v<Stored, T>) {
          return std::move(f);
        } else {
          return convert_field<T>(f);
        }
      },
      read_npy(path));
}

template <class T>
void write_npy(const std::filesystem::path& path, const Field<T>& f) {
  static_assert(std::is_same_v<T, double> || std::is_same_v<T, float>);
  if (f.grid().dims() < 1) {
    throw std::invalid_argument(path.string() + ": cannot write a field without a grid");
  }
  std::string header = std::string("{'descr': '") + (sizeof(T) == 8 ? "<f8" : "<f4") +
                       "', 'fortran_order': False, 'shape': " + shape_text(f.grid().shape()) +
                       ", }";
  // numpy.lib.format._wrap_header: spaces, then '\n', so that the data
  // starts on a 64-byte boundary (1 to 64 spaces, exactly as NumPy pads).
  const std::size_t prefix_size = magic.size() + 2 + 2;
  header.append(array_align - (prefix_size + header.size() + 1) % array_align, ' ');
  header += '\n';

  std::string prefix(magic);
  prefix += {'\x01', '\x00', static_cast<char>(header.size() & 0xff),
             static_cast<char>(header.size() >> 8)};

  errno = 0;
  std::FILE* out = std::fopen(path.c_str(), "wb");
  if (!out) refuse(path, "cannot create file (" + errno_text(errno) + ")");
  const bool written = std::fwrite(prefix.data(), 1, prefix.size(), out) == prefix.size() &&
                       std::fwrite(header.data(), 1, header.size(), out) == header.size() &&
                       std::fwrite(f.data(), sizeof(T), f.size(), out) == f.size();
  const int write_errno = errno;
  // fclose flushes the buffer, so a full disk may only show up here.
  const bool closed = std::fclose(out) == 0;
  if (!written || !closed) {
    const int err = written ? errno : write_errno;
    std::error_code ignored;
    std::filesystem::remove(path, ignored);  // no partial files
    refuse(path, "write failed (" + errno_text(err) + ")");
  }
}

template Field<double> read_npy_as(const std::filesystem::path&);
template Field<float> read_npy_as(const std::filesystem::path&);
template void write_npy(const std::filesystem::path&, const Field<double>&);
template void write_npy(const std::filesystem::path&, const Field<float>&);

}  // namespace lfm
