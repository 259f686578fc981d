#include "hearth/engine/config.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "simdjson.h"

namespace hearth {
namespace {

namespace od = simdjson::ondemand;

absl::Status Bad(std::string_view where, std::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("profile option ", where, " ", what));
}

absl::Status ReadNumber(simdjson::simdjson_result<od::value> v, std::string_view where, double* out) {
  if (v.get_double().get(*out) != simdjson::SUCCESS || !std::isfinite(*out)) return Bad(where, "must be a finite number");
  return absl::OkStatus();
}

absl::Status ReadPerType(simdjson::simdjson_result<od::value> v, std::string_view where, std::array<double, kEventTypes>* out) {
  od::object obj;
  if (v.get_object().get(obj) != simdjson::SUCCESS) return Bad(where, "must be an object keyed by event type");
  for (auto f : obj) {
    std::string_view key;
    if (f.unescaped_key().get(key) != simdjson::SUCCESS) return Bad(where, "has an invalid key");
    EventType t;
    if (!ParseEventType(key, &t))
      return Bad(absl::StrCat(where, ".", key), "is not an event type (view, click, add_to_cart, ...)");
    if (auto s = ReadNumber(f.value(), absl::StrCat(where, ".", key), &(*out)[static_cast<int>(t)]); !s.ok())
      return s;
  }
  return absl::OkStatus();
}

absl::Status ReadSegments(simdjson::simdjson_result<od::value> v, SegmentRules* r) {
  od::object obj;
  if (v.get_object().get(obj) != simdjson::SUCCESS) return Bad("segments", "must be an object");
  for (auto f : obj) {
    std::string_view key;
    if (f.unescaped_key().get(key) != simdjson::SUCCESS) return Bad("segments", "has an invalid key");
    double d;
    const std::string where = absl::StrCat("segments.", key);
    if (auto s = ReadNumber(f.value(), where, &d); !s.ok()) return s;
    auto whole = [&](int* out) -> absl::Status {
      if (d != std::floor(d) || d < 0 || d > 100000) return Bad(where, "must be a whole number from 0 to 100000");
      *out = static_cast<int>(d);
      return absl::OkStatus();
    };
    absl::Status s;
    if (key == "disengagedDays") s = whole(&r->disengaged_days);
    else if (key == "lapsedDays") s = whole(&r->lapsed_days);
    else if (key == "dealMinPurchases") s = whole(&r->deal_min_purchases);
    else if (key == "advocateMinPurchases") s = whole(&r->advocate_min_purchases);
    else if (key == "multiMinCategories") s = whole(&r->multi_min_categories);
    else if (key == "dealShare") r->deal_share = d;
    else if (key == "advocateBrandShare") r->advocate_brand_share = d;
    else return Bad(where, "is not a known segment rule");
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<ProfileConfig> ParseProfileConfig(std::string_view json) {
  ProfileConfig config;
  if (json.find_first_not_of(" \t\r\n") == std::string_view::npos) return config;
  simdjson::padded_string padded(json);
  od::parser parser;
  od::document doc;
  od::object obj;
  if (parser.iterate(padded).get(doc) != simdjson::SUCCESS || doc.get_object().get(obj) != simdjson::SUCCESS)
    return absl::InvalidArgumentError("profile options must be a JSON object");
  for (auto f : obj) {
    std::string_view key;
    if (f.unescaped_key().get(key) != simdjson::SUCCESS) return Bad("", "has an invalid key");
    absl::Status s;
    if (key == "halfLifeDays") s = ReadPerType(f.value(), "halfLifeDays", &config.half_life_days);
    else if (key == "weights") s = ReadPerType(f.value(), "weights", &config.weight);
    else if (key == "segments") s = ReadSegments(f.value(), &config.segments);
    else return Bad(key, "is unknown; use halfLifeDays, weights or segments");
    if (!s.ok()) return s;
  }
  if (auto s = ValidateProfileConfig(config); !s.ok()) return s;
  return config;
}

}  // namespace hearth
