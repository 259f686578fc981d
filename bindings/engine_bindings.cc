// Embind glue for the engine: construction, events, profile and preferences.
// Conversion only — every decision lives in src/hearth/.
#include <emscripten/bind.h>
#include <emscripten/emscripten.h>

#include <malloc.h>

#include <memory>

#include "bindings/engine_handle.h"
#include "hearth/engine/batch.h"

namespace hearth::bindings {
namespace {

std::string Version() { return HEARTH_VERSION_STRING; }

// Heap figures for leak tests: bytes malloc currently holds, and the size of
// the wasm memory. A flat `allocated` over many create/destroy cycles means
// no leak.
val MemoryStats() {
  struct mallinfo mi = mallinfo();
  val out = val::object();
  out.set("allocated", static_cast<double>(mi.uordblks));
  out.set("heapSize", val::module_property("HEAP8")["length"]);
  return out;
}

// {recorded, duplicates, rejected: [{index, code, message}]} or {error}
// (then nothing was recorded).
val BatchOut(const absl::StatusOr<BatchResult>& r) {
  if (!r.ok()) return Failure(r.status());
  val out = val::object();
  out.set("recorded", static_cast<double>(r->recorded));
  out.set("duplicates", static_cast<double>(r->duplicates));
  val rejected = val::array();
  for (size_t i = 0; i < r->rejected.size(); ++i) {
    val o = val::object();
    o.set("index", static_cast<double>(r->rejected[i].index));
    o.set("code", CodeName(r->rejected[i].status.code()));
    o.set("message", std::string(r->rejected[i].status.message()));
    rejected.set(i, o);
  }
  out.set("rejected", rejected);
  return out;
}

// Many events in one call: `input` is a JSON array of events (string or
// UTF-8 bytes).
val TrackBatch(EngineHandle& h, const val& input, double now_ms) {
  return BatchOut(hearth::TrackBatch(h.engine(), BytesIn(input), now_ms));
}

// The same for a batch that js/internal/packed.js wrote into the handle's
// packing buffer (`length` bytes): no JSON on either side.
val TrackPackedBatch(EngineHandle& h, double length, double now_ms) {
  return BatchOut(hearth::TrackPacked(h.engine(), h.Packed(length), now_ms));
}

}  // namespace

// EngineHandle::TrackPacked as a plain wasm export, called by js/internal/
// hearth.js with the handle's address (EngineHandle::Address): numbers in, a
// number out, so track() skips Embind's generic invoker, which allocated per
// call and cost more than the event itself. Conversion only, like the rest.
extern "C" EMSCRIPTEN_KEEPALIVE double hearth_track_packed(double handle, double length, double now_ms) {
  return reinterpret_cast<EngineHandle*>(static_cast<uintptr_t>(handle))->TrackPacked(length, now_ms);
}

EMSCRIPTEN_BINDINGS(hearth_engine) {
  emscripten::class_<EngineHandle>("Engine")
      .constructor<>()
      .function("configure", &EngineHandle::Configure)
      .function("packBuffer", &EngineHandle::PackBuffer)
      .function("trackPacked", &EngineHandle::TrackPacked)
      .function("address", &EngineHandle::Address)
      .function("lastError", &EngineHandle::LastError)
      .function("profile", &EngineHandle::Profile)
      .function("setPreferences", &EngineHandle::SetPreferences)
      .function("addPreference", &EngineHandle::AddPreference)
      .function("forget", &EngineHandle::Forget)
      .function("revision", &EngineHandle::Revision)
      .function("seed", &EngineHandle::Seed);
  emscripten::function("version", &Version);
  emscripten::function("trackBatch", &TrackBatch);
  emscripten::function("trackPackedBatch", &TrackPackedBatch);
  emscripten::function("memoryStats", &MemoryStats);
}

}  // namespace hearth::bindings
