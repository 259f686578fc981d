// Interned item features: the shared vocabulary of the catalog and profile.
//
// Example:
//   hearth::FeatureDictionary dict;
//   hearth::FeatureId trail = dict.Intern("tag:trail", "Trail");
//   dict.key(trail);    // "tag:trail"
//   dict.label(trail);  // "Trail" — the catalog's own spelling, for reasons
//
// A feature key is "<kind>:<normalised value>", where kind is one of cat, tag,
// brand or price. Keys are stable strings (they are what a snapshot stores and
// what `forget("brand:acme")` names); ids are dense indices valid for the
// lifetime of one dictionary and never reused, so a profile can key its
// affinities by id.
#ifndef HEARTH_CATALOG_FEATURES_H_
#define HEARTH_CATALOG_FEATURES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/types/span.h"

namespace hearth {

using FeatureId = uint32_t;

// The part of a key after "kind:" and, for category paths, after the last '/'.
std::string_view ValueToken(std::string_view key);

enum class FeatureKind : uint8_t { kCategory, kTag, kBrand, kPrice, kOther };

class FeatureDictionary {
 public:
  // Returns the id of `key`, adding it (with `label`) when new. An existing
  // feature keeps its first label.
  FeatureId Intern(std::string_view key, std::string_view label);
  std::optional<FeatureId> Find(std::string_view key) const;

  // Features whose value (the part after "kind:", or the last level of a
  // category path) equals the normalised `token`. Used by search events and
  // explicit preferences ("trail" matches tag:trail and cat:shoes/trail).
  absl::Span<const FeatureId> ByToken(std::string_view token) const;

  const std::string& key(FeatureId id) const { return keys_[id]; }
  // The value token of the key ("cat:shoes/trail" → "trail", "brand:acme" →
  // "acme"): what preferences and search words are matched against.
  std::string_view token(FeatureId id) const { return ValueToken(keys_[id]); }
  // Category path depth: 1 for "cat:shoes", 2 for "cat:shoes/trail"; 0 for
  // other kinds. Kept per feature so ranking never re-parses keys.
  int category_depth(FeatureId id) const { return depths_[id]; }
  const std::string& label(FeatureId id) const { return labels_[id]; }
  FeatureKind kind(FeatureId id) const { return kinds_[id]; }
  size_t size() const { return keys_.size(); }
  void Clear();

 private:
  std::vector<std::string> keys_;
  std::vector<std::string> labels_;
  std::vector<FeatureKind> kinds_;
  std::vector<uint8_t> depths_;
  absl::flat_hash_map<std::string, FeatureId> ids_;
  absl::flat_hash_map<std::string, std::vector<FeatureId>> by_token_;
};

// The kind of a feature key, from its prefix.
FeatureKind KindOfKey(std::string_view key);

}  // namespace hearth

#endif  // HEARTH_CATALOG_FEATURES_H_
