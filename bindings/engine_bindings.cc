// Embind glue for the engine: construction, events, profile and preferences.
// Conversion only — every decision lives in src/hearth/.
#include <emscripten/bind.h>

#include <malloc.h>

#include <memory>

#include "bindings/engine_handle.h"

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

}  // namespace

EMSCRIPTEN_BINDINGS(hearth_engine) {
  emscripten::class_<EngineHandle>("Engine")
      .constructor<>()
      .function("configure", &EngineHandle::Configure)
      .function("track", &EngineHandle::Track)
      .function("lastError", &EngineHandle::LastError)
      .function("profile", &EngineHandle::Profile)
      .function("setPreferences", &EngineHandle::SetPreferences)
      .function("addPreference", &EngineHandle::AddPreference)
      .function("forget", &EngineHandle::Forget)
      .function("revision", &EngineHandle::Revision);
  emscripten::function("version", &Version);
  emscripten::function("memoryStats", &MemoryStats);
}

}  // namespace hearth::bindings
