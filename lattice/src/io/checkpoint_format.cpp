// The framed binary format of checkpoint.hpp: encoders that stream to a
// sink while hashing, and decoders that trust nothing they have not checked.
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>

#include "lattice/checkpoint.hpp"
#include "lattice/grid.hpp"

namespace lfm {
namespace {

static_assert(std::endian::native == std::endian::little,
              "checkpoints copy little-endian values as they are");

constexpr std::string_view static_magic{"LFMSTAT\0", 8};
constexpr std::string_view checkpoint_magic{"LFMCKPT\0", 8};
constexpr std::size_t frame_head = 8 + 4 + 8;  // magic, version, body length
constexpr std::size_t frame_tail = 8;          // checksum

// Streams values to the sink and hashes them on the way.
class Encoder {
 public:
  explicit Encoder(const ByteSink& sink) : sink_(sink) {}
  void bytes(const void* data, std::size_t n) {
    hash_ = fnv1a64(data, n, hash_);
    sink_(data, n);
  }
  template <class T>
  void value(T v) {
    static_assert(std::is_arithmetic_v<T>);
    bytes(&v, sizeof v);
  }
  void text(std::string_view s) {
    value<std::uint64_t>(s.size());
    bytes(s.data(), s.size());
  }
  void shape(const std::vector<std::size_t>& shape, Precision p) {
    value<std::uint32_t>(static_cast<std::uint32_t>(shape.size()));
    for (std::size_t e : shape) value<std::uint64_t>(e);
    value<std::uint8_t>(p == Precision::float64 ? 0 : 1);
  }
  template <class T>
  void field(const Field<T>& f) {
    bytes(f.data(), f.size() * sizeof(T));
  }
  std::uint64_t finish() {
    const std::uint64_t sum = hash_;
    sink_(&sum, sizeof sum);
    return sum;
  }

 private:
  const ByteSink& sink_;
  std::uint64_t hash_ = fnv1a64_offset;
};

// Reads the body of a frame whose checksum has been verified; every read is
// bounds-checked, so a well-hashed but malformed file is still refused.
class Decoder {
 public:
  Decoder(std::string_view body, const std::string& source) : rest_(body), source_(source) {}

  [[noreturn]] void fail(const std::string& what) const {
    throw CheckpointError(source_ + ": " + what);
  }
  void take(void* out, std::size_t n, const char* what) {
    if (n > rest_.size()) fail(std::string("truncated ") + what);
    std::memcpy(out, rest_.data(), n);
    rest_.remove_prefix(n);
  }
  template <class T>
  T value(const char* what) {
    T v;
    take(&v, sizeof v, what);
    return v;
  }
  double finite(const char* what) {
    const double v = value<double>(what);
    if (!std::isfinite(v)) fail(std::string(what) + " is not finite");
    return v;
  }
  std::string text(const char* what) {
    const auto n = value<std::uint64_t>(what);
    if (n > rest_.size()) fail(std::string(what) + " is longer than the file");
    std::string s(rest_.substr(0, n));
    rest_.remove_prefix(n);
    return s;
  }
  void shape(std::vector<std::size_t>& shape, Precision& p) {
    const auto dims = value<std::uint32_t>("shape");
    if (dims < 1 || dims > Grid::max_dims) fail("has " + std::to_string(dims) + " dimensions; expected 1 to 3");
    shape.clear();
    std::size_t cells = 1;
    for (std::uint32_t a = 0; a < dims; ++a) {
      const auto e = value<std::uint64_t>("shape");
      if (e < 1) fail("has an empty axis");
      // Bounded so that cells × 8 bytes cannot overflow; the field readers
      // then check it against the bytes there are.
      constexpr std::uint64_t max_cells = std::numeric_limits<std::uint64_t>::max() / 16;
      if (e > max_cells / cells) fail("has a shape too large for any file");
      cells *= e;
      shape.push_back(static_cast<std::size_t>(e));
    }
    const auto code = value<std::uint8_t>("precision");
    if (code > 1) fail("has precision code " + std::to_string(code) + "; expected 0 or 1");
    p = code == 0 ? Precision::float64 : Precision::float32;
  }
  AnyField field(const std::vector<std::size_t>& shape, Precision p, const char* what) {
    if (p == Precision::float64) return typed_field<double>(shape, what);
    return typed_field<float>(shape, what);
  }
  void finish() const {
    if (!rest_.empty()) fail(std::to_string(rest_.size()) + " unexpected bytes after the data");
  }

 private:
  template <class T>
  Field<T> typed_field(const std::vector<std::size_t>& shape, const char* what) {
    const Grid grid(shape);
    if (grid.cells() > rest_.size() / sizeof(T)) fail(std::string("truncated ") + what);
    Field<T> f(grid);
    take(f.data(), f.size() * sizeof(T), what);
    return f;
  }

  std::string_view rest_;
  const std::string& source_;
};

}  // namespace

bool looks_like_checkpoint(std::string_view head, std::uintmax_t size) {
  if (head.size() < frame_head || head.substr(0, 8) != checkpoint_magic) return false;
  std::uint64_t length;
  std::memcpy(&length, head.data() + 12, 8);
  return size >= frame_head + frame_tail && length == size - frame_head - frame_tail;
}

namespace {

// Checks magic, version, length and checksum; returns the body.
std::string_view open_frame(std::string_view bytes, std::string_view magic, const char* kind,
                            const std::string& source) {
  const auto fail = [&](const std::string& what) -> void {
    throw CheckpointError(source + ": " + what);
  };
  if (bytes.size() < frame_head + frame_tail) {
    fail("truncated: " + std::to_string(bytes.size()) + " bytes is shorter than any " + kind);
  }
  if (bytes.substr(0, 8) != magic) fail(std::string("not an lfm ") + kind + " (wrong magic bytes)");
  std::uint32_t version;
  std::uint64_t length;
  std::memcpy(&version, bytes.data() + 8, 4);
  std::memcpy(&length, bytes.data() + 12, 8);
  const std::size_t body = bytes.size() - frame_head - frame_tail;
  if (length != body) {
    fail((length > body ? "truncated: body of " : "has trailing bytes: body of ") +
         std::to_string(body) + " bytes, header says " + std::to_string(length));
  }
  if (stored_checksum(bytes) != fnv1a64(bytes.data(), bytes.size() - frame_tail)) {
    fail("checksum mismatch: the file is corrupted");
  }
  if (version != checkpoint_format_version) {
    fail("checkpoint format " + std::to_string(version) + "; this lfm reads format " +
         std::to_string(checkpoint_format_version));
  }
  return bytes.substr(frame_head, body);
}

void write_head(Encoder& e, std::string_view magic, std::uint64_t body_length) {
  e.bytes(magic.data(), magic.size());
  e.value<std::uint32_t>(checkpoint_format_version);
  e.value<std::uint64_t>(body_length);
}

std::size_t shape_bytes(const std::vector<std::size_t>& shape) { return 4 + 8 * shape.size() + 1; }

std::size_t field_bytes(const AnyField& f) {
  return std::visit([](const auto& x) { return x.size() * sizeof(x[0]); }, f);
}

Precision precision_of(const AnyField& f) {
  return std::holds_alternative<Field<double>>(f) ? Precision::float64 : Precision::float32;
}

}  // namespace

std::uint64_t fnv1a64(const void* data, std::size_t bytes, std::uint64_t hash) {
  const auto* p = static_cast<const unsigned char*>(data);
  for (std::size_t i = 0; i < bytes; ++i) {
    hash ^= p[i];
    hash *= 0x100000001b3ULL;  // the 64-bit FNV prime
  }
  return hash;
}

std::uint64_t fnv1a64(std::string_view text) { return fnv1a64(text.data(), text.size()); }

std::uint64_t stored_checksum(std::string_view bytes) {
  std::uint64_t sum = 0;
  if (bytes.size() >= frame_tail) std::memcpy(&sum, bytes.data() + bytes.size() - frame_tail, 8);
  return sum;
}

std::uint64_t encode_static(const StaticData& s, const ByteSink& sink) {
  if (s.chi && precision_of(*s.chi) != s.precision) {
    throw std::invalid_argument("static data: chi field precision differs from the run's");
  }
  const std::size_t body = 8 + s.version.size() + 8 + s.params_json.size() + 8 +
                           s.run_json.size() + shape_bytes(s.shape) + 1 +
                           (s.chi ? field_bytes(*s.chi) : 0);
  Encoder e(sink);
  write_head(e, static_magic, body);
  e.text(s.version);
  e.text(s.params_json);
  e.text(s.run_json);
  e.shape(s.shape, s.precision);
  e.value<std::uint8_t>(s.chi ? 1 : 0);
  if (s.chi) std::visit([&](const auto& f) { e.field(f); }, *s.chi);
  return e.finish();
}

std::uint64_t encode_checkpoint(const CheckpointMeta& m, const AnyState& state,
                                const ByteSink& sink) {
  return std::visit(
      [&](const auto& st) {
        if (st.E.grid().shape() != m.shape) {
          throw std::invalid_argument("checkpoint: state shape differs from its metadata");
        }
        const std::size_t fields = 2 * st.E.size() * sizeof(st.E[0]);
        const std::size_t body = 8 + m.version.size() + 8 + 8 + shape_bytes(m.shape) + 8 +
                                 5 * 8 + 8 + m.trace.size() * 24 + fields;
        Encoder e(sink);
        write_head(e, checkpoint_magic, body);
        e.text(m.version);
        e.value<std::uint64_t>(m.static_hash);
        e.value<std::uint64_t>(m.params_hash);
        e.shape(m.shape, m.precision);
        e.value<std::int64_t>(m.step);
        e.value<double>(m.step_s);
        e.value<double>(m.diagnostics_s);
        e.value<double>(m.wall_s);
        e.value<double>(m.initial_max_abs);
        e.value<std::uint64_t>(0);  // reserved
        e.value<std::uint64_t>(m.trace.size());
        for (const auto& r : m.trace) {
          e.value<std::int64_t>(r.step);
          e.value<double>(r.energy);
          e.value<double>(r.invariant);
        }
        e.field(st.E);
        e.field(st.E_prev);
        return e.finish();
      },
      state);
}

StaticData decode_static(std::string_view bytes, const std::string& source) {
  Decoder d(open_frame(bytes, static_magic, "static data file", source), source);
  StaticData s;
  s.version = d.text("version");
  s.params_json = d.text("parameters");
  s.run_json = d.text("run record");
  d.shape(s.shape, s.precision);
  const auto has_chi = d.value<std::uint8_t>("chi flag");
  if (has_chi > 1) d.fail("chi flag is " + std::to_string(has_chi) + "; expected 0 or 1");
  if (has_chi) s.chi = d.field(s.shape, s.precision, "chi field");
  d.finish();
  return s;
}

CheckpointData decode_checkpoint(std::string_view bytes, const std::string& source) {
  Decoder d(open_frame(bytes, checkpoint_magic, "checkpoint", source), source);
  CheckpointMeta m;
  m.version = d.text("version");
  m.static_hash = d.value<std::uint64_t>("static hash");
  m.params_hash = d.value<std::uint64_t>("parameter hash");
  d.shape(m.shape, m.precision);
  m.step = d.value<std::int64_t>("step");
  if (m.step < 0) d.fail("step " + std::to_string(m.step) + " is negative");
  m.step_s = d.finite("step time");
  m.diagnostics_s = d.finite("diagnostics time");
  m.wall_s = d.finite("wall time");
  m.initial_max_abs = d.finite("initial max|E|");
  // Zero when written: a reader that ignored it would accept two encodings of one checkpoint.
  if (d.value<std::uint64_t>("reserved") != 0) d.fail("reserved field is not zero");
  const auto records = d.value<std::uint64_t>("trace length");
  if (records > bytes.size() / 24) {
    d.fail("trace of " + std::to_string(records) + " records is longer than the file");
  }
  for (std::uint64_t i = 0; i < records; ++i) {
    EnergyRecord r;
    r.step = d.value<std::int64_t>("trace");
    r.energy = d.value<double>("trace");
    r.invariant = d.value<double>("trace");
    if (r.step < 0 || r.step > m.step) {
      d.fail("trace record at step " + std::to_string(r.step) + " is outside 0.." + std::to_string(m.step));
    }
    m.trace.push_back(r);
  }
  AnyField E = d.field(m.shape, m.precision, "E field");
  AnyField E_prev = d.field(m.shape, m.precision, "E_prev field");
  d.finish();
  return {std::move(m), std::move(E), std::move(E_prev)};
}

}  // namespace lfm
