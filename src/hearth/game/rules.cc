#include "hearth/game/rules.h"

#include <algorithm>
#include <cmath>

#include "absl/base/attributes.h"
#include "absl/container/flat_hash_map.h"
#include "absl/functional/function_ref.h"
#include "absl/strings/str_cat.h"
#include "hearth/common/text.h"
#include "hearth/profile/profile.h"

namespace hearth {

int GameRules::FindCurrency(std::string_view id) const {
  for (size_t i = 0; i < currencies.size(); ++i)
    if (currencies[i].id == id) return static_cast<int>(i);
  return -1;
}

bool GameRules::Matches(const Trigger& t, const EventFacts& facts) const {
  if (!t.events.empty() && std::find(t.events.begin(), t.events.end(), facts.type) == t.events.end()) return false;
  return t.when < 0 || exprs.Eval(static_cast<ExprPool::NodeId>(t.when), facts);
}

namespace {

namespace od = simdjson::ondemand;
constexpr int64_t kDayMs = 86'400'000;

class RulesReader {
 public:
  explicit RulesReader(GameRules* out) : r_(out) {}

  absl::Status Read(std::string_view json) {
    if (json.size() > kMaxGameRulesBytes)
      return absl::ResourceExhaustedError(
          absl::StrCat("game rules are larger than ", kMaxGameRulesBytes, " bytes; no rules were changed"));
    simdjson::padded_string padded(json);
    od::document doc;
    if (parser_.iterate(padded).get(doc)) return Bad("rules", "are not valid JSON");
    od::object root;
    if (doc.get_object().get(root)) return Bad("rules", "must be a JSON object");
    bool have_currencies = false;
    for (auto f : root) {
      std::string_view key;
      if (f.unescaped_key().get(key)) return Bad("rules", "have an invalid field name");
      od::value v;
      if (f.value().get(v)) return Bad(key, "is not valid JSON");
      absl::Status s;
      if (key == "version") {
        int64_t ver;
        s = Int(v, "version", 1, 1, &ver);
      } else if (key == "currencies") s = Currencies(v), have_currencies = true;
      else if (key == "dailyCaps") s = DailyCaps(v);
      else if (key == "earn") s = List(v, "earn", [&](od::value e, const std::string& w) { return Earn(e, w); });
      else if (key == "streak") s = Streak(v);
      else if (key == "stampCards") s = List(v, "stampCards", [&](od::value e, const std::string& w) { return Card(e, w); });
      else if (key == "tiers") s = Tiers(v);
      else if (key == "badges") s = List(v, "badges", [&](od::value e, const std::string& w) { return BadgeRule(e, w); });
      else if (key == "sets") s = List(v, "sets", [&](od::value e, const std::string& w) { return Set(e, w); });
      else if (key == "challenges") s = List(v, "challenges", [&](od::value e, const std::string& w) { return ChallengeRule(e, w); });
      else if (key == "mystery") s = List(v, "mystery", [&](od::value e, const std::string& w) { return Box(e, w); });
      else
        s = Bad(key, "is not a known rules field; use version, currencies, dailyCaps, earn, streak, stampCards, "
                     "tiers, badges, sets, challenges or mystery");
      if (!s.ok()) return s;
    }
    if (!have_currencies) r_->currencies = {{"points", 0}, {"stars", 0}};
    return Resolve();
  }

 private:
  absl::Status Bad(std::string_view where, std::string_view what) const {
    return absl::InvalidArgumentError(absl::StrCat(where, " ", what, "; no rules were changed"));
  }

  absl::Status CountRule(const std::string& where) {
    if (++rules_ > kMaxGameRules)
      return absl::ResourceExhaustedError(
          absl::StrCat(where, ": a rule set holds at most ", kMaxGameRules, " rules; no rules were changed"));
    return absl::OkStatus();
  }

  // Not templates: one copy of each loop (the rule kinds share them; wasm size).
  using ElementFn = absl::FunctionRef<absl::Status(od::value, const std::string&)>;
  using FieldFn = absl::FunctionRef<absl::Status(std::string_view, od::value, const std::string&)>;

  ABSL_ATTRIBUTE_NOINLINE absl::Status List(od::value v, std::string_view name, ElementFn fn) {
    od::array arr;
    if (v.get_array().get(arr)) return Bad(name, "must be an array");
    size_t i = 0;
    for (auto e : arr) {
      od::value ev;
      const std::string where = absl::StrCat(name, "[", i++, "]");
      if (e.get(ev)) return Bad(where, "is not valid JSON");
      if (auto s = CountRule(where); !s.ok()) return s;
      if (auto s = fn(ev, where); !s.ok()) return s;
    }
    return absl::OkStatus();
  }

  ABSL_ATTRIBUTE_NOINLINE absl::Status Str(od::value v, const std::string& where, size_t limit, std::string* out, bool id = false) {
    std::string_view s;
    if (v.get_string().get(s)) return Bad(where, "must be a string");
    if (s.size() > limit) return Bad(where, absl::StrCat("is longer than ", limit, " bytes"));
    if (id && s.empty()) return Bad(where, "must not be empty");
    out->assign(s);
    return absl::OkStatus();
  }

  // A whole number in [lo, hi]; fractions, huge values and negatives are errors.
  ABSL_ATTRIBUTE_NOINLINE absl::Status Int(od::value v, const std::string& where, int64_t lo, int64_t hi, int64_t* out) {
    double d;
    if (v.get_double().get(d) || !std::isfinite(d)) return Bad(where, "must be a number");
    if (d != std::floor(d)) return Bad(where, "must be a whole number");
    if (d < static_cast<double>(lo) || d > static_cast<double>(hi))
      return Bad(where, absl::StrCat("must be between ", lo, " and ", hi, " (got ", d, ")"));
    *out = static_cast<int64_t>(d);
    return absl::OkStatus();
  }

  ABSL_ATTRIBUTE_NOINLINE absl::Status Time(od::value v, const std::string& where, int64_t* out) {
    od::json_type t;
    if (v.type().get(t)) return Bad(where, "is not valid JSON");
    if (t == od::json_type::number) return Int(v, where, 0, 253402300799999LL, out);
    std::string text;
    if (auto s = Str(v, where, 64, &text); !s.ok()) return s;
    if (!ParseTimestamp(text, out)) return Bad(where, "must be milliseconds or an ISO-8601 date such as 2026-12-01");
    return absl::OkStatus();
  }

  ABSL_ATTRIBUTE_NOINLINE absl::Status Events(od::value v, const std::string& where, Trigger* t) {
    od::json_type jt;
    if (v.type().get(jt)) return Bad(where, "is not valid JSON");
    auto add = [&](std::string_view s) -> absl::Status {
      EventType type;
      if (!ParseEventType(s, &type))
        return Bad(where, absl::StrCat("names an unknown event type '", s.substr(0, 40),
                                       "'; use view, click, add_to_cart, purchase, search, dwell or dismiss"));
      t->events.emplace_back(s);
      return absl::OkStatus();
    };
    if (jt == od::json_type::string) {
      std::string_view s;
      if (v.get_string().get(s)) return Bad(where, "must be a string");
      return add(s);
    }
    od::array arr;
    if (v.get_array().get(arr)) return Bad(where, "must be an event type or an array of them");
    for (auto e : arr) {
      std::string_view s;
      if (e.get_string().get(s)) return Bad(where, "must be an array of event type strings");
      if (t->events.size() >= 8) return Bad(where, "lists more than 8 event types");
      if (auto st = add(s); !st.ok()) return st;
    }
    return absl::OkStatus();
  }

  ABSL_ATTRIBUTE_NOINLINE absl::Status When(od::value v, const std::string& where, Trigger* t) {
    auto id = CompileExpr(v, where, &r_->exprs, &expr_budget_);
    if (!id.ok()) return id.status();
    t->when = static_cast<int32_t>(*id);
    return absl::OkStatus();
  }

  // {"currency": "points", "amount": 10 [, "perUnit": 1]} | {"mystery": id} |
  // {"badge": id} | {"label": "...", "valueCents": 350}
  ABSL_ATTRIBUTE_NOINLINE absl::Status RewardOf(od::value v, const std::string& where, Reward* out, int64_t* per_unit = nullptr) {
    od::object obj;
    if (v.get_object().get(obj)) return Bad(where, "must be an object such as {\"currency\": \"points\", \"amount\": 10}");
    bool have_amount = false;
    for (auto f : obj) {
      std::string_view key;
      if (f.unescaped_key().get(key)) return Bad(where, "has an invalid field name");
      od::value fv;
      if (f.value().get(fv)) return Bad(where, "is not valid JSON");
      const std::string w = absl::StrCat(where, ".", key);
      absl::Status s;
      if (key == "currency") s = Str(fv, w, kMaxRuleIdBytes, &out->ref, true), SetKind(out, Reward::Kind::kCurrency, &s, w);
      else if (key == "mystery") s = Str(fv, w, kMaxRuleIdBytes, &out->ref, true), SetKind(out, Reward::Kind::kMystery, &s, w);
      else if (key == "badge") s = Str(fv, w, kMaxRuleIdBytes, &out->ref, true), SetKind(out, Reward::Kind::kBadge, &s, w);
      else if (key == "amount") s = Int(fv, w, 1, kMaxAmount, &out->amount), have_amount = true;
      else if (key == "perUnit" && per_unit != nullptr) s = Int(fv, w, 1, 10'000, per_unit);
      else if (key == "label") s = Str(fv, w, kMaxLabelBytes, &out->label);
      else if (key == "valueCents") s = Int(fv, w, 1, 100'000'000, &out->value_cents), SetKind(out, Reward::Kind::kClaim, &s, w);
      else
        s = Bad(w, "is not a known reward field; use currency + amount, mystery, badge, or label + valueCents");
      if (!s.ok()) return s;
    }
    switch (out->kind) {
      case Reward::Kind::kNone: return Bad(where, "grants nothing; give currency + amount, mystery, badge or valueCents");
      case Reward::Kind::kCurrency:
        if (have_amount == (per_unit != nullptr && *per_unit > 0))
          return Bad(where, per_unit ? "needs exactly one of amount or perUnit" : "needs an amount");
        break;
      case Reward::Kind::kClaim:
        if (out->label.empty()) return Bad(where, "needs a label saying what the claim is");
        [[fallthrough]];
      default:
        if (have_amount) return Bad(where, "has an amount, which applies to currency rewards only");
    }
    return absl::OkStatus();
  }

  void SetKind(Reward* r, Reward::Kind k, absl::Status* s, const std::string& where) {
    if (!s->ok()) return;
    if (r->kind != Reward::Kind::kNone && r->kind != k)
      *s = Bad(where, "combines two kinds of reward; use one reward per object");
    r->kind = k;
  }

  absl::Status Currencies(od::value v) {
    od::array arr;
    if (v.get_array().get(arr)) return Bad("currencies", "must be an array");
    size_t i = 0;
    for (auto e : arr) {
      const std::string where = absl::StrCat("currencies[", i++, "]");
      if (r_->currencies.size() >= kMaxCurrencies) return Bad("currencies", absl::StrCat("lists more than ", kMaxCurrencies));
      od::object obj;
      if (e.get_object().get(obj)) return Bad(where, "must be an object such as {\"id\": \"points\"}");
      Currency c;
      for (auto f : obj) {
        std::string_view key;
        if (f.unescaped_key().get(key)) return Bad(where, "has an invalid field name");
        od::value fv;
        if (f.value().get(fv)) return Bad(where, "is not valid JSON");
        absl::Status s;
        int64_t days = 0;
        if (key == "id") s = Str(fv, where + ".id", kMaxRuleIdBytes, &c.id, true);
        else if (key == "expiresAfterDays") {
          // Only a value Int() accepted is scaled: on error `days` is not read.
          s = Int(fv, where + ".expiresAfterDays", 1, 3650, &days);
          if (s.ok()) c.expires_after_ms = days * kDayMs;
        } else s = Bad(absl::StrCat(where, ".", key), "is not a known currency field; use id and expiresAfterDays");
        if (!s.ok()) return s;
      }
      if (c.id.empty()) return Bad(where + ".id", "is required");
      if (r_->FindCurrency(c.id) >= 0) return Bad(where + ".id", absl::StrCat("'", c.id, "' is listed twice"));
      r_->currencies.push_back(std::move(c));
    }
    if (r_->currencies.empty()) return Bad("currencies", "must list at least one currency");
    return absl::OkStatus();
  }

  absl::Status DailyCaps(od::value v) {
    od::object obj;
    if (v.get_object().get(obj)) return Bad("dailyCaps", "must be an object such as {\"points\": 500}");
    for (auto f : obj) {
      std::string_view key;
      if (f.unescaped_key().get(key)) return Bad("dailyCaps", "has an invalid field name");
      od::value fv;
      if (f.value().get(fv)) return Bad("dailyCaps", "is not valid JSON");
      int64_t cap;
      if (auto s = Int(fv, absl::StrCat("dailyCaps.", key), 1, kMaxCap, &cap); !s.ok()) return s;
      if (caps_.size() >= kMaxCurrencies) return Bad("dailyCaps", "has too many entries");
      caps_.emplace_back(std::string(key.substr(0, kMaxRuleIdBytes)), cap);
    }
    return absl::OkStatus();
  }

  // Reads a rule object, calling `field` for each field; NOT_FOUND from it
  // means an unknown field.
  ABSL_ATTRIBUTE_NOINLINE absl::Status Object(od::value v, const std::string& where, std::string_view known, FieldFn field) {
    od::object obj;
    if (v.get_object().get(obj)) return Bad(where, "must be an object");
    for (auto f : obj) {
      std::string_view key;
      if (f.unescaped_key().get(key)) return Bad(where, "has an invalid field name");
      od::value fv;
      if (f.value().get(fv)) return Bad(where, "is not valid JSON");
      const std::string w = absl::StrCat(where, ".", key);
      auto s = field(key, fv, w);
      if (s.code() == absl::StatusCode::kNotFound)
        return Bad(w, absl::StrCat("is not a known field here; use ", known));
      if (!s.ok()) return s;
    }
    return absl::OkStatus();
  }

  absl::Status Id(const std::string& where, std::string_view kind, const std::string& id) {
    if (id.empty()) return Bad(where + ".id", "is required");
    if (!ids_.emplace(absl::StrCat(kind, ":", id), 0).second)
      return Bad(where + ".id", absl::StrCat("'", id, "' is used by two ", kind, " rules"));
    return absl::OkStatus();
  }

  absl::Status Earn(od::value v, const std::string& where) {
    EarnRule e;
    auto s = Object(v, where, "id, label, event, when, reward, dailyCap",
                    [&](std::string_view k, od::value fv, const std::string& w) -> absl::Status {
                      if (k == "id") return Str(fv, w, kMaxRuleIdBytes, &e.id, true);
                      if (k == "label") return Str(fv, w, kMaxLabelBytes, &e.label);
                      if (k == "event" || k == "events") return Events(fv, w, &e.trigger);
                      if (k == "when") return When(fv, w, &e.trigger);
                      if (k == "reward") return RewardOf(fv, w, &e.reward, &e.per_unit);
                      if (k == "dailyCap") return Int(fv, w, 1, kMaxCap, &e.daily_cap);
                      return absl::NotFoundError("");
                    });
    if (!s.ok()) return s;
    if (auto st = Id(where, "earn", e.id); !st.ok()) return st;
    if (e.trigger.events.empty()) return Bad(where + ".event", "is required (the event type that earns)");
    if (e.reward.kind == Reward::Kind::kNone) return Bad(where + ".reward", "is required");
    if (e.reward.kind == Reward::Kind::kClaim)
      return Bad(where + ".reward", "cannot be a money claim; give claims through stamp cards, challenges or mystery prizes");
    if (e.daily_cap > 0 && e.reward.kind != Reward::Kind::kCurrency)
      return Bad(where + ".dailyCap", "applies to currency rewards only");
    if (e.label.empty()) e.label = e.id;
    r_->earn.push_back(std::move(e));
    return absl::OkStatus();
  }

  absl::Status Streak(od::value v) {
    if (r_->streak.enabled) return Bad("streak", "is given twice");
    StreakRules& st = r_->streak;
    st.enabled = true;
    bool have_period = false;
    auto s = Object(v, "streak", "period, events, when, graceHours, freezes, milestones",
                    [&](std::string_view k, od::value fv, const std::string& w) -> absl::Status {
                      if (k == "period") {
                        std::string p;
                        if (auto s = Str(fv, w, 8, &p); !s.ok()) return s;
                        if (p != "day" && p != "week") return Bad(w, "must be 'day' or 'week'");
                        st.weekly = p == "week";
                        have_period = true;
                        return absl::OkStatus();
                      }
                      if (k == "event" || k == "events") return Events(fv, w, &st.trigger);
                      if (k == "when") return When(fv, w, &st.trigger);
                      if (k == "graceHours") {
                        int64_t h = 0;
                        auto s = Int(fv, w, 0, 48, &h);
                        if (s.ok()) st.grace_ms = h * 3'600'000;
                        return s;
                      }
                      if (k == "freezes") return Freezes(fv, w);
                      if (k == "milestones") return Milestones(fv, w);
                      return absl::NotFoundError("");
                    });
    if (!s.ok()) return s;
    if (!have_period) return Bad("streak.period", "is required ('day' or 'week')");
    return absl::OkStatus();
  }

  absl::Status Freezes(od::value v, const std::string& where) {
    StreakRules& st = r_->streak;
    return Object(v, where, "max, earnEvery", [&](std::string_view k, od::value fv, const std::string& w) -> absl::Status {
      if (k == "max") return Int(fv, w, 0, 10, &st.freezes_max);
      if (k == "earnEvery") return Int(fv, w, 1, 365, &st.freeze_every);
      return absl::NotFoundError("");
    });
  }

  absl::Status Milestones(od::value v, const std::string& where) {
    od::array arr;
    if (v.get_array().get(arr)) return Bad(where, "must be an array of {at, reward}");
    size_t i = 0;
    for (auto e : arr) {
      od::value ev;
      const std::string w = absl::StrCat(where, "[", i++, "]");
      if (e.get(ev)) return Bad(w, "is not valid JSON");
      if (r_->streak.milestones.size() >= 32) return Bad(where, "lists more than 32 milestones");
      r_->streak.milestones.emplace_back();
      auto& m = r_->streak.milestones.back();
      auto s = Object(ev, w, "at, reward", [&](std::string_view k, od::value fv, const std::string& ww) -> absl::Status {
        if (k == "at") return Int(fv, ww, 1, 10'000, &m.at);
        if (k == "reward") return RewardOf(fv, ww, &m.reward);
        return absl::NotFoundError("");
      });
      if (!s.ok()) return s;
      if (m.at == 0 || m.reward.kind == Reward::Kind::kNone) return Bad(w, "needs at and reward");
    }
    return absl::OkStatus();
  }

  absl::Status Card(od::value v, const std::string& where) {
    StampCard c;
    auto s = Object(v, where, "id, name, event, when, required, reward",
                    [&](std::string_view k, od::value fv, const std::string& w) -> absl::Status {
                      if (k == "id") return Str(fv, w, kMaxRuleIdBytes, &c.id, true);
                      if (k == "name") return Str(fv, w, kMaxLabelBytes, &c.name);
                      if (k == "event" || k == "events") return Events(fv, w, &c.trigger);
                      if (k == "when") return When(fv, w, &c.trigger);
                      if (k == "required") return Int(fv, w, 1, 100, &c.required);
                      if (k == "reward") return RewardOf(fv, w, &c.reward);
                      return absl::NotFoundError("");
                    });
    if (!s.ok()) return s;
    if (auto st = Id(where, "stamp card", c.id); !st.ok()) return st;
    if (c.trigger.events.empty()) return Bad(where + ".event", "is required");
    if (c.required == 0) return Bad(where + ".required", "is required (stamps to fill the card)");
    if (c.reward.kind == Reward::Kind::kNone) return Bad(where + ".reward", "is required");
    if (c.name.empty()) c.name = c.id;
    r_->cards.push_back(std::move(c));
    return absl::OkStatus();
  }

  absl::Status Tiers(od::value v) {
    TierRules& t = r_->tiers;
    if (!t.levels.empty()) return Bad("tiers", "is given twice");
    int64_t window_days = 0, grace_days = 0;
    auto s = Object(v, "tiers", "currency, windowDays, downgradeGraceDays, neverDowngrade, levels",
                    [&](std::string_view k, od::value fv, const std::string& w) -> absl::Status {
                      if (k == "currency") return Str(fv, w, kMaxRuleIdBytes, &t.currency_id, true);
                      if (k == "windowDays") return Int(fv, w, 1, 3650, &window_days);
                      if (k == "downgradeGraceDays") return Int(fv, w, 0, 3650, &grace_days);
                      if (k == "neverDowngrade") return fv.get_bool().get(t.never_downgrade) ? Bad(w, "must be true or false") : absl::OkStatus();
                      if (k == "levels") return Levels(fv, w);
                      return absl::NotFoundError("");
                    });
    if (!s.ok()) return s;
    if (t.currency_id.empty()) return Bad("tiers.currency", "is required (the currency whose earnings qualify)");
    if (window_days == 0) return Bad("tiers.windowDays", "is required (the rolling window)");
    if (t.levels.size() < 2) return Bad("tiers.levels", "needs at least two levels");
    if (t.levels[0].threshold != 0) return Bad("tiers.levels[0].threshold", "must be 0 (everyone starts there)");
    for (size_t i = 1; i < t.levels.size(); ++i)
      if (t.levels[i].threshold <= t.levels[i - 1].threshold)
        return Bad(absl::StrCat("tiers.levels[", i, "].threshold"), "must be higher than the level before");
    t.window_ms = window_days * kDayMs;
    t.downgrade_grace_ms = grace_days * kDayMs;
    ++rules_;
    return absl::OkStatus();
  }

  absl::Status Levels(od::value v, const std::string& where) {
    od::array arr;
    if (v.get_array().get(arr)) return Bad(where, "must be an array");
    size_t i = 0;
    for (auto e : arr) {
      od::value ev;
      const std::string w = absl::StrCat(where, "[", i++, "]");
      if (e.get(ev)) return Bad(w, "is not valid JSON");
      if (r_->tiers.levels.size() >= kMaxTiers) return Bad(where, absl::StrCat("lists more than ", kMaxTiers, " levels"));
      Tier t;
      bool have_threshold = false;
      auto s = Object(ev, w, "id, name, threshold, benefits",
                      [&](std::string_view k, od::value fv, const std::string& ww) -> absl::Status {
                        if (k == "id") return Str(fv, ww, kMaxRuleIdBytes, &t.id, true);
                        if (k == "name") return Str(fv, ww, kMaxLabelBytes, &t.name);
                        if (k == "threshold") return have_threshold = true, Int(fv, ww, 0, kMaxCap, &t.threshold);
                        if (k == "benefits") {
                          od::array b;
                          if (fv.get_array().get(b)) return Bad(ww, "must be an array of strings");
                          for (auto x : b) {
                            std::string_view s;
                            if (x.get_string().get(s) || s.size() > kMaxLabelBytes) return Bad(ww, "must be an array of short strings");
                            if (t.benefits.size() >= kMaxBenefits) return Bad(ww, "lists too many benefits");
                            t.benefits.emplace_back(s);
                          }
                          return absl::OkStatus();
                        }
                        return absl::NotFoundError("");
                      });
      if (!s.ok()) return s;
      if (auto st = Id(w, "tier", t.id); !st.ok()) return st;
      if (!have_threshold) return Bad(w + ".threshold", "is required");
      if (t.name.empty()) t.name = t.id;
      r_->tiers.levels.push_back(std::move(t));
    }
    return absl::OkStatus();
  }

  absl::Status BadgeRule(od::value v, const std::string& where) {
    Badge b;
    auto s = Object(v, where, "id, name, description, set, event, when, count",
                    [&](std::string_view k, od::value fv, const std::string& w) -> absl::Status {
                      if (k == "id") return Str(fv, w, kMaxRuleIdBytes, &b.id, true);
                      if (k == "name") return Str(fv, w, kMaxLabelBytes, &b.name);
                      if (k == "description") return Str(fv, w, kMaxLabelBytes, &b.description);
                      if (k == "set") return Str(fv, w, kMaxRuleIdBytes, &b.set_ref, true);
                      if (k == "event" || k == "events") return b.by_event = true, Events(fv, w, &b.trigger);
                      if (k == "when") return When(fv, w, &b.trigger);
                      if (k == "count") return Int(fv, w, 1, 1'000'000, &b.count);
                      return absl::NotFoundError("");
                    });
    if (!s.ok()) return s;
    if (auto st = Id(where, "badge", b.id); !st.ok()) return st;
    if (b.trigger.when >= 0 && !b.by_event) return Bad(where + ".when", "needs an event");
    if (b.name.empty()) b.name = b.id;
    r_->badges.push_back(std::move(b));
    return absl::OkStatus();
  }

  absl::Status Set(od::value v, const std::string& where) {
    BadgeSet set;
    auto s = Object(v, where, "id, name, reward", [&](std::string_view k, od::value fv, const std::string& w) -> absl::Status {
      if (k == "id") return Str(fv, w, kMaxRuleIdBytes, &set.id, true);
      if (k == "name") return Str(fv, w, kMaxLabelBytes, &set.name);
      if (k == "reward") return RewardOf(fv, w, &set.reward);
      return absl::NotFoundError("");
    });
    if (!s.ok()) return s;
    if (auto st = Id(where, "set", set.id); !st.ok()) return st;
    if (set.name.empty()) set.name = set.id;
    r_->sets.push_back(std::move(set));
    return absl::OkStatus();
  }

  absl::Status ChallengeRule(od::value v, const std::string& where) {
    Challenge c;
    bool have_starts = false, have_ends = false;
    auto s = Object(v, where, "id, name, description, event, when, goal, measure, starts, ends, reward",
                    [&](std::string_view k, od::value fv, const std::string& w) -> absl::Status {
                      if (k == "id") return Str(fv, w, kMaxRuleIdBytes, &c.id, true);
                      if (k == "name") return Str(fv, w, kMaxLabelBytes, &c.name);
                      if (k == "description") return Str(fv, w, kMaxLabelBytes, &c.description);
                      if (k == "event" || k == "events") return Events(fv, w, &c.trigger);
                      if (k == "when") return When(fv, w, &c.trigger);
                      if (k == "goal") return Int(fv, w, 1, kMaxCap, &c.goal);
                      if (k == "measure") {
                        std::string m;
                        if (auto s = Str(fv, w, 16, &m); !s.ok()) return s;
                        if (m != "events" && m != "amount") return Bad(w, "must be 'events' or 'amount'");
                        c.sum_amount = m == "amount";
                        return absl::OkStatus();
                      }
                      if (k == "starts") return have_starts = true, Time(fv, w, &c.starts_ms);
                      if (k == "ends") return have_ends = true, Time(fv, w, &c.ends_ms);
                      if (k == "reward") return RewardOf(fv, w, &c.reward);
                      return absl::NotFoundError("");
                    });
    if (!s.ok()) return s;
    if (auto st = Id(where, "challenge", c.id); !st.ok()) return st;
    if (c.trigger.events.empty()) return Bad(where + ".event", "is required");
    if (c.goal == 0) return Bad(where + ".goal", "is required");
    if (!have_starts || !have_ends) return Bad(where + ".starts", "and ends are both required");
    if (c.ends_ms <= c.starts_ms) return Bad(where + ".ends", "must be after starts");
    if (c.reward.kind == Reward::Kind::kNone) return Bad(where + ".reward", "is required");
    if (c.name.empty()) c.name = c.id;
    r_->challenges.push_back(std::move(c));
    return absl::OkStatus();
  }

  absl::Status Box(od::value v, const std::string& where) {
    MysteryBox b;
    auto s = Object(v, where, "id, name, prizes", [&](std::string_view k, od::value fv, const std::string& w) -> absl::Status {
      if (k == "id") return Str(fv, w, kMaxRuleIdBytes, &b.id, true);
      if (k == "name") return Str(fv, w, kMaxLabelBytes, &b.name);
      if (k == "prizes") return Prizes(fv, w, &b);
      if (k == "price" || k == "cost" || k == "priceCents")
        return Bad(w, "is not allowed: mystery rewards are free only and can never be bought");
      return absl::NotFoundError("");
    });
    if (!s.ok()) return s;
    if (auto st = Id(where, "mystery", b.id); !st.ok()) return st;
    if (b.prizes.empty()) return Bad(where + ".prizes", "needs at least one prize");
    if (b.name.empty()) b.name = b.id;
    r_->mystery.push_back(std::move(b));
    return absl::OkStatus();
  }

  absl::Status Prizes(od::value v, const std::string& where, MysteryBox* b) {
    od::array arr;
    if (v.get_array().get(arr)) return Bad(where, "must be an array");
    size_t i = 0;
    int64_t total = 0;
    for (auto e : arr) {
      od::value ev;
      const std::string w = absl::StrCat(where, "[", i++, "]");
      if (e.get(ev)) return Bad(w, "is not valid JSON");
      if (b->prizes.size() >= kMaxPrizes) return Bad(where, absl::StrCat("lists more than ", kMaxPrizes, " prizes"));
      Prize p;
      int64_t value_cents = 0;
      auto s = Object(ev, w, "id, label, weight, budget, reward, valueCents",
                      [&](std::string_view k, od::value fv, const std::string& ww) -> absl::Status {
                        if (k == "id") return Str(fv, ww, kMaxRuleIdBytes, &p.id, true);
                        if (k == "label") return Str(fv, ww, kMaxLabelBytes, &p.label);
                        if (k == "weight") return Int(fv, ww, 1, kMaxWeight, &p.weight);
                        if (k == "budget") return Int(fv, ww, 0, kMaxCap, &p.budget);
                        if (k == "reward") return RewardOf(fv, ww, &p.reward);
                        if (k == "valueCents") return Int(fv, ww, 1, 100'000'000, &value_cents);
                        if (k == "price" || k == "cost")
                          return Bad(ww, "is not allowed: mystery rewards are free only and can never be bought");
                        return absl::NotFoundError("");
                      });
      if (!s.ok()) return s;
      if (p.id.empty()) return Bad(w + ".id", "is required");
      for (const Prize& q : b->prizes)
        if (q.id == p.id) return Bad(w + ".id", absl::StrCat("'", p.id, "' is listed twice"));
      if (p.label.empty()) return Bad(w + ".label", "is required (it is shown with the odds)");
      if (p.weight == 0) return Bad(w + ".weight", "is required (a whole number; odds are weight / total)");
      if (value_cents > 0) {
        if (p.reward.kind != Reward::Kind::kNone) return Bad(w, "has both valueCents and a reward; use one");
        p.reward.kind = Reward::Kind::kClaim;
        p.reward.value_cents = value_cents;
        p.reward.label = p.label;
      } else if (p.reward.kind == Reward::Kind::kNone) {
        return Bad(w + ".reward", "is required (or valueCents for a prize with money value)");
      }
      total += p.weight;
      if (total > kMaxWeight) return Bad(where, absl::StrCat("weights add up to more than ", kMaxWeight));
      b->prizes.push_back(std::move(p));
    }
    return absl::OkStatus();
  }

  int FindBadge(std::string_view id) const {
    for (size_t i = 0; i < r_->badges.size(); ++i)
      if (r_->badges[i].id == id) return static_cast<int>(i);
    return -1;
  }
  int FindBox(std::string_view id) const {
    for (size_t i = 0; i < r_->mystery.size(); ++i)
      if (r_->mystery[i].id == id) return static_cast<int>(i);
    return -1;
  }

  absl::Status Resolve() {
    for (const auto& [name, cap] : caps_) {
      const int c = r_->FindCurrency(name);
      if (c < 0) return Bad(absl::StrCat("dailyCaps.", name), "names an unknown currency");
    }
    r_->daily_caps.assign(r_->currencies.size(), 0);
    for (const auto& [name, cap] : caps_) r_->daily_caps[r_->FindCurrency(name)] = cap;
    std::vector<std::pair<std::string, Reward*>> rewards;
    for (size_t i = 0; i < r_->earn.size(); ++i) rewards.push_back({absl::StrCat("earn[", i, "].reward"), &r_->earn[i].reward});
    for (size_t i = 0; i < r_->cards.size(); ++i) rewards.push_back({absl::StrCat("stampCards[", i, "].reward"), &r_->cards[i].reward});
    for (size_t i = 0; i < r_->sets.size(); ++i) rewards.push_back({absl::StrCat("sets[", i, "].reward"), &r_->sets[i].reward});
    for (size_t i = 0; i < r_->challenges.size(); ++i)
      rewards.push_back({absl::StrCat("challenges[", i, "].reward"), &r_->challenges[i].reward});
    for (size_t i = 0; i < r_->streak.milestones.size(); ++i)
      rewards.push_back({absl::StrCat("streak.milestones[", i, "].reward"), &r_->streak.milestones[i].reward});
    for (size_t i = 0; i < r_->mystery.size(); ++i)
      for (size_t j = 0; j < r_->mystery[i].prizes.size(); ++j)
        rewards.push_back({absl::StrCat("mystery[", i, "].prizes[", j, "].reward"), &r_->mystery[i].prizes[j].reward});
    for (const auto& [where, reward] : rewards) {
      switch (reward->kind) {
        case Reward::Kind::kCurrency:
          reward->currency = r_->FindCurrency(reward->ref);
          if (reward->currency < 0)
            return Bad(where + ".currency", absl::StrCat("names an unknown currency '", reward->ref, "'"));
          break;
        case Reward::Kind::kMystery:
          reward->target = FindBox(reward->ref);
          if (reward->target < 0) return Bad(where + ".mystery", absl::StrCat("names an unknown mystery box '", reward->ref, "'"));
          break;
        case Reward::Kind::kBadge:
          reward->target = FindBadge(reward->ref);
          if (reward->target < 0) return Bad(where + ".badge", absl::StrCat("names an unknown badge '", reward->ref, "'"));
          break;
        default: break;
      }
    }
    for (size_t i = 0; i < r_->badges.size(); ++i) {
      Badge& b = r_->badges[i];
      if (b.set_ref.empty()) continue;
      for (size_t s = 0; s < r_->sets.size(); ++s)
        if (r_->sets[s].id == b.set_ref) b.set = static_cast<int>(s);
      if (b.set < 0)
        return Bad(absl::StrCat("badges[", i, "].set"), absl::StrCat("names an unknown set '", b.set_ref, "'"));
    }
    if (!r_->tiers.currency_id.empty()) {
      r_->tiers.currency = r_->FindCurrency(r_->tiers.currency_id);
      if (r_->tiers.currency < 0) return Bad("tiers.currency", absl::StrCat("names an unknown currency '", r_->tiers.currency_id, "'"));
    }
    for (size_t s = 0; s < r_->sets.size(); ++s) {
      bool any = false;
      for (const Badge& b : r_->badges) any |= b.set == static_cast<int>(s);
      if (!any) return Bad(absl::StrCat("sets[", s, "]"), "has no badges; name it in a badge's set field");
    }
    return CheckCycles();
  }

  // Rewards that fire other rewards at once: a set's reward can grant a badge
  // (which may complete another set), and a mystery prize can grant another
  // box. Neither graph may have a cycle.
  absl::Status CheckCycles() {
    const size_t n_sets = r_->sets.size();
    // set -> set edges (via a badge reward).
    std::vector<int> set_next(n_sets, -1);
    for (size_t s = 0; s < n_sets; ++s)
      if (r_->sets[s].reward.kind == Reward::Kind::kBadge) set_next[s] = r_->badges[r_->sets[s].reward.target].set;
    for (size_t s = 0; s < n_sets; ++s) {
      int at = static_cast<int>(s);
      for (size_t steps = 0; steps <= n_sets && at >= 0; ++steps) {
        at = set_next[at];
        if (at == static_cast<int>(s))
          return Bad(absl::StrCat("sets[", s, "].reward"),
                     "forms a cycle: completing the set grants a badge that leads back to it");
      }
    }
    // box -> box edges (prizes granting boxes): depth-first with colours.
    const size_t n_boxes = r_->mystery.size();
    std::vector<uint8_t> colour(n_boxes, 0);
    std::vector<std::pair<size_t, size_t>> stack;
    for (size_t start = 0; start < n_boxes; ++start) {
      if (colour[start]) continue;
      stack.push_back({start, 0});
      colour[start] = 1;
      while (!stack.empty()) {
        auto& [box, next] = stack.back();
        const auto& prizes = r_->mystery[box].prizes;
        if (next == prizes.size()) {
          colour[box] = 2;
          stack.pop_back();
          continue;
        }
        const Reward& rw = prizes[next++].reward;
        if (rw.kind != Reward::Kind::kMystery) continue;
        const size_t to = static_cast<size_t>(rw.target);
        if (colour[to] == 1)
          return Bad(absl::StrCat("mystery[", box, "].prizes"),
                     absl::StrCat("forms a cycle: a prize grants box '", r_->mystery[to].id, "', which leads back"));
        if (colour[to] == 0) {
          colour[to] = 1;
          stack.push_back({to, 0});
        }
      }
    }
    return absl::OkStatus();
  }

  GameRules* r_;
  od::parser parser_;
  size_t rules_ = 0;
  size_t expr_budget_ = kMaxExprNodesTotal;
  std::vector<std::pair<std::string, int64_t>> caps_;
  absl::flat_hash_map<std::string, int> ids_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<GameRules>> ParseGameRules(std::string_view json) {
  auto rules = std::make_unique<GameRules>();
  RulesReader reader(rules.get());
  if (auto s = reader.Read(json); !s.ok()) return s;
  return rules;
}

}  // namespace hearth
