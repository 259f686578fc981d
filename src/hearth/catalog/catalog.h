// The item catalog: parsed from JSON with simdjson's on-demand API, validated
// field by field, ids interned to dense indices, features extracted per item.
//
// Example:
//   hearth::FeatureDictionary features;
//   hearth::Catalog catalog(&features);
//   absl::StatusOr<hearth::LoadResult> r = catalog.Load(R"([
//     {"id": "sku-1", "title": "Trail runner", "category": "Shoes > Trail",
//      "tags": ["waterproof"], "brand": "Acme", "price": 89.5, "stock": 3}
//   ])", hearth::LoadMode::kUpsert);
//   // r->loaded == 1, r->rejected is empty
//
// Accepted documents are a JSON array of items or an object {"items": [...]}.
// Structural problems (invalid JSON or UTF-8, truncation, nesting deeper than
// kMaxDepth, trailing content, an empty document) reject the whole document
// and leave the catalog untouched. A well-formed item with a bad field is
// rejected on its own — reported with its index, id and field — and the rest
// load. Unknown fields are ignored so catalogs can carry host data.
//
// Item fields: id (required string), title, category (path as "A > B",
// "A/B" or ["A","B"]), tags (string array), brand, price (finite, >= 0),
// created_at (ms since epoch or ISO-8601), stock (integer >= 0; absent means
// unknown and sellable), popularity (number >= 0, the host's own signal),
// image, url, attributes (object of string or number values).
#ifndef HEARTH_CATALOG_CATALOG_H_
#define HEARTH_CATALOG_CATALOG_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "hearth/catalog/features.h"

namespace hearth {

using ItemIndex = uint32_t;

// Hard limits. Anything larger is rejected with a message naming the limit —
// never truncated.
inline constexpr size_t kMaxItems = 1'000'000;
inline constexpr size_t kMaxDocumentBytes = 256u << 20;
inline constexpr size_t kMaxDepth = 64;
inline constexpr size_t kMaxIdBytes = 256;
inline constexpr size_t kMaxTitleBytes = 1024;
inline constexpr size_t kMaxNameBytes = 128;  // brand, tag, category level
inline constexpr size_t kMaxUrlBytes = 4096;
inline constexpr size_t kMaxCategoryLevels = 8;
inline constexpr size_t kMaxTags = 64;
inline constexpr size_t kMaxAttributes = 64;
inline constexpr size_t kMaxAttributeValueBytes = 1024;
inline constexpr double kMaxPrice = 1e12;
// Readable bytes that LoadPadded needs after the end of the document
// (simdjson's SIMDJSON_PADDING; checked in catalog.cc).
inline constexpr size_t kJsonPadding = 64;

struct Item {
  std::string id;
  std::string title;
  std::vector<std::string> category;  // path levels, as the catalog spells them
  std::vector<std::string> tags;
  std::string brand;
  std::optional<double> price;
  int64_t created_at_ms = 0;  // 0: unknown
  int64_t stock = -1;         // -1: unknown (treated as in stock)
  double popularity = 0;
  std::string image;
  std::string url;
  std::vector<std::pair<std::string, std::string>> attributes;
  std::vector<FeatureId> features;  // sorted, unique

  bool in_stock() const { return stock != 0; }
};

// One rejected item: where it was, which id (if any), which field, and why.
struct ItemReject {
  int64_t index = 0;
  std::string id;
  std::string field;
  std::string message;
};

struct LoadResult {
  size_t loaded = 0;  // items inserted or updated
  std::vector<ItemReject> rejected;
};

enum class LoadMode { kUpsert, kReplace };

class Catalog {
 public:
  // `features` must outlive the catalog; item features are interned there.
  explicit Catalog(FeatureDictionary* features) : features_(features) {}

  // Parses `json` and upserts its items (kUpsert) or replaces the catalog with
  // them (kReplace). On a document-level error the catalog is unchanged.
  absl::StatusOr<LoadResult> Load(std::string_view json, LoadMode mode);

  // Load() for a document whose buffer stays readable for kJsonPadding more
  // bytes after `json.size()` (their values do not matter). Parses in place
  // instead of copying the document into a padded buffer first: the wasm
  // bindings write the caller's bytes straight into such a buffer, so a
  // multi-megabyte catalog is copied once, not twice.
  absl::StatusOr<LoadResult> LoadPadded(std::string_view json, LoadMode mode);

  // Removes the item; NOT_FOUND if absent. Indices of other items may change.
  absl::Status Remove(std::string_view id);
  void Clear();

  std::optional<ItemIndex> IndexOf(std::string_view id) const;
  const Item* Find(std::string_view id) const;
  const Item& item(ItemIndex i) const { return items_[i]; }
  const std::vector<Item>& items() const { return items_; }
  size_t size() const { return items_.size(); }
  const FeatureDictionary& features() const { return *features_; }
  // Bumped by every change, so derived indexes know when to rebuild.
  uint64_t version() const { return version_; }

 private:
  absl::StatusOr<LoadResult> Parse(std::string_view json, bool padded, LoadMode mode);

  FeatureDictionary* features_;
  std::vector<Item> items_;
  absl::flat_hash_map<std::string, ItemIndex> index_;
  uint64_t version_ = 0;
};

// Splits a category path written "A > B" or "A/B" into its levels, trimmed.
// An empty level stays in the result as "" for the caller to reject.
std::vector<std::string> SplitCategoryPath(std::string_view path);

// The feature key of a category path: "cat:" + normalised levels joined by
// '/', e.g. {"Shoes", "Trail"} → "cat:shoes/trail".
std::string CategoryKey(const std::vector<std::string>& levels);

// The price band of a price: 0 for [0, 1), then one band per doubling
// ([1,2) is 1, [2,4) is 2, ...), so "cheap" and "premium" are comparable
// across categories without knowing the currency.
int PriceBand(double price);

}  // namespace hearth

#endif  // HEARTH_CATALOG_CATALOG_H_
