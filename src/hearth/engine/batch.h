// Event batches: many events in one JSON document, one call across the
// wasm boundary.
//
// Example:
//   auto r = hearth::TrackBatch(engine, R"([
//     {"type": "view", "item": "sku-1", "ts": 1793000000000},
//     {"type": "purchase", "item": "sku-1", "id": "order-7", "ts": 1793000060000, "value": 99}
//   ])", now_ms);
//   // r->recorded == 2
//
// The document is parsed completely before any event is applied: a
// structural error (invalid JSON, truncation, not an array) rejects the whole
// batch and changes nothing. A well-formed event that the engine rejects
// (unknown item, bad timestamp, ...) is reported by index and the others are
// applied, in order. Fields: type, item, id, ts, query, value, quantity, deal
// and tzOffsetMinutes / context (game) — the same as Engine::Track (a missing
// ts means now); unknown fields are
// errors for that event.
#ifndef HEARTH_ENGINE_BATCH_H_
#define HEARTH_ENGINE_BATCH_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "hearth/engine/engine.h"

namespace hearth {

inline constexpr size_t kMaxBatchEvents = 100'000;

struct BatchReject {
  int64_t index = 0;
  absl::Status status;
};

struct BatchResult {
  size_t recorded = 0;
  size_t duplicates = 0;
  std::vector<BatchReject> rejected;
};

absl::StatusOr<BatchResult> TrackBatch(Engine& engine, std::string_view json, double now_ms);

// Packed batches: the same events in a flat binary layout that the JS layer
// writes straight into wasm memory, so neither side builds or parses JSON and
// no string crosses the boundary per event (the hot path of track() and
// trackMany()). Per event, little-endian, no padding:
//   f64 ts (ms), f64 value (NaN: none), f64 quantity, u8 deal (0 or 1),
//   i32 tz offset (minutes east of UTC, game days; see TrackEvent),
//   then type, item, id, query and context, each as u32 byte length + UTF-8
//   bytes (context: the game's flat JSON object text, or empty).
// Events are applied exactly as TrackBatch applies them (ts is required; an
// empty string means absent; a bad offset or context rejects that event). A layout that does not end exactly after the
// last event, or holds more than kMaxBatchEvents events, rejects the whole
// batch and records nothing.
//
// Example:
//   std::string packed;
//   hearth::AppendPackedEvent(TrackEvent{"view", "sku-1", "", 1793000000000}, &packed);
//   auto r = hearth::TrackPacked(engine, packed, now_ms);  // r->recorded == 1
absl::StatusOr<BatchResult> TrackPacked(Engine& engine, std::string_view packed, double now_ms);

// One event in the layout TrackPacked reads, appended to `out` (the C++
// counterpart of the JS packer in js/internal/packed.js; used by tests and
// the benchmark harness).
void AppendPackedEvent(const TrackEvent& e, std::string* out);

}  // namespace hearth

#endif  // HEARTH_ENGINE_BATCH_H_
