// The JSON config reader on arbitrary text: it may refuse (InputError),
// never crash; what it accepts survives a round trip through
// params_to_json unchanged.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "lattice/error.hpp"
#include "lattice/params.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  lfm::Params p;
  try {
    p = lfm::params_from_json(text, "fuzz");
  } catch (const lfm::InputError&) {
    return 0;
  }
  const std::string once = lfm::params_to_json(p);
  try {
    if (lfm::params_to_json(lfm::params_from_json(once, "round trip")) != once) __builtin_trap();
  } catch (const lfm::InputError&) {
    __builtin_trap();  // its own output refused
  }
  return 0;
}
