// Parameters from and to JSON with LFM's key names. This layer only parses
// and checks types; ranges and the relation to the grid are validate()'s job,
// since the grid is not known when a config is read.
#include <algorithm>
#include <climits>
#include <cmath>
#include <cstddef>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "lattice/error.hpp"
#include "lattice/params.hpp"
#include "lattice/suggest.hpp"

namespace lfm {
namespace {

using json = nlohmann::json;

// "line L, column C" of a byte offset, counted as nlohmann counts them
// (1-based, columns in bytes).
std::string line_column(std::string_view text, std::size_t byte) {
  byte = std::min(byte, text.size());
  std::size_t line = 1, column = 1;
  for (std::size_t i = 0; i < byte; ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

// nlohmann 3.11 refuses a number beyond float64's range (1e999) with an
// out_of_range error that carries no position. This second, SAX-only pass
// finds where it is and which top-level key holds it.
class OverflowLocator : public nlohmann::json_sax<json> {
 public:
  std::size_t byte = 0;
  std::string token, top_key;
  bool nested = false;  // inside an array or object under top_key

  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t&) override { return true; }
  bool string(string_t&) override { return true; }
  bool binary(binary_t&) override { return true; }
  bool start_object(std::size_t) override { return ++depth_, true; }
  bool end_object() override { return --depth_, true; }
  bool start_array(std::size_t) override { return ++depth_, true; }
  bool end_array() override { return --depth_, true; }
  bool key(string_t& k) override {
    if (depth_ == 1) top_key = k;
    return true;
  }
  bool parse_error(std::size_t position, const std::string& last_token,
                   const nlohmann::detail::exception&) override {
    // `position` is just past the token; report where the token starts.
    byte = position >= last_token.size() ? position - last_token.size() : 0;
    token = last_token;
    nested = depth_ > 1;
    return false;
  }

 private:
  int depth_ = 0;
};

// `text` with every byte that would not print as itself escaped as \xNN:
// control bytes and bytes that are not part of valid UTF-8, so that a
// binary file given as JSON never writes raw bytes to the terminal.
std::string printable(std::string_view text) {
  std::string out;
  const auto escape = [&](unsigned char b) {
    static const char digits[] = "0123456789abcdef";
    out += "\\x";
    out += digits[b >> 4];
    out += digits[b & 15];
  };
  for (std::size_t i = 0; i < text.size();) {
    const auto b = static_cast<unsigned char>(text[i]);
    const std::size_t length = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xe ? 3 : (b >> 3) == 0x1e ? 4 : 0;
    bool valid = length > 0 && i + length <= text.size() && (b >= 0x20 || b == '\t') && b != 0x7f;
    for (std::size_t k = 1; valid && k < length; ++k) valid = (static_cast<unsigned char>(text[i + k]) >> 6) == 0x2;
    if (!valid) {
      escape(b);
      ++i;
      continue;
    }
    out.append(text.substr(i, length));
    i += length;
  }
  return out;
}

[[noreturn]] void malformed(std::string_view text, std::string_view source, const std::exception& e) {
  const std::string what = e.what();
  if (dynamic_cast<const json::parse_error*>(&e) != nullptr) {
    // what() is "[json.exception.parse_error.101] parse error at line L, column C: ...";
    // keep everything from "at line" on, which is the part a person needs.
    const auto at = what.find(" at line ");
    const std::string detail = at != std::string::npos ? what.substr(at) : ": " + what;
    throw InputError(std::string(source) + ": malformed JSON" + printable(detail));
  }
  OverflowLocator where;
  json::sax_parse(text, &where);
  if (where.token.empty()) throw InputError(std::string(source) + ": " + printable(what));
  const std::string subject = where.top_key.empty() ? "number " + where.token
                              : where.nested   ? "number " + where.token + " in " + where.top_key
                                               : where.top_key + " = " + where.token;
  throw InputError(std::string(source) + ": " + printable(subject) + " at " + line_column(text, where.byte) +
                   " is not finite (beyond float64's range); expected a finite number");
}

// A short rendering of a JSON value for messages, so that a long array is
// not pasted whole.
std::string shown(const json& v) {
  std::string s = v.dump();
  if (s.size() > 40) s = s.substr(0, 37) + "...";
  return s;
}

class Reader {
 public:
  Reader(const json& j, std::string_view source) : j_(j), source_(source) {}

  [[noreturn]] void fail(const std::string& message) const {
    throw InputError(source_ + ": " + printable(message));
  }

  bool has(const char* key) const { return j_.contains(key); }

  [[noreturn]] void wrong_type(const char* key, const char* expected, const std::string& hint = "") const {
    const json& v = j_.at(key);
    fail(std::string(key) + " = " + shown(v) + " is " + article(v.type_name()) + "; expected " + expected +
         hint);
  }

  double number(const char* key, const char* expected = "a number") const {
    const json& v = j_.at(key);
    if (!v.is_number()) wrong_type(key, expected);
    const double d = v.get<double>();
    if (!std::isfinite(d)) fail(std::string(key) + " = " + v.dump() + " is not finite; expected " + expected);
    return d;
  }

  // Integers only: 4.0 or 4.5 for stencil_order is refused rather than
  // rounded, since a fractional width or order cannot be meant.
  int integer(const char* key, const char* expected) const {
    const json& v = j_.at(key);
    if (v.is_number_float()) fail(std::string(key) + " = " + v.dump() + " is not an integer; expected " + expected);
    if (!v.is_number_integer()) wrong_type(key, expected);
    const bool fits = v.is_number_unsigned() ? v.get<unsigned long long>() <= INT_MAX
                                             : v.get<long long>() >= INT_MIN && v.get<long long>() <= INT_MAX;
    if (!fits) fail(std::string(key) + " = " + v.dump() + " does not fit in an int; expected " + expected);
    return v.get<int>();
  }

  template <class T>
  T choice(const char* key, T (*parse)(std::string_view), const char* expected) const {
    const json& v = j_.at(key);
    if (!v.is_string()) wrong_type(key, expected);
    try {
      return parse(v.get<std::string>());
    } catch (const InputError& e) {
      fail(e.what());
    }
  }

 private:
  static std::string article(const char* type) {
    const std::string t = type;
    return (t == "array" || t == "object" ? "an " : "a ") + t;
  }

  const json& j_;
  std::string source_;
};

}  // namespace

Params params_from_json(std::string_view text, std::string_view source) {
  // nlohmann keeps the last of repeated keys silently; a config that sets dt
  // twice is refused instead, since only its author knows which one was meant.
  std::set<std::string> seen;
  std::string repeated;
  const json::parser_callback_t note_keys = [&](int depth, json::parse_event_t event, json& parsed) {
    if (event == json::parse_event_t::key && depth == 1 && repeated.empty() &&
        !seen.insert(parsed.get<std::string>()).second) {
      repeated = parsed.get<std::string>();
    }
    return true;
  };
  json j;
  try {
    j = json::parse(text, note_keys);
  } catch (const json::parse_error& e) {
    malformed(text, source, e);
  } catch (const json::out_of_range& e) {
    malformed(text, source, e);
  }

  const Reader r(j, source);
  if (!j.is_object()) {
    r.fail(std::string("expected a JSON object of parameters ({\"dt\": ..., \"dx\": ...}), found ") +
           (j.is_discarded() ? "nothing" : j.type_name()));
  }
  if (!repeated.empty()) r.fail("key '" + repeated + "' appears more than once; expected each key once");
  for (const auto& [key, value] : j.items()) {
    if (std::find(param_keys().begin(), param_keys().end(), key) == param_keys().end()) {
      r.fail("unknown key '" + key + "'" + unknown_name_hint(key, param_keys()));
    }
  }
  if (!r.has("dt")) r.fail("missing required key 'dt' (the time step, a number > 0)");
  if (!r.has("dx")) r.fail("missing required key 'dx' (the lattice spacing, a number > 0)");
  if (r.has("chi") && (j["chi"].is_array() || j["chi"].is_object())) {
    r.wrong_type("chi", "a number", " (a χ field is given as a .npy file with --chi)");
  }

  Params p;
  p.dt = r.number("dt");
  p.dx = r.number("dx");
  if (r.has("alpha")) p.alpha = r.number("alpha");
  if (r.has("beta")) p.beta = r.number("beta");
  if (r.has("chi")) p.chi = r.number("chi");
  if (r.has("gamma_damp")) p.gamma_damp = r.number("gamma_damp");
  if (r.has("boundary")) {
    p.boundary = r.choice("boundary", parse_boundary, "a string: periodic, reflective or absorbing");
  }
  if (r.has("absorb_width")) p.absorb_width = r.integer("absorb_width", "an integer >= 1");
  if (r.has("absorb_factor")) p.absorb_factor = r.number("absorb_factor");
  if (r.has("stencil_order")) p.stencil_order = r.integer("stencil_order", "an integer, 2 or 4");
  if (r.has("precision")) p.precision = r.choice("precision", parse_precision, "a string: float64 or float32");
  return p;
}

// Every key, in documented order. nlohmann prints doubles with the shortest
// text that reads back to the same double, so finite values round-trip
// exactly; a non-finite value would be written as null (and refused on read).
std::string params_to_json(const Params& p) {
  nlohmann::ordered_json j;
  j["dt"] = p.dt;
  j["dx"] = p.dx;
  j["alpha"] = p.alpha;
  j["beta"] = p.beta;
  j["chi"] = p.chi;
  j["gamma_damp"] = p.gamma_damp;
  j["boundary"] = std::string(to_string(p.boundary));
  j["absorb_width"] = p.absorb_width;
  j["absorb_factor"] = p.absorb_factor;
  j["stencil_order"] = p.stencil_order;
  j["precision"] = std::string(to_string(p.precision));
  return j.dump(2);
}

}  // namespace lfm
