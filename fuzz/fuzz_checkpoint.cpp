// The checkpoint and static-data readers on arbitrary bytes. Random bytes
// rarely pass the checksum, so each input is also tried "resealed": the
// length and checksum fixed up, which sends the fuzzer into the body
// parser. Accepted files re-encode to exactly the same bytes.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

#include "lattice/checkpoint.hpp"

namespace {

std::string reseal(std::string bytes) {
  if (bytes.size() < 28) return bytes;
  const std::uint64_t body = bytes.size() - 28;
  std::memcpy(bytes.data() + 12, &body, 8);
  const std::uint64_t sum = lfm::fnv1a64(bytes.data(), bytes.size() - 8);
  std::memcpy(bytes.data() + bytes.size() - 8, &sum, 8);
  return bytes;
}

std::string encoded(const lfm::CheckpointData& c) {
  std::string out;
  const lfm::AnyState state = std::visit(
      [&](const auto& E) -> lfm::AnyState {
        using F = std::decay_t<decltype(E)>;
        return lfm::State<typename F::value_type>{E, std::get<F>(c.E_prev), std::nullopt, c.meta.step};
      },
      c.E);
  lfm::encode_checkpoint(c.meta, state, [&](const void* d, std::size_t n) { out.append(static_cast<const char*>(d), n); });
  return out;
}

std::string encoded(const lfm::StaticData& s) {
  std::string out;
  lfm::encode_static(s, [&](const void* d, std::size_t n) { out.append(static_cast<const char*>(d), n); });
  return out;
}

void try_decode(const std::string& bytes) {
  try {
    if (encoded(lfm::decode_checkpoint(bytes, "fuzz")) != bytes) __builtin_trap();
  } catch (const lfm::InputError&) {
  }
  try {
    if (encoded(lfm::decode_static(bytes, "fuzz")) != bytes) __builtin_trap();
  } catch (const lfm::InputError&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  try_decode(bytes);
  try_decode(reseal(bytes));
  return 0;
}
