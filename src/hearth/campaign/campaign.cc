#include "hearth/campaign/campaign.h"

#include <algorithm>
#include <cmath>
#include <tuple>

#include "absl/container/flat_hash_set.h"
#include "absl/functional/function_ref.h"
#include "absl/strings/str_cat.h"
#include "hearth/common/hash.h"
#include "hearth/common/json.h"
#include "hearth/common/text.h"
#include "simdjson.h"

namespace hearth {
namespace {

namespace od = simdjson::ondemand;

constexpr int64_t kHourMs = 3'600'000;
constexpr double kMaxWindowHours = 24 * 90;
constexpr double kMaxCap = 1e6;
constexpr int64_t kMaxTimeMs = 253402300799999LL;

bool HourInside(int hour, std::pair<int, int> range) {
  const auto [from, to] = range;
  return from < to ? (hour >= from && hour < to) : (hour >= from || hour < to);
}

bool InRange(double v, const std::optional<Range>& r) { return !r || (v >= r->min && v <= r->max); }

bool GoalMatches(CampaignGoal goal, EventType type) {
  switch (goal) {
    case CampaignGoal::kPurchase: return type == EventType::kPurchase;
    case CampaignGoal::kAddToCart: return type == EventType::kAddToCart;
    case CampaignGoal::kClick: return type == EventType::kClick;
    case CampaignGoal::kVisit: return type != EventType::kDismiss;  // the user came back and did something
  }
  return false;
}

// splitmix64's finaliser: spreads FNV's low-entropy high bits over the word.
uint64_t Mix(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

// The reader runs once per load. simdjson's accessors are always-inline, so
// every call site expands them: all object and array walks go through
// Fields()/Elements() and all scalars through String()/Number(), kept out of
// line, which keeps this file's share of the wasm small.
#define HEARTH_COLD __attribute__((noinline))

class CampaignReader {
 public:
  CampaignReader(size_t index, const Catalog& catalog) : index_(index), catalog_(catalog) {}

  absl::Status Read(od::value v, Campaign* c) {
    c_ = c;
    bool have_cap = false, have_action = false;
    absl::flat_hash_set<std::string> seen;
    auto s = Fields(v, "", "must be an object", [&](std::string_view key, od::value fv) -> absl::Status {
      if (!seen.insert(std::string(key.substr(0, 64))).second) return Bad(key.substr(0, 64), "is repeated");
      if (key == "id") return String(fv, key, &c->id);
      if (key == "name") return String(fv, key, &c->name);
      if (key == "starts") return Time(fv, key, &c->starts_ms);
      if (key == "ends") return Time(fv, key, &c->ends_ms);
      if (key == "audience") return Audience(fv);
      if (key == "trigger") return Trigger(fv);
      if (key == "action") return have_action = true, Action(fv);
      if (key == "cap") return have_cap = true, Cap(fv);
      if (key == "quietHours") {
        std::pair<int, int> h;
        auto st = Hours(fv, key, &h);
        c->quiet_hours = h;
        return st;
      }
      if (key == "holdout") {
        if (auto st = Number(fv, key, &c->holdout); !st.ok()) return st;
        if (!(c->holdout >= 0 && c->holdout <= kMaxHoldout))
          return Bad(key, "must be a share from 0 to 0.5 (0.1 keeps 10% of devices out to measure lift)");
        return absl::OkStatus();
      }
      if (key == "goal") return Goal(fv);
      return Bad(key, "is not a known campaign field (id, name, starts, ends, audience, trigger, action, cap, "
                      "quietHours, holdout, goal)");
    });
    if (!s.ok()) return s;
    if (c->id.empty()) return Bad("id", "is required");
    if (c->name.empty()) c->name = c->id;
    if (c->ends_ms <= c->starts_ms) return Bad("ends", "must be after starts");
    if (!have_action) return Bad("action", "is required");
    if (!have_cap || (c->cap_per_day == 0 && c->cap_lifetime == 0))
      return Bad("cap", "is required: set perDay and/or lifetime so the campaign cannot annoy");
    if (c->action.is_mystery() && c->minor.value_or(false))
      return Bad("action", "is a mystery reward, which may not target minors (audience.minor is true)");
    if (c->quiet_hours && c->hours) {
      bool any_open = false;
      for (int h = 0; h < 24; ++h) any_open |= HourInside(h, *c->hours) && !HourInside(h, *c->quiet_hours);
      if (!any_open) return Bad("quietHours", "cover every hour of trigger.context.hours; the campaign could never run");
    }
    if (c->trigger_event && c->cancel_on && *c->trigger_event == *c->cancel_on)
      return Bad("trigger.cancelOn", "is the trigger event itself; the campaign could never run");
    return absl::OkStatus();
  }

 private:
  using FieldFn = absl::FunctionRef<absl::Status(std::string_view key, od::value v)>;
  using ElementFn = absl::FunctionRef<absl::Status(od::value v)>;

  HEARTH_COLD absl::Status Bad(std::string_view field, std::string_view what) {
    return absl::InvalidArgumentError(absl::StrCat(
        "campaign ", index_, c_ && !c_->id.empty() ? absl::StrCat(" ('", c_->id, "')") : "",
        field.empty() ? "" : " field ", field, " ", what, "; no campaigns were changed"));
  }
  HEARTH_COLD absl::Status Fields(od::value v, std::string_view field, std::string_view what, FieldFn fn) {
    od::object obj;
    if (v.get_object().get(obj)) return Bad(field, what);
    for (auto f : obj) {
      std::string_view key;
      od::value fv;
      if (f.unescaped_key().get(key) || f.value().get(fv)) return Bad(field, "is not valid JSON");
      if (auto s = fn(key, fv); !s.ok()) return s;
    }
    return absl::OkStatus();
  }
  HEARTH_COLD absl::Status Elements(od::value v, std::string_view field, std::string_view what, ElementFn fn) {
    od::array arr;
    if (v.get_array().get(arr)) return Bad(field, what);
    for (auto e : arr) {
      od::value ev;
      if (e.get(ev)) return Bad(field, what);
      if (auto s = fn(ev); !s.ok()) return s;
    }
    return absl::OkStatus();
  }
  HEARTH_COLD absl::Status String(od::value v, std::string_view field, std::string* out,
                                  size_t limit = kMaxCampaignStringBytes) {
    std::string_view s;
    if (v.get_string().get(s)) return Bad(field, "must be a string");
    if (s.size() > limit) return Bad(field, absl::StrCat("is longer than ", limit, " bytes"));
    out->assign(s);
    return absl::OkStatus();
  }
  HEARTH_COLD absl::Status Number(od::value v, std::string_view field, double* out) {
    if (v.get_double().get(*out) || !std::isfinite(*out)) return Bad(field, "must be a finite number");
    return absl::OkStatus();
  }
  HEARTH_COLD absl::Status Bool(od::value v, std::string_view field, bool* out) {
    if (v.get_bool().get(*out)) return Bad(field, "must be true or false");
    return absl::OkStatus();
  }
  absl::Status Whole(od::value v, std::string_view field, double lo, double hi, double* out) {
    if (auto s = Number(v, field, out); !s.ok()) return s;
    if (*out < lo || *out > hi || *out != std::floor(*out))
      return Bad(field, absl::StrCat("must be a whole number from ", lo, " to ", hi));
    return absl::OkStatus();
  }
  absl::Status Time(od::value v, std::string_view field, int64_t* out) {
    double d;
    if (Number(v, field, &d).ok()) {
      if (d < 0 || d > static_cast<double>(kMaxTimeMs)) return Bad(field, "must be milliseconds since 1970");
      *out = static_cast<int64_t>(d);
      return absl::OkStatus();
    }
    std::string text;
    if (!String(v, field, &text, 64).ok() || !ParseTimestamp(text, out))
      return Bad(field, "must be milliseconds or an ISO-8601 date such as 2026-12-01");
    return absl::OkStatus();
  }
  // Up to `max` finite numbers into `out`; more, or a non-number, is an error.
  absl::Status Numbers(od::value v, std::string_view field, std::string_view what, size_t max,
                       std::vector<double>* out) {
    return Elements(v, field, what, [&](od::value e) -> absl::Status {
      double d;
      if (out->size() == max || !Number(e, field, &d).ok()) return Bad(field, what);
      out->push_back(d);
      return absl::OkStatus();
    });
  }
  absl::Status Hours(od::value v, std::string_view field, std::pair<int, int>* out) {
    std::vector<double> h;
    if (auto s = Numbers(v, field, "must be [from, to] hours", 2, &h); !s.ok()) return s;
    if (h.size() != 2 || !(h[0] >= 0 && h[0] <= 23) || !(h[1] >= 0 && h[1] <= 24) || h[0] != std::floor(h[0]) ||
        h[1] != std::floor(h[1]) || h[0] == h[1] || (h[0] == 0 && h[1] == 24))
      return Bad(field, "must be two different whole hours [from 0–23, to 0–24) that leave some hours out, "
                        "e.g. [22, 8] wraps past midnight");
    *out = {static_cast<int>(h[0]), static_cast<int>(h[1])};
    return absl::OkStatus();
  }
  absl::Status StringList(od::value v, std::string_view field, std::vector<std::string>* out, bool normalize) {
    return Elements(v, field, "must be an array of strings", [&](od::value e) -> absl::Status {
      std::string s;
      if (!String(e, field, &s, 1 << 20).ok()) return Bad(field, "must be an array of strings");
      if (out->size() == kMaxCampaignListEntries)
        return Bad(field, absl::StrCat("has more than ", kMaxCampaignListEntries, " entries"));
      if (s.empty() || s.size() > kMaxCampaignStringBytes)
        return Bad(field, absl::StrCat("entries must be 1 to ", kMaxCampaignStringBytes, " bytes"));
      out->push_back(normalize ? NormalizeKey(s) : std::move(s));
      return absl::OkStatus();
    });
  }
  absl::Status RangeOf(od::value v, std::string_view field, std::optional<Range>* out) {
    std::vector<double> r;
    if (auto s = Numbers(v, field, "must be [min, max]", 2, &r); !s.ok()) return s;
    if (r.size() != 2 || r[0] < 0 || r[0] > r[1]) return Bad(field, "must be [min, max] with 0 <= min <= max");
    *out = Range{r[0], r[1]};
    return absl::OkStatus();
  }
  absl::Status EventTypeOf(od::value v, std::string_view field, std::optional<EventType>* out) {
    std::string name;
    if (auto s = String(v, field, &name, 64); !s.ok()) return s;
    EventType t;
    if (!ParseEventType(name, &t))
      return Bad(field, "must be view, click, add_to_cart, purchase, search, dwell or dismiss");
    *out = t;
    return absl::OkStatus();
  }
  absl::Status CategoryOf(od::value v, std::string_view field, std::string* label, std::string* key) {
    if (auto s = String(v, field, label, 1024); !s.ok()) return s;
    const std::vector<std::string> levels = SplitCategoryPath(*label);
    if (levels.empty()) return Bad(field, "is empty");
    for (const std::string& level : levels)
      if (level.empty()) return Bad(field, "has an empty level");
    *key = CategoryKey(levels);
    return absl::OkStatus();
  }

  absl::Status Audience(od::value v) {
    return Fields(v, "audience", "must be an object", [&](std::string_view key, od::value fv) -> absl::Status {
      const std::string where = absl::StrCat("audience.", key);
      if (key == "segments") {
        if (auto s = StringList(fv, where, &c_->segments, false); !s.ok()) return s;
        for (const std::string& name : c_->segments) {
          bool known = false;
          for (int i = 0; i <= static_cast<int>(Segment::kSingleCategoryRegular); ++i)
            known |= SegmentName(static_cast<Segment>(i)) == name;
          if (!known) return Bad(where, absl::StrCat("has an unknown segment '", name.substr(0, 40), "'"));
        }
        return absl::OkStatus();
      }
      if (key == "rfm") {
        return Fields(fv, where, "must be an object", [&](std::string_view k, od::value gv) -> absl::Status {
          const std::string w = absl::StrCat(where, ".", k);
          if (k == "recencyDays") return RangeOf(gv, w, &c_->recency_days);
          if (k == "frequency") return RangeOf(gv, w, &c_->frequency);
          if (k == "monetary") return RangeOf(gv, w, &c_->monetary);
          return Bad(w, "is unknown; use recencyDays, frequency or monetary");
        });
      }
      if (key == "interests") {
        if (auto s = StringList(fv, where, &c_->interests, false); !s.ok()) return s;
        for (const std::string& k : c_->interests)
          if (k.find(':') == std::string::npos)
            return Bad(where, absl::StrCat("'", k.substr(0, 40), "' is not a feature key such as cat:camping or brand:acme"));
        return absl::OkStatus();
      }
      if (key == "minor") {
        bool b;
        if (auto s = Bool(fv, where, &b); !s.ok()) return s;
        c_->minor = b;
        return absl::OkStatus();
      }
      return Bad(where, "is unknown; use segments, rfm, interests or minor");
    });
  }

  absl::Status Trigger(od::value v) {
    bool have_window = false;
    auto s = Fields(v, "trigger", "must be an object", [&](std::string_view key, od::value fv) -> absl::Status {
      const std::string where = absl::StrCat("trigger.", key);
      if (key == "event") return EventTypeOf(fv, where, &c_->trigger_event);
      if (key == "cancelOn") return EventTypeOf(fv, where, &c_->cancel_on);
      if (key == "item") return String(fv, where, &c_->trigger_item, kMaxIdBytes);
      if (key == "category") {
        std::string label;
        return CategoryOf(fv, where, &label, &c_->trigger_category_key);
      }
      if (key == "withinHours") {
        double h;
        if (auto st = Number(fv, where, &h); !st.ok()) return st;
        if (!(h > 0 && h <= kMaxWindowHours)) return Bad(where, "must be more than 0 and at most 2160 (90 days)");
        c_->trigger_window_ms = static_cast<int64_t>(h * kHourMs);
        have_window = true;
        return absl::OkStatus();
      }
      if (key == "context") return Context(fv);
      return Bad(where, "is unknown; use event, item, category, withinHours, cancelOn or context");
    });
    if (!s.ok()) return s;
    if (!c_->trigger_event && (!c_->trigger_item.empty() || !c_->trigger_category_key.empty() || have_window ||
                               c_->cancel_on))
      return Bad("trigger.event", "is required with item, category, withinHours or cancelOn");
    if (!c_->trigger_item.empty() && !c_->trigger_category_key.empty())
      return Bad("trigger.item", "and trigger.category exclude each other");
    return absl::OkStatus();
  }

  absl::Status Context(od::value v) {
    return Fields(v, "trigger.context", "must be an object", [&](std::string_view key, od::value fv) -> absl::Status {
      const std::string where = absl::StrCat("trigger.context.", key);
      if (key == "hours") {
        std::pair<int, int> h;
        auto s = Hours(fv, where, &h);
        c_->hours = h;
        return s;
      }
      if (key == "weekdays") {
        constexpr std::string_view kWhat = "must be an array of 1 (Monday) … 7 (Sunday)";
        std::vector<double> days;
        if (auto s = Numbers(fv, where, kWhat, 7, &days); !s.ok()) return s;
        for (double d : days) {
          if (d < 1 || d > 7 || d != std::floor(d)) return Bad(where, kWhat);
          c_->weekdays.push_back(static_cast<int>(d));
        }
        return absl::OkStatus();
      }
      if (key == "weather") return StringList(fv, where, &c_->weather, true);
      if (key == "maxDistanceKm") {
        double d;
        if (auto s = Number(fv, where, &d); !s.ok()) return s;
        if (!(d > 0)) return Bad(where, "must be a positive distance");
        c_->max_distance_km = d;
        return absl::OkStatus();
      }
      if (key == "available") {
        return Fields(fv, where, "must be an object of key: minimum count, e.g. {\"pickup-today\": 1}",
                      [&](std::string_view k, od::value gv) -> absl::Status {
                        if (k.empty() || k.size() > kMaxCampaignStringBytes) return Bad(where, "keys must be 1 to 256 bytes");
                        const std::string w = absl::StrCat(where, ".", k);
                        double n;
                        if (auto s = Number(gv, w, &n); !s.ok()) return s;
                        if (n < 0) return Bad(w, "must be a count >= 0");
                        if (c_->available.size() == kMaxCampaignListEntries) return Bad(where, "has too many keys");
                        c_->available.emplace_back(std::string(k), n);
                        return absl::OkStatus();
                      });
      }
      return Bad(where, "is unknown; use hours, weekdays, weather, maxDistanceKm or available");
    });
  }

  absl::Status Action(od::value v) {
    CampaignAction& a = c_->action;
    std::string type;
    bool have_discount = false, have_type = false;
    auto s = Fields(v, "action", "must be an object", [&](std::string_view key, od::value fv) -> absl::Status {
      const std::string where = absl::StrCat("action.", key);
      if (key == "type") return have_type = true, String(fv, where, &type, 16);
      if (key == "promotion") return String(fv, where, &a.promotion, kMaxIdBytes);
      if (key == "item") return String(fv, where, &a.item, kMaxIdBytes);
      if (key == "category") return CategoryOf(fv, where, &a.category, &a.category_key);
      if (key == "discount" || key == "discountPercent") {
        double d;
        if (auto st = Number(fv, where, &d); !st.ok()) return st;
        const double scale = key == "discount" ? 1 : 100;
        if (!(d > 0 && d < scale))
          return Bad(where, key == "discount" ? "must be a fraction between 0 and 1 (0.2 is 20% off)"
                                              : "must be between 0 and 100");
        a.discount = d / scale;
        have_discount = true;
        return absl::OkStatus();
      }
      if (key == "widget") return String(fv, where, &a.widget, 64);
      if (key == "params") return Params(fv);
      if (key == "slot") return String(fv, where, &a.slot, 64);
      if (key == "items") return StringList(fv, where, &a.items, false);
      if (key == "mystery") return String(fv, where, &a.mystery, kMaxIdBytes);
      return Bad(where, "is unknown; use type, promotion, item, category, discount, widget, params, slot, items or mystery");
    });
    if (!s.ok()) return s;
    if (!have_type) return Bad("action.type", "is required: deal, widget, content or mystery");
    auto only = [&](std::initializer_list<bool> present, std::string_view what) -> absl::Status {
      for (bool p : present)
        if (p) return Bad("action", absl::StrCat("has fields that a '", type, "' action does not take; ", what));
      return absl::OkStatus();
    };
    if (type == "deal") {
      a.type = CampaignActionType::kDeal;
      if (auto st = only({!a.widget.empty(), !a.params.empty(), !a.slot.empty(), !a.items.empty(), !a.mystery.empty()},
                         "a deal takes promotion, or item or category with discount");
          !st.ok())
        return st;
      const int targets = !a.promotion.empty() + !a.item.empty() + !a.category.empty();
      if (targets != 1) return Bad("action", "of type deal needs exactly one of promotion, item or category");
      if (!a.promotion.empty() && have_discount)
        return Bad("action.discount", "comes from the promotion; leave it out or use item/category instead");
      if (a.promotion.empty() && !have_discount) return Bad("action.discount", "is required for an item or category deal");
      if (!a.item.empty() && catalog_.Find(a.item) == nullptr)
        return Bad("action.item", absl::StrCat("'", a.item.substr(0, 64), "' is not in the catalog"));
      if (!a.category_key.empty() && !catalog_.features().Find(a.category_key))
        return Bad("action.category", absl::StrCat("'", a.category.substr(0, 64), "' matches no catalog category"));
    } else if (type == "widget") {
      a.type = CampaignActionType::kWidget;
      if (auto st = only({!a.promotion.empty(), !a.item.empty(), !a.category.empty(), have_discount, !a.slot.empty(),
                          !a.items.empty(), !a.mystery.empty()},
                         "a widget takes widget and params");
          !st.ok())
        return st;
      if (a.widget.empty()) return Bad("action.widget", "is required (a widget name such as hearth-stamp-card)");
    } else if (type == "content") {
      a.type = CampaignActionType::kContent;
      if (auto st = only({!a.promotion.empty(), !a.item.empty(), have_discount, !a.widget.empty(), !a.params.empty(),
                          !a.mystery.empty()},
                         "content takes slot and items or category");
          !st.ok())
        return st;
      if (a.items.empty() == a.category.empty()) return Bad("action", "of type content needs items or category (one)");
    } else if (type == "mystery") {
      a.type = CampaignActionType::kMystery;
      if (auto st = only({!a.promotion.empty(), !a.item.empty(), !a.category.empty(), have_discount, !a.widget.empty(),
                          !a.params.empty(), !a.slot.empty(), !a.items.empty()},
                         "a mystery action takes mystery (the id of a game mystery reward)");
          !st.ok())
        return st;
      if (a.mystery.empty()) return Bad("action.mystery", "is required (the id of a game mystery reward)");
    } else {
      return Bad("action.type", absl::StrCat("'", type, "' is not deal, widget, content or mystery"));
    }
    return absl::OkStatus();
  }

  absl::Status Params(od::value v) {
    absl::flat_hash_set<std::string> seen;
    return Fields(v, "action.params", "must be an object of strings, numbers and booleans",
                  [&](std::string_view key, od::value fv) -> absl::Status {
                    const std::string where = absl::StrCat("action.params.", key.substr(0, 64));
                    if (key.empty() || key.size() > 64) return Bad("action.params", "keys must be 1 to 64 bytes");
                    if (c_->action.params.size() == kMaxCampaignListEntries)
                      return Bad("action.params", "has too many keys");
                    if (!seen.insert(std::string(key)).second) return Bad(where, "is repeated");
                    WidgetParam p;
                    p.key = std::string(key);
                    if (String(fv, where, &p.text, 1024).ok()) p.kind = WidgetParam::Kind::kString;
                    else if (Number(fv, where, &p.number).ok()) p.kind = WidgetParam::Kind::kNumber;
                    else if (Bool(fv, where, &p.flag).ok()) p.kind = WidgetParam::Kind::kBool;
                    else return Bad(where, "must be a string, number or boolean (params are flat: no objects, arrays or null)");
                    c_->action.params.push_back(std::move(p));
                    return absl::OkStatus();
                  });
  }

  absl::Status Cap(od::value v) {
    return Fields(v, "cap", "must be an object such as {\"perDay\": 1, \"lifetime\": 5}",
                  [&](std::string_view key, od::value fv) -> absl::Status {
                    const std::string where = absl::StrCat("cap.", key);
                    double d;
                    if (key == "perDay") {
                      auto s = Whole(fv, where, 1, 1000, &d);
                      c_->cap_per_day = s.ok() ? static_cast<int>(d) : 0;
                      return s;
                    }
                    if (key == "lifetime") {
                      auto s = Whole(fv, where, 1, kMaxCap, &d);
                      c_->cap_lifetime = s.ok() ? static_cast<int>(d) : 0;
                      return s;
                    }
                    return Bad(where, "is unknown; use perDay and lifetime");
                  });
  }

  absl::Status Goal(od::value v) {
    bool have_event = false;
    auto s = Fields(v, "goal", "must be an object such as {\"event\": \"purchase\", \"windowHours\": 72}",
                    [&](std::string_view key, od::value fv) -> absl::Status {
                      const std::string where = absl::StrCat("goal.", key);
                      if (key == "event") {
                        std::string name;
                        if (auto st = String(fv, where, &name, 32); !st.ok()) return st;
                        have_event = true;
                        if (name == "purchase") c_->goal = CampaignGoal::kPurchase;
                        else if (name == "add_to_cart") c_->goal = CampaignGoal::kAddToCart;
                        else if (name == "click") c_->goal = CampaignGoal::kClick;
                        else if (name == "visit") c_->goal = CampaignGoal::kVisit;
                        else return Bad(where, "must be purchase, add_to_cart, click or visit");
                        return absl::OkStatus();
                      }
                      if (key == "windowHours") {
                        double h;
                        if (auto st = Number(fv, where, &h); !st.ok()) return st;
                        if (!(h >= 1 && h <= kMaxWindowHours)) return Bad(where, "must be from 1 to 2160 hours (90 days)");
                        c_->goal_window_ms = static_cast<int64_t>(h * kHourMs);
                        return absl::OkStatus();
                      }
                      return Bad(where, "is unknown; use event and windowHours");
                    });
    if (!s.ok()) return s;
    if (!have_event) return Bad("goal.event", "is required: purchase, add_to_cart, click or visit");
    return absl::OkStatus();
  }

  size_t index_;
  const Catalog& catalog_;
  Campaign* c_ = nullptr;
};

bool ValidTime(int64_t ms) { return ms >= -1 && ms <= kMaxTimeMs; }

absl::Status Corrupt(std::string_view what) {
  return absl::DataLossError(
      absl::StrCat("snapshot is corrupt (campaigns: ", what, "); it was not restored and the current state is unchanged"));
}

}  // namespace

std::string_view CampaignArmName(CampaignArm arm) { return arm == CampaignArm::kHoldout ? "holdout" : "treatment"; }

std::string_view CampaignActionTypeName(CampaignActionType t) {
  switch (t) {
    case CampaignActionType::kDeal: return "deal";
    case CampaignActionType::kWidget: return "widget";
    case CampaignActionType::kContent: return "content";
    case CampaignActionType::kMystery: return "mystery";
  }
  return "deal";
}

std::string_view CampaignGoalName(CampaignGoal g) {
  switch (g) {
    case CampaignGoal::kPurchase: return "purchase";
    case CampaignGoal::kAddToCart: return "add_to_cart";
    case CampaignGoal::kClick: return "click";
    case CampaignGoal::kVisit: return "visit";
  }
  return "purchase";
}

CampaignArm ArmFor(uint64_t salt, std::string_view campaign_id, double holdout) {
  // FNV over the salt's bytes then the id, finished with splitmix64's mixer:
  // the same bucket on every platform and build (absl::Hash is per-process).
  uint64_t h = 0xcbf29ce484222325ull;
  for (int i = 0; i < 8; ++i) {
    h ^= (salt >> (8 * i)) & 0xff;
    h *= 0x100000001b3ull;
  }
  for (char c : campaign_id) {
    h ^= static_cast<uint8_t>(c);
    h *= 0x100000001b3ull;
  }
  const double bucket = static_cast<double>(Mix(h) >> 11) * 0x1.0p-53;
  return bucket < holdout ? CampaignArm::kHoldout : CampaignArm::kTreatment;
}

int64_t LocalDay(int64_t now_ms, int32_t utc_offset_min) {
  const int64_t local = now_ms + int64_t{utc_offset_min} * 60'000;
  return local >= 0 ? local / kDayMs : -((-local + kDayMs - 1) / kDayMs);
}

absl::Status Campaigns::Load(std::string_view json, const Catalog& catalog) {
  simdjson::padded_string padded(json);
  od::parser parser;
  od::document doc;
  od::array arr;
  auto bad = [](std::string_view what) {
    return absl::InvalidArgumentError(
        absl::StrCat("campaigns JSON ", what, "; pass [...] or {\"campaigns\": [...]}; no campaigns were changed"));
  };
  if (parser.iterate(padded).get(doc)) return bad("is not valid JSON");
  bool top_is_array = false;
  if (const std::string what = OpenDocumentList(doc, "campaigns", &arr, &top_is_array); !what.empty()) return bad(what);
  std::vector<Campaign> loaded;
  absl::flat_hash_set<std::string> ids;
  for (auto e : arr) {
    od::value v;
    if (e.get(v)) return bad("is not valid JSON");
    if (loaded.size() == kMaxCampaigns)
      return absl::ResourceExhaustedError(
          absl::StrCat("campaigns JSON has more than ", kMaxCampaigns, " campaigns; no campaigns were changed"));
    Campaign c;
    if (auto s = CampaignReader(loaded.size(), catalog).Read(v, &c); !s.ok()) return s;
    if (!ids.insert(c.id).second)
      return absl::InvalidArgumentError(absl::StrCat("campaign ", loaded.size(), " ('", c.id,
                                                     "') field id repeats an earlier campaign's id; no campaigns were changed"));
    loaded.push_back(std::move(c));
  }
  const char* rest;
  if (top_is_array && doc.current_location().get(rest) == simdjson::SUCCESS)
    return bad("has trailing content");
  campaigns_ = std::move(loaded);
  trigger_features_.assign(campaigns_.size(), std::nullopt);
  resolved_at_size_ = 0;
  return absl::OkStatus();
}

void Campaigns::EnsureSalt(Rng* rng) {
  if (state_.has_salt) return;
  state_.salt = rng->Next();
  state_.has_salt = true;
}

CampaignRuntime& Campaigns::Runtime(const std::string& id, int64_t now_ms) {
  auto it = state_.runtime.find(id);
  if (it == state_.runtime.end()) {
    if (state_.runtime.size() >= kMaxCampaignStates) {
      // Drop the least recently touched campaign's memory and its rows.
      auto oldest = state_.runtime.begin();
      for (auto jt = state_.runtime.begin(); jt != state_.runtime.end(); ++jt)
        if (jt->second.touched_ms < oldest->second.touched_ms ||
            (jt->second.touched_ms == oldest->second.touched_ms && jt->first < oldest->first))
          oldest = jt;
      const std::string gone = oldest->first;
      state_.runtime.erase(oldest);
      auto& rows = state_.stats;
      rows.erase(std::remove_if(rows.begin(), rows.end(), [&](const CampaignDayStat& r) { return r.campaign_id == gone; }),
                 rows.end());
    }
    it = state_.runtime.emplace(id, CampaignRuntime{}).first;
  }
  it->second.touched_ms = std::max(it->second.touched_ms, now_ms);
  return it->second;
}

std::string_view Campaigns::LazySegment::get() {
  if (!name_) name_ = SegmentName(profile_.segment(now_ms_));
  return *name_;
}

bool Campaigns::Targets(const Campaign& c, const Profile& profile, LazySegment* segment,
                        const FeatureDictionary& features, const CampaignContext& ctx, int64_t now_ms) const {
  if (now_ms < c.starts_ms || now_ms >= c.ends_ms) return false;
  if (c.minor && *c.minor != ctx.minor) return false;
  if (c.action.is_mystery() && ctx.minor) return false;  // never a mystery reward for a minor
  if (!c.segments.empty() &&
      std::find(c.segments.begin(), c.segments.end(), segment->get()) == c.segments.end())
    return false;
  const PurchaseStats& p = profile.purchases();
  if (c.recency_days && (p.count == 0 || !InRange(static_cast<double>(now_ms - p.last_ms) / kDayMs, c.recency_days)))
    return false;
  if (!InRange(static_cast<double>(p.count), c.frequency)) return false;
  if (!InRange(p.monetary, c.monetary)) return false;
  if (!c.interests.empty()) {
    bool any = false;
    for (const std::string& key : c.interests) {
      if (auto f = features.Find(key); f && profile.Affinity(*f, now_ms) > 0) {
        any = true;
        break;
      }
    }
    if (!any) return false;
  }
  return true;
}

bool Campaigns::Triggered(const Campaign& c, const CampaignContext& ctx, int64_t now_ms) const {
  if (c.trigger_event) {
    auto it = state_.runtime.find(c.id);
    if (it == state_.runtime.end() || it->second.triggered_ms < 0) return false;
    const int64_t since = now_ms - it->second.triggered_ms;
    if (since < -kDayMs || since > c.trigger_window_ms) return false;
  }
  if (c.hours && (!ctx.hour || !HourInside(*ctx.hour, *c.hours))) return false;
  if (!c.weekdays.empty() &&
      (!ctx.weekday || std::find(c.weekdays.begin(), c.weekdays.end(), *ctx.weekday) == c.weekdays.end()))
    return false;
  if (!c.weather.empty() && (ctx.weather.empty() ||
                             std::find(c.weather.begin(), c.weather.end(), NormalizeKey(ctx.weather)) == c.weather.end()))
    return false;
  if (c.max_distance_km && (!ctx.distance_km || *ctx.distance_km > *c.max_distance_km)) return false;
  for (const auto& need : c.available) {
    auto it = std::find_if(ctx.available.begin(), ctx.available.end(),
                           [&](const auto& a) { return a.first == need.first; });
    if (it == ctx.available.end() || it->second < need.second || it->second <= 0) return false;
  }
  // Quiet hours: without a local hour the campaign stays quiet (the safe side).
  if (c.quiet_hours && (!ctx.hour || HourInside(*ctx.hour, *c.quiet_hours))) return false;
  return true;
}

int64_t Campaigns::CapRemaining(const Campaign& c, int64_t day) const {
  uint64_t total = 0, today = 0;
  if (auto it = state_.runtime.find(c.id); it != state_.runtime.end()) {
    total = it->second.exposed[0] + it->second.exposed[1];
    if (it->second.cap_day == day) today = it->second.cap_day_count;
  }
  int64_t remaining = -1;
  if (c.cap_lifetime > 0) remaining = std::max<int64_t>(0, c.cap_lifetime - static_cast<int64_t>(total));
  if (c.cap_per_day > 0) {
    const int64_t r = std::max<int64_t>(0, c.cap_per_day - static_cast<int64_t>(today));
    remaining = remaining < 0 ? r : std::min(remaining, r);
  }
  return remaining;
}

std::vector<CampaignDecision> Campaigns::Evaluate(const Profile& profile, const FeatureDictionary& features,
                                                  const CampaignContext& ctx, int64_t now_ms,
                                                  std::optional<CampaignActionType> only, Rng* rng) {
  std::vector<CampaignDecision> out;
  if (campaigns_.empty()) return out;
  EnsureSalt(rng);
  state_.utc_offset_min = ctx.utc_offset_min;
  const int64_t day = LocalDay(now_ms, ctx.utc_offset_min);
  LazySegment segment(profile, now_ms);
  for (size_t i = 0; i < campaigns_.size(); ++i) {
    const Campaign& c = campaigns_[i];
    if (only && c.action.type != *only) continue;
    if (!Targets(c, profile, &segment, features, ctx, now_ms) || !Triggered(c, ctx, now_ms)) continue;
    if (CapRemaining(c, day) == 0) continue;
    out.push_back({i, ArmFor(state_.salt, c.id, c.holdout)});
  }
  return out;
}

void Campaigns::RecordExposure(size_t index, CampaignArm arm, const CampaignContext& ctx, int64_t now_ms) {
  const Campaign& c = campaigns_[index];
  const int64_t day = LocalDay(now_ms, ctx.utc_offset_min);
  CampaignRuntime& rt = Runtime(c.id, now_ms);
  const int a = static_cast<int>(arm);
  rt.last_exposure_ms = now_ms;
  rt.last_exposure_day = day;
  rt.last_arm = arm;
  rt.last_converted = false;
  rt.goal = c.goal;
  rt.goal_window_ms = c.goal_window_ms;
  if (rt.cap_day != day) rt.cap_day = day, rt.cap_day_count = 0;
  ++rt.cap_day_count;
  ++rt.exposed[a];

  CampaignStats& rows = state_.stats;
  auto it = std::lower_bound(rows.begin(), rows.end(), 0, [&](const CampaignDayStat& r, int) {
    return std::tie(r.campaign_id, r.arm, r.day) < std::tie(c.id, arm, day);
  });
  if (it == rows.end() || it->campaign_id != c.id || it->arm != arm || it->day != day)
    it = rows.insert(it, CampaignDayStat{c.id, arm, day, 0, 0});
  if (it->exposed < UINT32_MAX) ++it->exposed;
  // Fold away days that fell out of the window (lifetime totals keep them).
  const int64_t oldest = day - kCampaignStatsDays + 1;
  rows.erase(std::remove_if(rows.begin(), rows.end(),
                            [&](const CampaignDayStat& r) { return r.campaign_id == c.id && r.day < oldest; }),
             rows.end());
}

void Campaigns::Observe(EventType type, std::string_view item, absl::Span<const FeatureId> item_features,
                        int64_t ts_ms, const FeatureDictionary& features) {
  if (features.size() != resolved_at_size_) {
    for (size_t i = 0; i < campaigns_.size(); ++i)
      if (!trigger_features_[i] && !campaigns_[i].trigger_category_key.empty())
        trigger_features_[i] = features.Find(campaigns_[i].trigger_category_key);
    resolved_at_size_ = features.size();
  }
  // Triggers and cancellations of the loaded campaigns.
  for (size_t i = 0; i < campaigns_.size(); ++i) {
    const Campaign& c = campaigns_[i];
    if (c.cancel_on && *c.cancel_on == type) {
      if (auto it = state_.runtime.find(c.id); it != state_.runtime.end() && it->second.triggered_ms <= ts_ms)
        it->second.triggered_ms = -1;
    }
    if (!c.trigger_event || *c.trigger_event != type) continue;
    if (!c.trigger_item.empty() && c.trigger_item != item) continue;
    if (!c.trigger_category_key.empty()) {
      const std::optional<FeatureId>& f = trigger_features_[i];
      if (!f || !std::binary_search(item_features.begin(), item_features.end(), *f)) continue;
    }
    CampaignRuntime& rt = Runtime(c.id, ts_ms);
    rt.triggered_ms = std::max(rt.triggered_ms, ts_ms);
  }
  // Conversions of the latest exposure of every campaign ever exposed.
  for (auto& [id, rt] : state_.runtime) {
    if (rt.last_exposure_ms < 0 || rt.last_converted || !GoalMatches(rt.goal, type)) continue;
    if (ts_ms < rt.last_exposure_ms || ts_ms > rt.last_exposure_ms + rt.goal_window_ms) continue;
    rt.last_converted = true;
    const int a = static_cast<int>(rt.last_arm);
    ++rt.converted[a];
    for (CampaignDayStat& r : state_.stats)
      if (r.campaign_id == id && r.arm == rt.last_arm && r.day == rt.last_exposure_day && r.converted < r.exposed)
        ++r.converted;
  }
}

std::vector<CampaignListing> Campaigns::List(const Profile& profile, const FeatureDictionary& features,
                                             const CampaignContext& ctx, int64_t now_ms, Rng* rng) {
  std::vector<CampaignListing> out;
  if (campaigns_.empty()) return out;
  EnsureSalt(rng);
  const int64_t day = LocalDay(now_ms, ctx.utc_offset_min);
  LazySegment segment(profile, now_ms);
  for (const Campaign& c : campaigns_) {
    CampaignListing l;
    l.campaign = &c;
    l.arm = ArmFor(state_.salt, c.id, c.holdout);
    l.cap_remaining = CapRemaining(c, day);
    l.eligible = Targets(c, profile, &segment, features, ctx, now_ms) && l.cap_remaining != 0;
    if (auto it = state_.runtime.find(c.id); it != state_.runtime.end()) {
      l.exposures = it->second.exposed[static_cast<int>(l.arm)];
      l.conversions = it->second.converted[static_cast<int>(l.arm)];
    }
    out.push_back(l);
  }
  return out;
}

Promotion Campaigns::OfferOf(size_t index) const {
  const Campaign& c = campaigns_[index];
  Promotion p;
  p.id = absl::StrCat("campaign:", c.id);
  p.title = c.name;
  p.item = c.action.item;
  p.category_key = c.action.category_key;
  p.category_label = c.action.category.empty() ? "" : SplitCategoryPath(c.action.category).back();
  p.discount = c.action.discount;
  p.starts_ms = c.starts_ms;
  p.ends_ms = c.ends_ms;
  return p;
}

void EncodeCampaignState(const CampaignState& s, ByteWriter* w) {
  w->U8(s.has_salt ? 1 : 0);
  w->U64(s.salt);
  w->U32(static_cast<uint32_t>(s.utc_offset_min));
  std::vector<std::pair<std::string_view, const CampaignRuntime*>> rts;
  for (const auto& [id, rt] : s.runtime) rts.emplace_back(id, &rt);
  std::sort(rts.begin(), rts.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  w->U32(static_cast<uint32_t>(rts.size()));
  for (const auto& [id, rt] : rts) {
    w->Str(id);
    w->I64(rt->triggered_ms);
    w->I64(rt->last_exposure_ms);
    w->I64(rt->last_exposure_day);
    w->U8(static_cast<uint8_t>(rt->last_arm));
    w->U8(rt->last_converted ? 1 : 0);
    w->U8(static_cast<uint8_t>(rt->goal));
    w->I64(rt->goal_window_ms);
    w->I64(rt->cap_day);
    w->U32(rt->cap_day_count);
    for (int a = 0; a < 2; ++a) {
      w->U64(rt->exposed[a]);
      w->U64(rt->converted[a]);
    }
    w->I64(rt->touched_ms);
  }
  w->U32(static_cast<uint32_t>(s.stats.size()));
  for (const CampaignDayStat& r : s.stats) {
    w->Str(r.campaign_id);
    w->U8(static_cast<uint8_t>(r.arm));
    w->I64(r.day);
    w->U32(r.exposed);
    w->U32(r.converted);
  }
}

absl::Status DecodeCampaignState(ByteReader* r, CampaignState* out) {
  CampaignState s;
  uint8_t has_salt;
  uint32_t offset, n;
  if (!r->U8(&has_salt) || !r->U64(&s.salt) || !r->U32(&offset)) return Corrupt("truncated header");
  if (has_salt > 1) return Corrupt("bad salt flag");
  s.has_salt = has_salt == 1;
  s.utc_offset_min = static_cast<int32_t>(offset);
  if (s.utc_offset_min < -14 * 60 || s.utc_offset_min > 14 * 60) return Corrupt("UTC offset out of range");
  if (!r->U32(&n) || n > kMaxCampaignStates) return Corrupt("too many campaigns or truncated");
  constexpr int64_t kMaxDay = kMaxTimeMs / kDayMs + 2;
  for (uint32_t i = 0; i < n; ++i) {
    std::string id;
    CampaignRuntime rt;
    uint8_t arm, converted, goal;
    if (!r->Str(&id, kMaxCampaignStringBytes) || !r->I64(&rt.triggered_ms) || !r->I64(&rt.last_exposure_ms) ||
        !r->I64(&rt.last_exposure_day) || !r->U8(&arm) || !r->U8(&converted) || !r->U8(&goal) ||
        !r->I64(&rt.goal_window_ms) || !r->I64(&rt.cap_day) || !r->U32(&rt.cap_day_count))
      return Corrupt("truncated campaign");
    for (int a = 0; a < 2; ++a)
      if (!r->U64(&rt.exposed[a]) || !r->U64(&rt.converted[a])) return Corrupt("truncated campaign totals");
    if (!r->I64(&rt.touched_ms)) return Corrupt("truncated campaign");
    if (id.empty() || arm > 1 || converted > 1 || goal > static_cast<uint8_t>(CampaignGoal::kVisit))
      return Corrupt("campaign out of range");
    if (!ValidTime(rt.triggered_ms) || !ValidTime(rt.last_exposure_ms) || !ValidTime(rt.touched_ms) ||
        rt.goal_window_ms < 0 || rt.goal_window_ms > static_cast<int64_t>(kMaxWindowHours) * kHourMs ||
        std::abs(rt.last_exposure_day) > kMaxDay || std::abs(rt.cap_day) > kMaxDay)
      return Corrupt("campaign time out of range");
    for (int a = 0; a < 2; ++a)
      if (rt.converted[a] > rt.exposed[a]) return Corrupt("more conversions than exposures");
    rt.last_arm = static_cast<CampaignArm>(arm);
    rt.last_converted = converted == 1;
    // An exposure still waiting for its conversion was counted in exposed[],
    // and each exposure converts once: room for that conversion must be left,
    // or the next conversion writes a state no restore accepts (found by
    // fuzz/snapshot_fuzz.cc).
    if (rt.last_exposure_ms >= 0 && !rt.last_converted && rt.converted[arm] >= rt.exposed[arm])
      return Corrupt("a pending exposure that was never counted");
    rt.goal = static_cast<CampaignGoal>(goal);
    if (!s.runtime.emplace(std::move(id), rt).second) return Corrupt("campaign listed twice");
  }
  if (!r->U32(&n) || n > kMaxCampaignStates * kCampaignStatsDays * 2) return Corrupt("too many stats rows or truncated");
  s.stats.resize(n);
  for (uint32_t i = 0; i < n; ++i) {
    CampaignDayStat& row = s.stats[i];
    uint8_t arm;
    if (!r->Str(&row.campaign_id, kMaxCampaignStringBytes) || !r->U8(&arm) || !r->I64(&row.day) ||
        !r->U32(&row.exposed) || !r->U32(&row.converted))
      return Corrupt("truncated stats row");
    if (arm > 1 || row.converted > row.exposed || std::abs(row.day) > kMaxDay) return Corrupt("stats row out of range");
    row.arm = static_cast<CampaignArm>(arm);
    if (!s.runtime.contains(row.campaign_id)) return Corrupt("stats row of an unknown campaign");
    if (i > 0) {
      const CampaignDayStat& p = s.stats[i - 1];
      if (!(std::tie(p.campaign_id, p.arm, p.day) < std::tie(row.campaign_id, row.arm, row.day)))
        return Corrupt("stats rows out of order");
    }
  }
  *out = std::move(s);
  return absl::OkStatus();
}

}  // namespace hearth
