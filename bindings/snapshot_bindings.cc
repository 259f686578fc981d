// Embind glue for state: binary snapshots, the user's JSON export, erase.
#include <emscripten/bind.h>

#include "bindings/engine_handle.h"

namespace hearth::bindings {
namespace {

// An owned Uint8Array.
val ExportState(EngineHandle& h) { return BytesOut(h.engine().ExportSnapshot()); }

// null, or {code, message}; on error nothing in the engine changed.
val RestoreState(EngineHandle& h, const val& blob) { return ErrorOrNull(h.engine().RestoreSnapshot(BytesIn(blob))); }

// The user's data as JSON text, or {error} for a bad clock.
val ExportJson(EngineHandle& h, double now_ms) {
  if (auto s = ValidateNow(now_ms); !s.ok()) return Failure(s);
  return val(h.engine().ExportJson(static_cast<int64_t>(now_ms)));
}

void Erase(EngineHandle& h) { h.engine().Erase(); }

}  // namespace

EMSCRIPTEN_BINDINGS(hearth_snapshot) {
  emscripten::function("exportState", &ExportState);
  emscripten::function("restoreState", &RestoreState);
  emscripten::function("exportJSON", &ExportJson);
  emscripten::function("erase", &Erase);
}

}  // namespace hearth::bindings
