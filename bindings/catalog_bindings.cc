// Embind glue for the catalog: load (upsert or replace) and remove.
#include <emscripten/bind.h>

#include "bindings/engine_handle.h"

namespace hearth::bindings {
namespace {

// {loaded, rejected: [{index, id, field, message}], size} or {error}.
val LoadResultToJs(EngineHandle& h, const absl::StatusOr<LoadResult>& r) {
  if (!r.ok()) return Failure(r.status());
  val out = val::object();
  out.set("loaded", static_cast<double>(r->loaded));
  val rejected = val::array();
  for (size_t i = 0; i < r->rejected.size(); ++i) {
    const ItemReject& x = r->rejected[i];
    val o = val::object();
    o.set("index", static_cast<double>(x.index));
    o.set("id", x.id.empty() ? val::null() : val(x.id));
    o.set("field", x.field.empty() ? val::null() : val(x.field));
    o.set("message", x.message);
    rejected.set(i, o);
  }
  out.set("rejected", rejected);
  out.set("size", static_cast<double>(h.engine().catalog().size()));
  return out;
}

// `input` is a Uint8Array or a string (see BytesIn). The copying path: used
// for documents over the size limit (so the error names it) and by hosts of
// the module that do not write into catalogInput().
val LoadCatalog(EngineHandle& h, const val& input, bool replace) {
  const std::string json = BytesIn(input);
  return LoadResultToJs(h, h.engine().LoadCatalog(json, replace ? LoadMode::kReplace : LoadMode::kUpsert));
}

// The buffer JS writes a catalog document into (EngineHandle::InputBuffer).
val CatalogInput(EngineHandle& h, double n, double keep) { return h.InputBuffer(n, keep); }

// Loads the first `length` bytes of the catalogInput() buffer in place, then
// frees the buffer. Same answer as loadCatalog.
val LoadCatalogInput(EngineHandle& h, double length, bool replace) {
  val out = LoadResultToJs(
      h, h.engine().LoadCatalogPadded(h.Input(length), replace ? LoadMode::kReplace : LoadMode::kUpsert));
  h.ReleaseInput();
  return out;
}

val RemoveItem(EngineHandle& h, const std::string& id) { return ErrorOrNull(h.engine().RemoveItem(id)); }

double CatalogSize(EngineHandle& h) { return static_cast<double>(h.engine().catalog().size()); }

}  // namespace

EMSCRIPTEN_BINDINGS(hearth_catalog) {
  emscripten::function("loadCatalog", &LoadCatalog);
  emscripten::function("catalogInput", &CatalogInput);
  emscripten::function("loadCatalogInput", &LoadCatalogInput);
  emscripten::function("removeItem", &RemoveItem);
  emscripten::function("catalogSize", &CatalogSize);
}

}  // namespace hearth::bindings
