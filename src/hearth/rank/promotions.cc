#include "hearth/rank/promotions.h"

#include <algorithm>
#include <cmath>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "hearth/common/json.h"
#include "hearth/common/text.h"
#include "simdjson.h"

namespace hearth {
namespace {

namespace od = simdjson::ondemand;

class PromoReader {
 public:
  PromoReader(size_t index, const Catalog& catalog) : index_(index), catalog_(catalog) {}

  absl::Status Read(od::value v, Promotion* p) {
    od::object obj;
    if (v.get_object().get(obj)) return Bad("", "must be an object");
    bool have_discount = false, have_starts = false, have_ends = false;
    for (auto f : obj) {
      std::string_view key;
      if (f.unescaped_key().get(key)) return Bad("", "has an invalid field name");
      od::value fv;
      if (f.value().get(fv)) return Bad(key, "is not valid JSON");
      absl::Status s;
      if (key == "id") s = String(fv, key, kMaxIdBytes, &p->id);
      else if (key == "title") s = String(fv, key, kMaxTitleBytes, &p->title);
      else if (key == "item") s = String(fv, key, kMaxIdBytes, &p->item);
      else if (key == "category") s = Category(fv, key, p);
      else if (key == "discount" || key == "discountPercent") {
        double d;
        s = Number(fv, key, &d);
        const double scale = key == "discount" ? 1 : 100;
        if (s.ok() && !(d > 0 && d < scale))
          s = Bad(key, key == "discount" ? "must be a fraction between 0 and 1 (0.2 is 20% off)"
                                        : "must be between 0 and 100");
        p->discount = d / scale;
        have_discount = true;
      } else if (key == "starts") s = Time(fv, key, &p->starts_ms), have_starts = true;
      else if (key == "ends") s = Time(fv, key, &p->ends_ms), have_ends = true;
      else if (key == "segments") s = Segments(fv, p);
      else if (key == "minPurchases") {
        double d;
        s = Number(fv, key, &d);
        if (s.ok() && (d < 0 || d > 1e6 || d != std::floor(d))) s = Bad(key, "must be a whole number >= 0");
        p->min_purchases = static_cast<int>(d);
      } else if (key == "context") s = Context(fv, p);
      else s = Bad(key, "is not a known promotion field");
      if (!s.ok()) return s;
    }
    if (p->id.empty()) return Bad("id", "is required");
    if (p->item.empty() == p->category_key.empty()) return Bad("item", "or category is required (exactly one)");
    if (!p->item.empty() && catalog_.Find(p->item) == nullptr)
      return Bad("item", absl::StrCat("'", p->item, "' is not in the catalog"));
    if (!have_discount) return Bad("discount", "is required");
    if (!have_starts || !have_ends) return Bad("starts", "and ends are both required");
    if (p->ends_ms <= p->starts_ms) return Bad("ends", "must be after starts");
    return absl::OkStatus();
  }

 private:
  absl::Status Bad(std::string_view field, std::string_view what) {
    return absl::InvalidArgumentError(absl::StrCat("promotion ", index_, field.empty() ? "" : " field ", field, " ",
                                                   what, "; no promotions were changed"));
  }
  absl::Status String(od::value v, std::string_view field, size_t limit, std::string* out) {
    std::string_view s;
    if (v.get_string().get(s)) return Bad(field, "must be a string");
    if (s.size() > limit) return Bad(field, absl::StrCat("is longer than ", limit, " bytes"));
    out->assign(s);
    return absl::OkStatus();
  }
  absl::Status Number(od::value v, std::string_view field, double* out) {
    if (v.get_double().get(*out) || !std::isfinite(*out)) return Bad(field, "must be a finite number");
    return absl::OkStatus();
  }
  absl::Status Time(od::value v, std::string_view field, int64_t* out) {
    od::json_type t;
    if (v.type().get(t)) return Bad(field, "is not valid JSON");
    if (t == od::json_type::number) {
      double d;
      if (auto s = Number(v, field, &d); !s.ok()) return s;
      if (d < 0 || d > 253402300799999.0) return Bad(field, "must be milliseconds since 1970");
      *out = static_cast<int64_t>(d);
      return absl::OkStatus();
    }
    std::string text;
    if (auto s = String(v, field, 64, &text); !s.ok()) return s;
    if (!ParseTimestamp(text, out)) return Bad(field, "must be milliseconds or an ISO-8601 date such as 2026-12-01");
    return absl::OkStatus();
  }
  absl::Status Category(od::value v, std::string_view field, Promotion* p) {
    std::string path;
    if (auto s = String(v, field, 1024, &path); !s.ok()) return s;
    const std::vector<std::string> levels = SplitCategoryPath(path);
    for (const std::string& level : levels)
      if (level.empty()) return Bad(field, "has an empty level");
    const std::string key = CategoryKey(levels);
    if (!catalog_.features().Find(key)) return Bad(field, absl::StrCat("'", path, "' matches no catalog category"));
    p->category_key = key;
    p->category_label = levels.back();
    return absl::OkStatus();
  }
  absl::Status Segments(od::value v, Promotion* p) {
    od::array arr;
    if (v.get_array().get(arr)) return Bad("segments", "must be an array of segment names");
    for (auto e : arr) {
      std::string_view s;
      if (e.get_string().get(s)) return Bad("segments", "must be an array of segment names");
      bool known = false;
      for (int i = 0; i <= static_cast<int>(Segment::kSingleCategoryRegular); ++i)
        known |= SegmentName(static_cast<Segment>(i)) == s;
      if (!known) return Bad("segments", absl::StrCat("has an unknown segment '", s.substr(0, 40), "'"));
      p->segments.emplace_back(s);
    }
    return absl::OkStatus();
  }
  absl::Status Context(od::value v, Promotion* p) {
    od::object obj;
    if (v.get_object().get(obj)) return Bad("context", "must be an object");
    for (auto f : obj) {
      std::string_view key;
      if (f.unescaped_key().get(key)) return Bad("context", "has an invalid field name");
      od::value fv;
      if (f.value().get(fv)) return Bad("context", "is not valid JSON");
      const std::string where = absl::StrCat("context.", key);
      if (key == "hours") {
        od::array arr;
        std::vector<double> h;
        if (fv.get_array().get(arr)) return Bad(where, "must be [from, to] hours");
        for (auto e : arr) {
          double d;
          if (e.get_double().get(d)) return Bad(where, "must be [from, to] hours");
          h.push_back(d);
        }
        if (h.size() != 2 || h[0] < 0 || h[0] > 23 || h[1] < 0 || h[1] > 24 || h[0] != std::floor(h[0]) ||
            h[1] != std::floor(h[1]) || h[0] == h[1])
          return Bad(where, "must be two different whole hours, from 0–23 to 0–24");
        p->hours = std::make_pair(static_cast<int>(h[0]), static_cast<int>(h[1]));
      } else if (key == "weekdays") {
        od::array arr;
        if (fv.get_array().get(arr)) return Bad(where, "must be an array of 1 (Monday) … 7 (Sunday)");
        for (auto e : arr) {
          double d;
          if (e.get_double().get(d) || d < 1 || d > 7 || d != std::floor(d))
            return Bad(where, "must be an array of 1 (Monday) … 7 (Sunday)");
          p->weekdays.push_back(static_cast<int>(d));
        }
      } else if (key == "weather") {
        od::array arr;
        if (fv.get_array().get(arr)) return Bad(where, "must be an array of words such as \"rain\"");
        for (auto e : arr) {
          std::string_view s;
          if (e.get_string().get(s) || NormalizeKey(s).empty()) return Bad(where, "must be an array of words");
          p->weather.push_back(NormalizeKey(s));
        }
      } else if (key == "maxDistanceKm") {
        double d;
        if (auto s = Number(fv, where, &d); !s.ok()) return s;
        if (d <= 0) return Bad(where, "must be a positive distance");
        p->max_distance_km = d;
      } else if (key == "inStockOnly") {
        if (fv.get_bool().get(p->in_stock_only)) return Bad(where, "must be true or false");
      } else {
        return Bad(where, "is unknown; use hours, weekdays, weather, maxDistanceKm or inStockOnly");
      }
    }
    return absl::OkStatus();
  }

  size_t index_;
  const Catalog& catalog_;
};

bool Eligible(const Promotion& p, const Profile& profile, Segment segment, const DealContext& ctx, int64_t now) {
  if (now < p.starts_ms || now >= p.ends_ms) return false;
  if (!p.segments.empty() &&
      std::find(p.segments.begin(), p.segments.end(), SegmentName(segment)) == p.segments.end())
    return false;
  if (profile.purchases().count < static_cast<uint64_t>(p.min_purchases)) return false;
  if (p.hours) {
    if (!ctx.hour) return false;
    const auto [from, to] = *p.hours;
    const bool inside = from < to ? (*ctx.hour >= from && *ctx.hour < to) : (*ctx.hour >= from || *ctx.hour < to);
    if (!inside) return false;
  }
  if (!p.weekdays.empty() &&
      (!ctx.weekday || std::find(p.weekdays.begin(), p.weekdays.end(), *ctx.weekday) == p.weekdays.end()))
    return false;
  if (!p.weather.empty() &&
      (ctx.weather.empty() || std::find(p.weather.begin(), p.weather.end(), NormalizeKey(ctx.weather)) == p.weather.end()))
    return false;
  if (p.max_distance_km && (!ctx.distance_km || *ctx.distance_km > *p.max_distance_km)) return false;
  return true;
}

std::string DealReason(const Promotion& p, const Item& item, const DealContext& ctx, bool relevant,
                       const std::string& interest) {
  const int percent = static_cast<int>(std::lround(p.discount * 100));
  std::string what = p.category_key.empty() ? (item.title.empty() ? item.id : item.title) : p.category_label;
  std::string reason = absl::StrCat(percent, "% off ", what);
  if (!p.weather.empty() && !ctx.weather.empty()) reason = absl::StrCat(ctx.weather, " day deal: ", reason);
  else if (p.max_distance_km) absl::StrAppend(&reason, " — you're near the store");
  if (relevant && !interest.empty()) absl::StrAppend(&reason, ", matching your interest in ", interest);
  if (!reason.empty()) reason[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(reason[0])));
  return reason;
}

}  // namespace

absl::Status Promotions::Load(std::string_view json, const Catalog& catalog) {
  simdjson::padded_string padded(json);
  od::parser parser;
  od::document doc;
  od::array arr;
  auto bad = [](std::string_view what) {
    return absl::InvalidArgumentError(
        absl::StrCat("promotions JSON ", what, "; pass [...] or {\"promotions\": [...]}; no promotions were changed"));
  };
  if (parser.iterate(padded).get(doc)) return bad("is not valid JSON");
  bool top_is_array = false;
  if (const std::string what = OpenDocumentList(doc, "promotions", &arr, &top_is_array); !what.empty()) return bad(what);
  std::vector<Promotion> loaded;
  absl::flat_hash_set<std::string> ids;
  for (auto e : arr) {
    od::value v;
    if (e.get(v)) return bad("is not valid JSON");
    if (loaded.size() == kMaxPromotions) return absl::ResourceExhaustedError(absl::StrCat("at most ", kMaxPromotions, " promotions"));
    Promotion p;
    if (auto s = PromoReader(loaded.size(), catalog).Read(v, &p); !s.ok()) return s;
    if (!ids.insert(p.id).second)
      return absl::InvalidArgumentError(absl::StrCat("promotion ", loaded.size(), " repeats the id '", p.id, "'"));
    loaded.push_back(std::move(p));
  }
  const char* rest;
  if (top_is_array && doc.current_location().get(rest) == simdjson::SUCCESS)
    return bad("has trailing content");
  promotions_ = std::move(loaded);
  return absl::OkStatus();
}

absl::StatusOr<std::vector<Deal>> RecommendDeals(const Catalog& catalog, const Profile& profile,
                                                 const Promotions& promotions, const DealContext& ctx,
                                                 int64_t now_ms, int count, const std::vector<std::string>& exclude,
                                                 const RankState& state, const std::vector<Promotion>* extra) {
  if (count < 1) return absl::InvalidArgumentError(absl::StrCat("count must be at least 1, got ", count));
  count = std::min(count, kMaxCount);
  if (ctx.hour && (*ctx.hour < 0 || *ctx.hour > 23))
    return absl::InvalidArgumentError("context.hour must be 0–23");
  if (ctx.weekday && (*ctx.weekday < 1 || *ctx.weekday > 7))
    return absl::InvalidArgumentError("context.weekday must be 1 (Monday) … 7 (Sunday)");
  if (ctx.distance_km && !(*ctx.distance_km >= 0)) return absl::InvalidArgumentError("context.distanceKm must be >= 0");

  const FeatureDictionary& dict = catalog.features();
  const Segment segment = profile.segment(now_ms);
  const auto interests = profile.TopInterests(now_ms, 64, &dict);
  const double top = interests.empty() ? 1 : interests[0].second;
  absl::flat_hash_map<FeatureId, double> affinity;
  for (const auto& [f, w] : interests) affinity.emplace(f, w / top);
  absl::flat_hash_set<std::string_view> excluded(exclude.begin(), exclude.end());

  auto sellable = [&](const Item& item, const Promotion& p) {
    if (p.in_stock_only && !item.in_stock()) return false;
    if (excluded.contains(item.id) || state.purchased_set.contains(item.id)) return false;
    if (auto it = state.impressions.find(item.id); it != state.impressions.end() && it->second.rest_until_ms > now_ms)
      return false;
    return true;
  };
  auto relevance = [&](const Item& item, std::string* interest) {
    double r = 0, best = 0;
    for (FeatureId f : item.features) {
      auto it = affinity.find(f);
      if (it == affinity.end() || it->second <= 0) continue;
      r += it->second;
      if (it->second > best && dict.kind(f) != FeatureKind::kPrice) best = it->second, *interest = dict.label(f);
    }
    return item.features.empty() ? 0 : r / std::sqrt(static_cast<double>(item.features.size()));
  };

  std::vector<const Promotion*> all;
  all.reserve(promotions.all().size() + (extra ? extra->size() : 0));
  for (const Promotion& p : promotions.all()) all.push_back(&p);
  if (extra)
    for (const Promotion& p : *extra) all.push_back(&p);

  // Best item per eligible promotion.
  absl::flat_hash_map<FeatureId, std::vector<size_t>> by_category;
  std::vector<Deal> deals;
  std::vector<std::pair<double, ItemIndex>> best(all.size(), {-1, 0});
  for (size_t i = 0; i < all.size(); ++i) {
    const Promotion& p = *all[i];
    if (!Eligible(p, profile, segment, ctx, now_ms)) continue;
    if (!p.item.empty()) {
      auto index = catalog.IndexOf(p.item);
      if (index && sellable(catalog.item(*index), p)) {
        std::string unused;
        best[i] = {relevance(catalog.item(*index), &unused), *index};
      }
    } else if (auto f = dict.Find(p.category_key)) {
      by_category[*f].push_back(i);
    }
  }
  if (!by_category.empty()) {
    for (ItemIndex i = 0; i < catalog.size(); ++i) {
      const Item& item = catalog.item(i);
      for (FeatureId f : item.features) {
        auto it = by_category.find(f);
        if (it == by_category.end()) continue;
        std::string unused;
        const double r = relevance(item, &unused);
        for (size_t promo : it->second) {
          if (!sellable(item, *all[promo])) continue;
          // Ties go to the more popular item, then the smaller id.
          auto& b = best[promo];
          const Item* cur = b.first >= 0 ? &catalog.item(b.second) : nullptr;
          if (!cur || r > b.first ||
              (r == b.first && (item.popularity > cur->popularity ||
                                (item.popularity == cur->popularity && item.id < cur->id))))
            b = {r, i};
        }
      }
    }
  }
  for (size_t i = 0; i < best.size(); ++i) {
    if (best[i].first < 0) continue;
    const Promotion& p = *all[i];
    const Item& item = catalog.item(best[i].second);
    std::string interest;
    const double r = relevance(item, &interest);
    Deal d;
    d.promotion = p.id;
    d.discount = p.discount;
    d.pick.item = item.id;
    d.pick.score = 0.6 * r + 0.4 * p.discount;
    d.pick.reason = DealReason(p, item, ctx, r > 0.1, interest);
    d.pick.propensity = 1;  // deterministic ranking: no exploration in deals
    d.pick.arm = "deals";
    deals.push_back(std::move(d));
  }
  std::sort(deals.begin(), deals.end(), [](const Deal& a, const Deal& b) {
    return a.pick.score != b.pick.score ? a.pick.score > b.pick.score : a.promotion < b.promotion;
  });
  std::vector<Deal> out;
  absl::flat_hash_set<std::string> shown;
  for (Deal& d : deals) {
    if (out.size() == static_cast<size_t>(count)) break;
    if (!shown.insert(d.pick.item).second) continue;  // one card per item
    out.push_back(std::move(d));
  }
  return out;
}

}  // namespace hearth
