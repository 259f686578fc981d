#include "hearth/profile/profile.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "hearth/common/text.h"

namespace hearth {
namespace {

constexpr std::string_view kEventTypeNames[kEventTypes] = {"view",   "click", "add_to_cart", "purchase",
                                                           "search", "dwell", "dismiss"};

// Dwell counts one "view" per 30 s, at most 3.
double DwellStrength(double seconds) { return std::min(std::max(seconds, 0.0) / 30.0, 3.0); }

absl::Status ValidatePreferenceWord(std::string_view word) {
  if (NormalizeKey(word).empty()) return absl::InvalidArgumentError("preferences must not be blank");
  if (word.size() > kMaxPreferenceBytes)
    return absl::InvalidArgumentError(
        absl::StrCat("preference '", word.substr(0, 32), "…' is longer than ", kMaxPreferenceBytes, " bytes"));
  return absl::OkStatus();
}

void EraseValue(std::vector<std::string>* v, const std::string& s) {
  v->erase(std::remove(v->begin(), v->end(), s), v->end());
}

}  // namespace

std::string_view EventTypeName(EventType t) { return kEventTypeNames[static_cast<int>(t)]; }

bool ParseEventType(std::string_view name, EventType* t) {
  for (int i = 0; i < kEventTypes; ++i) {
    if (kEventTypeNames[i] == name) {
      *t = static_cast<EventType>(i);
      return true;
    }
  }
  return false;
}

std::string_view SegmentName(Segment s) {
  static constexpr std::string_view kNames[] = {"new",          "disengaged",     "lapsed",
                                                "deal_seeker",  "brand_advocate", "multi_category",
                                                "single_category_regular"};
  return kNames[static_cast<int>(s)];
}

absl::Status ValidateProfileConfig(const ProfileConfig& config) {
  for (int i = 0; i < kEventTypes; ++i) {
    double h = config.half_life_days[i], w = config.weight[i];
    if (!std::isfinite(h) || h < 0.01 || h > 3650)
      return absl::InvalidArgumentError(absl::StrCat("half-life of '", kEventTypeNames[i],
                                                     "' must be between 0.01 and 3650 days, got ", h));
    if (!std::isfinite(w) || std::fabs(w) > 1000)
      return absl::InvalidArgumentError(
          absl::StrCat("weight of '", kEventTypeNames[i], "' must be finite and within ±1000, got ", w));
  }
  const SegmentRules& r = config.segments;
  if (r.disengaged_days < 1 || r.lapsed_days < 1 || r.deal_min_purchases < 1 || r.advocate_min_purchases < 1 ||
      r.multi_min_categories < 2 || !(r.deal_share > 0 && r.deal_share <= 1) ||
      !(r.advocate_brand_share > 0 && r.advocate_brand_share <= 1))
    return absl::InvalidArgumentError(
        "segment rules: day and purchase thresholds must be >= 1, multi_min_categories >= 2, shares in (0, 1]");
  return absl::OkStatus();
}

double Profile::DecayFactors::At(int type, int64_t elapsed_ms) {
  if (elapsed_ms != elapsed_ms_) {
    elapsed_ms_ = elapsed_ms;
    known_ = 0;
  }
  if ((known_ & (1u << type)) == 0) {
    const double days = static_cast<double>(elapsed_ms) / kDayMs;
    factor_[type] = std::exp2(-days / config_.half_life_days[type]);
    known_ |= 1u << type;
  }
  return factor_[type];
}

void Profile::Decay(hearth::Affinity* a, int64_t to_ms, DecayFactors* factors) const {
  if (to_ms <= a->updated_ms) return;
  const int64_t elapsed = to_ms - a->updated_ms;
  for (int i = 0; i < kEventTypes; ++i)
    if (a->weight[i] != 0) a->weight[i] = static_cast<float>(a->weight[i] * factors->At(i, elapsed));
  a->updated_ms = to_ms;
}

double Profile::DecayedSum(const hearth::Affinity& entry, int64_t now_ms, DecayFactors* factors) const {
  hearth::Affinity a = entry;
  Decay(&a, now_ms, factors);
  double sum = 0;
  for (float w : a.weight) sum += w;
  return sum;
}

void Profile::Observe(const ProfileEvent& e) {
  const int type = static_cast<int>(e.type);
  ++counts_[type];
  if (first_seen_ms_ == 0 || e.ts_ms < first_seen_ms_) first_seen_ms_ = e.ts_ms;
  last_active_ms_ = std::max(last_active_ms_, e.ts_ms);

  double strength = config_.weight[type];
  if (e.type == EventType::kDwell) strength *= DwellStrength(e.dwell_seconds);
  DecayFactors factors(config_);
  for (FeatureId f : e.features) {
    hearth::Affinity& a = affinities_[f];
    if (a.updated_ms == 0) a.updated_ms = e.ts_ms;
    // An event older than the entry's clock is decayed to it rather than
    // moving the clock back (late events count, but as old events).
    double add = strength;
    if (e.ts_ms < a.updated_ms)
      add *= std::exp2(-static_cast<double>(a.updated_ms - e.ts_ms) / kDayMs / config_.half_life_days[type]);
    else
      Decay(&a, e.ts_ms, &factors);
    a.weight[type] = static_cast<float>(a.weight[type] + add);
  }
  if (affinities_.size() > kMaxFeatures + kMaxFeatures / 8) EvictWeakest(last_active_ms_);

  if (e.type == EventType::kPurchase) {
    PurchaseStats& p = purchases_;
    ++p.count;
    if (e.deal) ++p.deal_count;
    if (std::isfinite(e.amount) && e.amount > 0) p.monetary += e.amount;
    if (p.first_ms == 0 || e.ts_ms < p.first_ms) p.first_ms = e.ts_ms;
    p.last_ms = std::max(p.last_ms, e.ts_ms);
    if (p.recent_ms.size() < kPurchaseRing) {
      p.recent_ms.push_back(e.ts_ms);
    } else {
      // Replace the oldest: the ring answers "how many recently".
      *std::min_element(p.recent_ms.begin(), p.recent_ms.end()) = e.ts_ms;
    }
    auto bump = [](absl::flat_hash_map<FeatureId, uint32_t>* m, uint64_t* other, FeatureId f) {
      if (f == ProfileEvent::kNoFeature) return;
      auto it = m->find(f);
      if (it != m->end()) {
        ++it->second;
      } else if (m->size() < kMaxPurchaseGroups) {
        m->emplace(f, 1);
      } else {
        ++*other;
      }
    };
    bump(&p.by_category, &p.other_category, e.top_category);
    bump(&p.by_brand, &p.other_brand, e.brand);
  }

  RawEvent raw{e.type, e.ts_ms, std::string(e.item),
               e.type == EventType::kPurchase ? e.amount : e.type == EventType::kDwell ? e.dwell_seconds : 0};
  if (window_.size() < kEventWindow) {
    window_.push_back(std::move(raw));
  } else {
    window_[window_next_] = std::move(raw);
    window_next_ = (window_next_ + 1) % kEventWindow;
  }
}

void Profile::EvictWeakest(int64_t now_ms) {
  std::vector<std::pair<double, FeatureId>> strength;
  strength.reserve(affinities_.size());
  DecayFactors factors(config_);
  for (const auto& [f, a] : affinities_) strength.emplace_back(std::fabs(DecayedSum(a, now_ms, &factors)), f);
  const size_t drop = affinities_.size() - kMaxFeatures;
  std::nth_element(strength.begin(), strength.begin() + drop, strength.end());
  for (size_t i = 0; i < drop; ++i) affinities_.erase(strength[i].second);
}

void Profile::RememberEventId(uint64_t id_hash) {
  if (dedup_ring_.size() < kDedupWindow) {
    dedup_ring_.push_back(id_hash);
  } else {
    dedup_set_.erase(dedup_ring_[dedup_next_]);
    dedup_ring_[dedup_next_] = id_hash;
    dedup_next_ = (dedup_next_ + 1) % kDedupWindow;
  }
  dedup_set_.insert(id_hash);
}

double Profile::Affinity(FeatureId feature, int64_t now_ms) const {
  auto it = affinities_.find(feature);
  if (it == affinities_.end()) return 0;
  DecayFactors factors(config_);
  return DecayedSum(it->second, now_ms, &factors);
}

std::vector<std::pair<FeatureId, double>> Profile::TopInterests(int64_t now_ms, size_t limit,
                                                                const FeatureDictionary* dict) const {
  std::vector<std::pair<FeatureId, double>> out;
  DecayFactors factors(config_);
  for (const auto& [f, a] : affinities_) {
    const double w = DecayedSum(a, now_ms, &factors);
    if (w > 1e-3) out.emplace_back(f, w);
  }
  // A total order (keys and ids are unique), so sorting only the head gives
  // the same list as sorting everything.
  const auto stronger = [dict](const auto& x, const auto& y) {
    if (x.second != y.second) return x.second > y.second;
    return dict ? dict->key(x.first) < dict->key(y.first) : x.first < y.first;
  };
  const size_t keep = std::min(limit, out.size());
  std::partial_sort(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(keep), out.end(), stronger);
  out.resize(keep);
  return out;
}

int Profile::PurchasesWithin(int64_t now_ms, int days) const {
  const int64_t since = now_ms - static_cast<int64_t>(days) * kDayMs;
  return static_cast<int>(std::count_if(purchases_.recent_ms.begin(), purchases_.recent_ms.end(),
                                        [&](int64_t t) { return t >= since; }));
}

Segment Profile::segment(int64_t now_ms) const {
  const SegmentRules& r = config_.segments;
  const PurchaseStats& p = purchases_;
  // A blank profile is new, not disengaged: there is nothing to lapse from.
  const bool active = total_events() == 0 || now_ms - last_active_ms_ < r.disengaged_days * kDayMs;
  if (p.count == 0) return active ? Segment::kNew : Segment::kDisengaged;
  if (!active) return Segment::kDisengaged;
  if (now_ms - p.last_ms >= r.lapsed_days * kDayMs) return Segment::kLapsed;
  if (p.count >= static_cast<uint64_t>(r.deal_min_purchases) &&
      static_cast<double>(p.deal_count) >= r.deal_share * static_cast<double>(p.count))
    return Segment::kDealSeeker;
  if (p.count >= static_cast<uint64_t>(r.advocate_min_purchases)) {
    uint32_t top = 0;
    for (const auto& [f, n] : p.by_brand) top = std::max(top, n);
    if (static_cast<double>(top) >= r.advocate_brand_share * static_cast<double>(p.count))
      return Segment::kBrandAdvocate;
  }
  const size_t categories = p.by_category.size() + (p.other_category > 0 ? 1 : 0);
  if (categories >= static_cast<size_t>(r.multi_min_categories)) return Segment::kMultiCategory;
  return Segment::kSingleCategoryRegular;
}

absl::Status Profile::SetPreferences(std::vector<std::string> likes, std::vector<std::string> dislikes) {
  if (likes.size() > kMaxPreferences || dislikes.size() > kMaxPreferences)
    return absl::InvalidArgumentError(absl::StrCat("at most ", kMaxPreferences, " likes and ", kMaxPreferences,
                                                   " dislikes are kept; remove some first"));
  std::vector<std::string> l, d;
  for (const std::string& w : likes) {
    if (auto s = ValidatePreferenceWord(w); !s.ok()) return s;
    std::string n = NormalizeKey(w);
    if (std::find(l.begin(), l.end(), n) == l.end()) l.push_back(std::move(n));
  }
  for (const std::string& w : dislikes) {
    if (auto s = ValidatePreferenceWord(w); !s.ok()) return s;
    std::string n = NormalizeKey(w);
    if (std::find(l.begin(), l.end(), n) != l.end())
      return absl::InvalidArgumentError(absl::StrCat("'", n, "' is both liked and disliked; pick one"));
    if (std::find(d.begin(), d.end(), n) == d.end()) d.push_back(std::move(n));
  }
  likes_ = std::move(l);
  dislikes_ = std::move(d);
  return absl::OkStatus();
}

absl::Status Profile::AddPreference(std::string_view word, bool like) {
  if (auto s = ValidatePreferenceWord(word); !s.ok()) return s;
  std::string n = NormalizeKey(word);
  std::vector<std::string>& to = like ? likes_ : dislikes_;
  std::vector<std::string>& from = like ? dislikes_ : likes_;
  if (std::find(to.begin(), to.end(), n) != to.end()) return absl::OkStatus();
  if (to.size() >= kMaxPreferences)
    return absl::ResourceExhaustedError(absl::StrCat("at most ", kMaxPreferences, like ? " likes" : " dislikes",
                                                     " are kept; remove some first"));
  EraseValue(&from, n);
  to.push_back(std::move(n));
  return absl::OkStatus();
}

bool Profile::Forget(FeatureId feature, std::string_view key) {
  bool removed = affinities_.erase(feature) > 0;
  removed |= purchases_.by_category.erase(feature) > 0;
  removed |= purchases_.by_brand.erase(feature) > 0;
  std::string value(key.substr(key.find(':') == std::string_view::npos ? 0 : key.find(':') + 1));
  for (std::vector<std::string>* list : {&likes_, &dislikes_}) {
    size_t before = list->size();
    EraseValue(list, std::string(key));
    EraseValue(list, value);
    removed |= list->size() != before;
  }
  return removed;
}

uint64_t Profile::total_events() const {
  uint64_t n = 0;
  for (uint64_t c : counts_) n += c;
  return n;
}

std::vector<RawEvent> Profile::RecentEvents() const {
  std::vector<RawEvent> out;
  out.reserve(window_.size());
  for (size_t i = 0; i < window_.size(); ++i) out.push_back(window_[(window_next_ + i) % window_.size()]);
  return out;
}

size_t Profile::ApproxBytes() const {
  size_t bytes = sizeof(*this);
  bytes += affinities_.capacity() * (sizeof(FeatureId) + sizeof(hearth::Affinity) + 1);
  for (const RawEvent& e : window_) bytes += sizeof(RawEvent) + e.item.capacity();
  bytes += dedup_ring_.capacity() * sizeof(uint64_t) + dedup_set_.capacity() * (sizeof(uint64_t) + 1);
  bytes += purchases_.recent_ms.capacity() * sizeof(int64_t);
  bytes += (purchases_.by_category.capacity() + purchases_.by_brand.capacity()) * (sizeof(FeatureId) + 5);
  for (const auto* list : {&likes_, &dislikes_})
    for (const std::string& s : *list) bytes += sizeof(std::string) + s.capacity();
  return bytes;
}

}  // namespace hearth
