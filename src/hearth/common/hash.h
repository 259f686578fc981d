// Stable hashes: the same value on every platform, build and run.
//
// Example:
//   uint32_t crc = hearth::Crc32(blob);           // snapshot checksums
//   uint64_t h = hearth::Fnv1a64("evt-42");        // event-id deduplication
//
// absl::Hash is deliberately salted per process, so anything that is stored
// (snapshots) or compared across native and wasm builds uses these instead.
#ifndef HEARTH_COMMON_HASH_H_
#define HEARTH_COMMON_HASH_H_

#include <cstdint>
#include <string_view>

namespace hearth {

// CRC-32 (IEEE 802.3, the zlib/PNG polynomial) of `data`.
uint32_t Crc32(std::string_view data);

// 64-bit FNV-1a of `data`.
constexpr uint64_t Fnv1a64(std::string_view data) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (char c : data) {
    h ^= static_cast<uint8_t>(c);
    h *= 0x100000001b3ull;
  }
  return h;
}

}  // namespace hearth

#endif  // HEARTH_COMMON_HASH_H_
