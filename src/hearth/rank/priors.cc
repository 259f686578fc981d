#include "hearth/rank/priors.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "hearth/catalog/catalog.h"
#include "hearth/common/json.h"
#include "simdjson.h"

namespace hearth {
namespace {

namespace od = simdjson::ondemand;

constexpr size_t kMaxKeyBytes = 128;

absl::Status Bad(std::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(
      "priors JSON ", what,
      "; expected {\"v\": 1, \"categories\": [{\"key\": \"shoes\", \"share\": 0.2}, …]}; the priors were not changed"));
}

absl::Status BadEntry(size_t index, std::string_view field, std::string_view what) {
  return absl::InvalidArgumentError(
      absl::StrCat("priors categories[", index, "].", field, " ", what, "; the priors were not changed"));
}

// "Shoes", "shoes" or "cat:shoes" → "cat:shoes" (a top-level category only).
absl::StatusOr<std::string> TopCategoryKey(std::string_view raw, size_t index) {
  std::string_view name = raw;
  if (absl::StartsWith(name, "cat:")) name.remove_prefix(4);
  const std::vector<std::string> levels = SplitCategoryPath(name);
  if (levels.size() != 1 || levels[0].empty())
    return BadEntry(index, "key", absl::StrCat("must name one top-level category, got '", raw.substr(0, 40), "'"));
  return CategoryKey(levels);
}

}  // namespace

absl::Status CategoryPriors::Load(std::string_view json) {
  simdjson::padded_string padded(json);
  od::parser parser;
  od::document doc;
  od::object root;
  if (parser.iterate(padded).get(doc) || doc.get_object().get(root)) return Bad("must be an object");
  absl::flat_hash_map<std::string, double> shares;
  std::string period;
  bool have_v = false, have_categories = false;
  double sum = 0;
  for (auto field : root) {
    std::string_view name;
    od::value value;
    if (field.unescaped_key().get(name) || field.value().get(value)) return Bad("is not valid JSON");
    if (name == "v") {
      int64_t v;
      if (value.get_int64().get(v) || v != 1) return Bad("has an unsupported \"v\" (this SDK reads 1)");
      have_v = true;
    } else if (name == "period") {
      std::string_view p;
      if (value.get_string().get(p) || p.size() != 10) return Bad("\"period\" must be a YYYY-MM-DD string");
      period = std::string(p);
    } else if (name == "categories") {
      od::array arr;
      if (value.get_array().get(arr)) return Bad("\"categories\" must be an array");
      size_t index = 0;
      for (auto element : arr) {
        od::object entry;
        if (auto e = element.get_object().get(entry); e)
          return IsValueError(e) ? BadEntry(index, "", "must be an object") : Bad("is not valid JSON");
        if (index == kMaxPriorCategories)
          return absl::ResourceExhaustedError(
              absl::StrCat("priors list more than ", kMaxPriorCategories, " categories; send the largest ones"));
        std::string key;
        double share = -1;
        bool have_key = false, have_share = false;
        for (auto f : entry) {
          std::string_view fname;
          od::value fv;
          if (f.unescaped_key().get(fname) || f.value().get(fv)) return Bad("is not valid JSON");
          if (fname == "key") {
            std::string_view k;
            if (fv.get_string().get(k) || k.empty() || k.size() > kMaxKeyBytes)
              return BadEntry(index, "key", absl::StrCat("must be a non-empty string of at most ", kMaxKeyBytes, " bytes"));
            auto normal = TopCategoryKey(k, index);
            if (!normal.ok()) return normal.status();
            key = *std::move(normal);
            have_key = true;
          } else if (fname == "share") {
            if (fv.get_double().get(share) || !std::isfinite(share) || share < 0 || share > 1)
              return BadEntry(index, "share", "must be a number from 0 to 1");
            have_share = true;
          } else {
            return BadEntry(index, fname.substr(0, 40), "is not a known field (key, share)");
          }
        }
        if (!have_key) return BadEntry(index, "key", "is missing");
        if (!have_share) return BadEntry(index, "share", "is missing");
        if (!shares.emplace(key, share).second) return BadEntry(index, "key", absl::StrCat("repeats '", key, "'"));
        sum += share;
        ++index;
      }
      have_categories = true;
    } else {
      return Bad(absl::StrCat("has an unknown field \"", name.substr(0, 40), "\""));
    }
  }
  const char* rest;
  if (doc.current_location().get(rest) == simdjson::SUCCESS) return Bad("has trailing content");
  if (!have_v) return Bad("is missing \"v\"");
  if (!have_categories) return Bad("is missing \"categories\"");
  if (sum > 1 + 1e-6) return Bad(absl::StrCat("has shares summing to ", sum, ", more than 1"));
  shares_ = std::move(shares);
  period_ = std::move(period);
  max_share_ = 0;
  for (const auto& [k, s] : shares_) max_share_ = std::max(max_share_, s);
  return absl::OkStatus();
}

double CategoryPriors::Share(std::string_view category_key) const {
  auto it = shares_.find(category_key);
  return it == shares_.end() ? 0 : it->second;
}

}  // namespace hearth
