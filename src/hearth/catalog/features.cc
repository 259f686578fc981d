#include "hearth/catalog/features.h"

#include <algorithm>

namespace hearth {

FeatureKind KindOfKey(std::string_view key) {
  if (key.substr(0, 4) == "cat:") return FeatureKind::kCategory;
  if (key.substr(0, 4) == "tag:") return FeatureKind::kTag;
  if (key.substr(0, 6) == "brand:") return FeatureKind::kBrand;
  if (key.substr(0, 6) == "price:") return FeatureKind::kPrice;
  return FeatureKind::kOther;
}

std::string_view ValueToken(std::string_view key) {
  if (size_t colon = key.find(':'); colon != std::string_view::npos) key.remove_prefix(colon + 1);
  if (size_t slash = key.rfind('/'); slash != std::string_view::npos) key.remove_prefix(slash + 1);
  return key;
}

FeatureId FeatureDictionary::Intern(std::string_view key, std::string_view label) {
  auto it = ids_.find(key);
  if (it != ids_.end()) return it->second;
  const auto id = static_cast<FeatureId>(keys_.size());
  keys_.emplace_back(key);
  labels_.emplace_back(label);
  kinds_.push_back(KindOfKey(key));
  ids_.emplace(std::string(key), id);
  const bool category = kinds_.back() == FeatureKind::kCategory;
  depths_.push_back(category ? static_cast<uint8_t>(1 + std::count(key.begin(), key.end(), '/')) : 0);
  // Index the value for token lookups (category paths by their last level).
  const std::string_view value = ValueToken(key);
  if (!value.empty() && kinds_.back() != FeatureKind::kPrice) by_token_[std::string(value)].push_back(id);
  return id;
}

std::optional<FeatureId> FeatureDictionary::Find(std::string_view key) const {
  auto it = ids_.find(key);
  if (it == ids_.end()) return std::nullopt;
  return it->second;
}

absl::Span<const FeatureId> FeatureDictionary::ByToken(std::string_view token) const {
  auto it = by_token_.find(token);
  if (it == by_token_.end()) return {};
  return it->second;
}

void FeatureDictionary::Clear() {
  keys_.clear();
  labels_.clear();
  kinds_.clear();
  depths_.clear();
  ids_.clear();
  by_token_.clear();
}

}  // namespace hearth
