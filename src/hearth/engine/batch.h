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

}  // namespace hearth

#endif  // HEARTH_ENGINE_BATCH_H_
