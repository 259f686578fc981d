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
  // An accepted catalog interns new feature ids, which no snapshot restore
  // takes back: these engines are built again after an accepted input.
  static ReusedEngine shop_a(ShopEngine), shop_b(ShopEngine), shop_c(ShopEngine);

  auto ra = LoadShopContent(
      shop_a, [&](hearth::Engine& e) { return e.LoadCatalog(json, hearth::LoadMode::kUpsert); },
      [](const hearth::Engine& e) { return CatalogFingerprint(e.catalog()); });
  if (!ra) return 0;
  hearth::Engine& a = shop_a.Current();  // the accepted state; reset at the next Get()
  HEARTH_FUZZ_CHECK((*ra)->loaded + (*ra)->rejected.size() >= (*ra)->loaded);
  HEARTH_FUZZ_CHECK(a.catalog().size() <= 7 + (*ra)->loaded);
  for (const hearth::Item& it : a.catalog().items()) HEARTH_FUZZ_CHECK(a.catalog().Find(it.id) == &it);

  hearth::Engine& b = shop_b.Get();
  shop_b.Touched();
  auto rb = b.LoadCatalog(json, hearth::LoadMode::kUpsert);
  HEARTH_FUZZ_CHECK(rb.ok());
  HEARTH_FUZZ_CHECK(ResultFingerprint(**ra) == ResultFingerprint(*rb));
  HEARTH_FUZZ_CHECK(CatalogFingerprint(a.catalog()) == CatalogFingerprint(b.catalog()));
  HEARTH_FUZZ_CHECK(PicksFingerprint(a, kNow) == PicksFingerprint(b, kNow));
  CheckSnapshotRoundTrip(a.ExportSnapshot());

  // The same document as a replacement: only its accepted items remain.
  hearth::Engine& c = shop_c.Get();
  shop_c.Touched();
  auto rc = c.LoadCatalog(json, hearth::LoadMode::kReplace);
  HEARTH_FUZZ_CHECK(rc.ok());
  HEARTH_FUZZ_CHECK(ResultFingerprint(**ra) == ResultFingerprint(*rc));
  HEARTH_FUZZ_CHECK(c.catalog().size() <= rc->loaded);
  PicksFingerprint(c, kNow);
  return 0;
}
