// Catalog JSON (Engine::LoadCatalog, as bindings/catalog_bindings.cc calls
// it) against a shop engine that already holds a catalog and a history.
//
// Asserts: a rejected document changes neither the catalog nor the user's
// snapshot; an accepted one is deterministic (the same document into a
// second identical engine gives the same result, catalog and picks), the
// snapshot still round-trips, and kReplace leaves exactly the accepted items.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz/harness.h"

namespace hearth::fuzz {
namespace {

std::string ResultFingerprint(const LoadResult& r) {
  std::string out = std::to_string(r.loaded) + "\n";
  for (const ItemReject& j : r.rejected)
    out += std::to_string(j.index) + "|" + j.id + "|" + j.field + "|" + j.message + "\n";
  return out;
}

}  // namespace
}  // namespace hearth::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace hearth::fuzz;
  const std::string_view json(reinterpret_cast<const char*>(data), size);

  auto a = ShopEngine();
  const std::string catalog_before = CatalogFingerprint(a->catalog());
  const std::string snapshot_before = a->ExportSnapshot();
  auto ra = a->LoadCatalog(json, hearth::LoadMode::kUpsert);
  if (!ra.ok()) {
    HEARTH_FUZZ_CHECK(CatalogFingerprint(a->catalog()) == catalog_before);
    HEARTH_FUZZ_CHECK(a->ExportSnapshot() == snapshot_before);
    return 0;
  }
  HEARTH_FUZZ_CHECK(ra->loaded + ra->rejected.size() >= ra->loaded);
  HEARTH_FUZZ_CHECK(a->catalog().size() <= 7 + ra->loaded);
  for (const hearth::Item& it : a->catalog().items()) HEARTH_FUZZ_CHECK(a->catalog().Find(it.id) == &it);

  auto b = ShopEngine();
  auto rb = b->LoadCatalog(json, hearth::LoadMode::kUpsert);
  HEARTH_FUZZ_CHECK(rb.ok());
  HEARTH_FUZZ_CHECK(ResultFingerprint(*ra) == ResultFingerprint(*rb));
  HEARTH_FUZZ_CHECK(CatalogFingerprint(a->catalog()) == CatalogFingerprint(b->catalog()));
  HEARTH_FUZZ_CHECK(PicksFingerprint(*a, kNow) == PicksFingerprint(*b, kNow));
  CheckSnapshotRoundTrip(a->ExportSnapshot());

  // The same document as a replacement: only its accepted items remain.
  auto c = ShopEngine();
  auto rc = c->LoadCatalog(json, hearth::LoadMode::kReplace);
  HEARTH_FUZZ_CHECK(rc.ok());
  HEARTH_FUZZ_CHECK(ResultFingerprint(*ra) == ResultFingerprint(*rc));
  HEARTH_FUZZ_CHECK(c->catalog().size() <= rc->loaded);
  PicksFingerprint(*c, kNow);
  return 0;
}
