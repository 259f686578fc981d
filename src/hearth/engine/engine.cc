#include "hearth/engine/engine.h"

#include <algorithm>
#include <cmath>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "hearth/common/hash.h"
#include "hearth/common/text.h"
#include "hearth/snapshot/snapshot.h"
#include "hearth/version.h"

namespace hearth {
namespace {

constexpr size_t kMaxQueryTokens = 16;

bool NeedsItem(EventType t) { return t != EventType::kSearch; }

std::string_view KindName(FeatureKind k) {
  switch (k) {
    case FeatureKind::kCategory: return "category";
    case FeatureKind::kTag: return "tag";
    case FeatureKind::kBrand: return "brand";
    case FeatureKind::kPrice: return "price";
    case FeatureKind::kOther: break;
  }
  return "other";
}

std::string_view SegmentSentence(Segment s) {
  switch (s) {
    case Segment::kNew: return "You are new here: no purchases yet.";
    case Segment::kDisengaged: return "You have not been around for a while.";
    case Segment::kLapsed: return "You have bought before, but not recently.";
    case Segment::kDealSeeker: return "You often buy on a deal.";
    case Segment::kBrandAdvocate: return "You keep coming back to one brand.";
    case Segment::kMultiCategory: return "You shop across several departments.";
    case Segment::kSingleCategoryRegular: return "You are a regular in one department.";
  }
  return "";
}

std::string Days(double d) {
  if (d < 1) return "today";
  const int n = static_cast<int>(d);
  return n == 1 ? "yesterday" : absl::StrCat(n, " days ago");
}

}  // namespace

absl::Status ValidateNow(double now_ms) {
  if (!std::isfinite(now_ms) || now_ms < static_cast<double>(kMinEventMs) || now_ms > 253402300799999.0)
    return absl::InvalidArgumentError(
        absl::StrCat("the clock reading ", now_ms, " is not a time after 2000 in milliseconds; check options.now"));
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<Engine>> Engine::Create(const ProfileConfig& config) {
  if (auto s = ValidateProfileConfig(config); !s.ok()) return s;
  return std::unique_ptr<Engine>(new Engine(config));
}

absl::StatusOr<LoadResult> Engine::LoadCatalog(std::string_view json, LoadMode mode) {
  return catalog_.Load(json, mode);
}

absl::StatusOr<LoadResult> Engine::LoadCatalogPadded(std::string_view json, LoadMode mode) {
  return catalog_.LoadPadded(json, mode);
}

absl::Status Engine::RemoveItem(std::string_view id) { return catalog_.Remove(id); }

absl::StatusOr<TrackOutcome> Engine::Track(const TrackEvent& e, double now_ms) {
  if (auto s = ValidateNow(now_ms); !s.ok()) return s;
  EventType type;
  if (!ParseEventType(e.type, &type))
    return absl::InvalidArgumentError(
        absl::StrCat("unknown event type '", e.type.substr(0, 40),
                     "'; use view, click, add_to_cart, purchase, search, dwell or dismiss"));
  if (!std::isfinite(e.ts_ms))
    return absl::InvalidArgumentError("event ts must be a finite number of milliseconds since 1970");
  if (e.ts_ms < static_cast<double>(kMinEventMs))
    return absl::InvalidArgumentError(absl::StrCat("event ts ", e.ts_ms, " is before 2000; pass milliseconds, not seconds"));
  if (e.ts_ms > now_ms + static_cast<double>(kMaxClockSkewMs))
    return absl::InvalidArgumentError(absl::StrCat("event ts ", e.ts_ms, " is more than a day in the future"));
  const int64_t ts = static_cast<int64_t>(e.ts_ms);
  if (e.id.size() > kMaxEventIdBytes)
    return absl::InvalidArgumentError(absl::StrCat("event id is longer than ", kMaxEventIdBytes, " bytes"));
  if (e.tz_offset_min < -kMaxTzOffsetMin || e.tz_offset_min > kMaxTzOffsetMin)
    return absl::InvalidArgumentError("tzOffsetMinutes must be a UTC offset from -840 to 840 minutes");
  std::vector<std::pair<std::string, ContextValue>> context;
  if (auto s = ParseEventContext(e.context_json, &context); !s.ok()) return s;

  ProfileEvent pe;
  pe.type = type;
  pe.ts_ms = ts;
  const Item* item = nullptr;
  std::vector<FeatureId> query_features;
  if (NeedsItem(type) || !e.item.empty()) {
    if (e.item.empty())
      return absl::InvalidArgumentError(absl::StrCat("a '", e.type, "' event needs an item id"));
    item = catalog_.Find(e.item);
    if (item == nullptr)
      return absl::NotFoundError(absl::StrCat("item '", e.item.substr(0, kMaxIdBytes),
                                              "' is not in the catalog; load the catalog before tracking it"));
    pe.item = item->id;
    pe.features = item->features;
  }
  if (type == EventType::kSearch) {
    if (NormalizeKey(e.query).empty()) return absl::InvalidArgumentError("a 'search' event needs a non-empty query");
    if (e.query.size() > kMaxQueryBytes)
      return absl::InvalidArgumentError(absl::StrCat("search query is longer than ", kMaxQueryBytes, " bytes"));
    if (item == nullptr) {
      std::vector<std::string> tokens = Tokenize(e.query);
      if (tokens.size() > kMaxQueryTokens) tokens.resize(kMaxQueryTokens);
      for (const std::string& t : tokens)
        for (FeatureId f : features_.ByToken(t)) query_features.push_back(f);
      std::sort(query_features.begin(), query_features.end());
      query_features.erase(std::unique(query_features.begin(), query_features.end()), query_features.end());
      pe.features = query_features;
    }
  }
  if (type == EventType::kPurchase) {
    if (!std::isfinite(e.quantity) || e.quantity < 1 || e.quantity > 10000 || e.quantity != std::floor(e.quantity))
      return absl::InvalidArgumentError("purchase quantity must be a whole number from 1 to 10000");
    if (std::isnan(e.value)) {
      pe.amount = item->price.value_or(0) * e.quantity;
    } else if (!std::isfinite(e.value) || e.value < 0 || e.value > kMaxPrice) {
      return absl::InvalidArgumentError(absl::StrCat("purchase value must be an amount between 0 and ", kMaxPrice));
    } else {
      pe.amount = e.value;
    }
    pe.deal = e.deal || (item->price && *item->price > 0 && pe.amount < 0.95 * *item->price * e.quantity);
    if (!item->category.empty())
      if (auto f = features_.Find(absl::StrCat("cat:", NormalizeKey(item->category[0])))) pe.top_category = *f;
    if (auto f = features_.Find(absl::StrCat("brand:", NormalizeKey(item->brand)))) pe.brand = *f;
  } else if (type == EventType::kDwell) {
    if (!std::isfinite(e.value) || e.value < 0 || e.value > 86400)
      return absl::InvalidArgumentError("dwell value must be the seconds spent, from 0 to 86400");
    pe.dwell_seconds = e.value;
  }

  // Deduplicate last, so a rejected event never burns its id.
  if (!e.id.empty()) {
    const uint64_t h = Fnv1a64(e.id);
    if (profile_.SeenEventId(h)) return TrackOutcome::kDuplicate;
    profile_.RememberEventId(h);
  }
  // Personalization denied: no profile is kept, nothing is learned.
  if (!privacy_.consent().denied(Purpose::kPersonalization)) {
    profile_.Observe(pe);
    if (type == EventType::kPurchase) rank_.RememberPurchase(item->id);
  }
  campaigns_.Observe(type, pe.item, pe.features, ts, features_);
  privacy_.Observe(type, static_cast<int64_t>(now_ms), rank_);
  // Gamification denied: the event is recorded but earns nothing.
  if (!privacy_.consent().denied(Purpose::kGamification)) {
    const uint64_t awarded = game_.rewards_awarded();
    FeedGame(e, item, ts, static_cast<int64_t>(now_ms), context);
    const uint64_t n = game_.rewards_awarded() - awarded;
    // The engagement report counts the rewards this event produced.
    if (n > 0) privacy_.AddRewards(static_cast<int64_t>(now_ms), static_cast<uint32_t>(std::min<uint64_t>(n, UINT32_MAX)));
  }
  ++revision_;
  return TrackOutcome::kRecorded;
}

bool Engine::FeedGame(const TrackEvent& e, const Item* item, int64_t ts, int64_t now,
                      const std::vector<std::pair<std::string, ContextValue>>& context) {
  GameEvent g;
  g.type = e.type;
  std::string key;
  g.ts_ms = ts;
  g.tz_offset_min = e.tz_offset_min;
  std::string segment;
  if (game_.has_rules()) {
    // The key (read only when rules are loaded) is built only then: a
    // StrCat per event was ~4% of track() without a game.
    if (!e.id.empty()) {
      g.key = e.id;
    } else {  // no id: the event's own content is its identity
      key = absl::StrCat(e.type, "|", e.item, "|", ts);
      g.key = key;
    }
    if (item != nullptr) {
      g.item = item->id;
      if (!item->category.empty()) g.category = CategoryKey(item->category).substr(4);  // drop "cat:"
      for (const std::string& t : item->tags) g.tags.push_back(NormalizeKey(t));
      g.brand = NormalizeKey(item->brand);
      g.price = item->price.value_or(-1);
    }
    if (e.type == "purchase") {
      g.amount = std::isnan(e.value) ? (item && item->price ? *item->price * e.quantity : 0) : e.value;
      g.quantity = e.quantity;
      g.deal = e.deal;
    }
    segment = std::string(SegmentName(profile_.segment(ts)));
    g.segment = segment;
    g.context = &context;
  }
  return game_.Observe(g, now);
}

absl::StatusOr<GameView> Engine::GameState(double now_ms, int32_t tz, size_t history) {
  if (auto s = ValidateNow(now_ms); !s.ok()) return s;
  if (tz < -kMaxTzOffsetMin || tz > kMaxTzOffsetMin)
    return absl::InvalidArgumentError("tzOffsetMinutes must be a UTC offset from -840 to 840 minutes");
  const int64_t now = static_cast<int64_t>(now_ms);
  if (game_.Advance(now, tz)) ++revision_;
  return game_.View(now, tz, history);
}

absl::StatusOr<MysteryResult> Engine::OpenMystery(std::string_view box, double now_ms) {
  if (auto s = ValidateNow(now_ms); !s.ok()) return s;
  const int64_t now = static_cast<int64_t>(now_ms);
  if (privacy_.consent().denied(Purpose::kGamification))
    return absl::FailedPreconditionError("gamification consent is denied; a mystery box awards nothing until it is granted");
  if (game_.Advance(now, 0)) ++revision_;
  const uint64_t awarded = game_.rewards_awarded();
  auto r = game_.OpenMystery(box, now, &rng_);
  if (r.ok()) {
    ++revision_;
    const uint64_t n = game_.rewards_awarded() - awarded;
    if (n > 0) privacy_.AddRewards(now, static_cast<uint32_t>(std::min<uint64_t>(n, UINT32_MAX)));
  }
  return r;
}

absl::Status Engine::RefundEvent(std::string_view event_id, double now_ms) {
  if (auto s = ValidateNow(now_ms); !s.ok()) return s;
  if (event_id.empty() || event_id.size() > kMaxEventIdBytes)
    return absl::InvalidArgumentError("refund needs the id of the event to reverse (1 to 128 bytes)");
  auto s = game_.Refund(event_id, static_cast<int64_t>(now_ms));
  if (s.ok()) ++revision_;
  return s;
}

ProfileSummary Engine::Summarize(int64_t now_ms) const {
  ProfileSummary s;
  for (const auto& [f, w] : profile_.TopInterests(now_ms, 10, &features_))
    s.interests.push_back(Interest{features_.key(f), features_.label(f), std::string(KindName(features_.kind(f))), w});
  const Segment seg = profile_.segment(now_ms);
  s.segment = std::string(SegmentName(seg));
  const PurchaseStats& p = profile_.purchases();
  s.events_total = profile_.total_events();
  if (s.events_total > 0) s.days_since_active = std::max(0.0, double(now_ms - profile_.last_active_ms()) / kDayMs);
  if (p.count > 0) s.days_since_purchase = std::max(0.0, double(now_ms - p.last_ms) / kDayMs);
  s.purchases_90d = profile_.PurchasesWithin(now_ms, 90);
  s.purchases_total = p.count;
  s.monetary_total = p.monetary;
  s.likes = profile_.likes();
  s.dislikes = profile_.dislikes();

  if (s.events_total == 0 && s.likes.empty() && s.dislikes.empty()) {
    s.sentences.push_back("Hearth knows nothing about you yet.");
    return s;
  }
  if (!s.interests.empty()) {
    std::vector<std::string> names;
    for (size_t i = 0; i < s.interests.size() && names.size() < 3; ++i)
      if (s.interests[i].kind != "price") names.push_back(s.interests[i].label);
    if (!names.empty()) s.sentences.push_back(absl::StrCat("You seem most interested in ", absl::StrJoin(names, ", "), "."));
  }
  if (s.events_total > 0) s.sentences.push_back(std::string(SegmentSentence(seg)));
  if (s.days_since_active >= 0) {
    std::string line = absl::StrCat("Last active ", Days(s.days_since_active));
    if (p.count > 0)
      absl::StrAppend(&line, "; ", p.count, p.count == 1 ? " purchase" : " purchases", " in total (",
                      s.purchases_90d, " in the last 90 days)");
    s.sentences.push_back(line + ".");
  }
  if (!s.likes.empty()) s.sentences.push_back(absl::StrCat("You told us you like ", absl::StrJoin(s.likes, ", "), "."));
  if (!s.dislikes.empty())
    s.sentences.push_back(absl::StrCat("You told us to avoid ", absl::StrJoin(s.dislikes, ", "), "."));
  return s;
}

absl::Status Engine::SetPreferences(std::vector<std::string> likes, std::vector<std::string> dislikes) {
  auto s = profile_.SetPreferences(std::move(likes), std::move(dislikes));
  if (s.ok()) ++revision_;
  return s;
}

absl::Status Engine::AddPreference(std::string_view word, bool like) {
  auto s = profile_.AddPreference(word, like);
  if (s.ok()) ++revision_;
  return s;
}

absl::Status Engine::Forget(std::string_view what) {
  if (what.empty() || what.size() > 512)
    return absl::InvalidArgumentError("forget() needs a feature key such as 'brand:acme' or a word such as 'trail'");
  bool removed = false;
  if (auto f = features_.Find(what)) removed |= profile_.Forget(*f, what);
  if (what.find(':') == std::string_view::npos) {
    std::string token = NormalizeKey(what);
    for (FeatureId f : features_.ByToken(token)) removed |= profile_.Forget(f, features_.key(f));
    removed |= profile_.Forget(~FeatureId{0}, token);  // a like/dislike with no feature behind it
  }
  if (!removed)
    return absl::NotFoundError(absl::StrCat("the profile holds nothing about '", what.substr(0, 64),
                                            "'; see profile().interests for what can be forgotten"));
  ++revision_;
  return absl::OkStatus();
}

absl::StatusOr<std::vector<Pick>> Engine::Recommend(const RecommendRequest& request) {
  if (auto s = ValidateNow(static_cast<double>(request.now_ms)); !s.ok()) return s;
  if (privacy_.consent().denied(Purpose::kPersonalization)) {
    // Non-personalized: the (empty) profile gives popular picks, and the
    // ranking memory of this request is thrown away.
    RankState scratch;
    return ranker_.Recommend(catalog_, profile_, priors_, request, &scratch, &rng_);
  }
  auto picks = ranker_.Recommend(catalog_, profile_, priors_, request, &rank_, &rng_);
  if (picks.ok()) ++revision_;  // impressions and the bandit moved
  return picks;
}

namespace {

absl::Status ValidateContext(const DealContext& ctx) {
  if (ctx.hour && (*ctx.hour < 0 || *ctx.hour > 23)) return absl::InvalidArgumentError("context.hour must be 0–23");
  if (ctx.weekday && (*ctx.weekday < 1 || *ctx.weekday > 7))
    return absl::InvalidArgumentError("context.weekday must be 1 (Monday) … 7 (Sunday)");
  if (ctx.distance_km && !(*ctx.distance_km >= 0)) return absl::InvalidArgumentError("context.distanceKm must be >= 0");
  if (ctx.utc_offset_min < -14 * 60 || ctx.utc_offset_min > 14 * 60)
    return absl::InvalidArgumentError("context.tzOffsetMinutes must be from -840 to 840");
  if (ctx.available.size() > kMaxCampaignListEntries)
    return absl::InvalidArgumentError(absl::StrCat("context.available has more than ", kMaxCampaignListEntries, " keys"));
  for (const auto& [key, n] : ctx.available)
    if (!std::isfinite(n)) return absl::InvalidArgumentError("context.available counts must be finite numbers");
  return absl::OkStatus();
}

// Puts campaign deals first (in campaign order), marks them, cuts to `count`.
// `marks` maps a promotion id to the campaign shown through it.
void PlaceCampaignDeals(const std::vector<std::pair<std::string, std::string>>& marks, int count,
                        std::vector<Deal>* deals) {
  std::vector<Deal> out;
  std::vector<bool> taken(deals->size(), false);
  for (const auto& [promotion, campaign] : marks) {
    for (size_t i = 0; i < deals->size(); ++i) {
      if (taken[i] || (*deals)[i].promotion != promotion) continue;
      taken[i] = true;
      out.push_back(std::move((*deals)[i]));
      out.back().campaign = campaign;
      break;
    }
  }
  for (size_t i = 0; i < deals->size(); ++i)
    if (!taken[i]) out.push_back(std::move((*deals)[i]));
  if (out.size() > static_cast<size_t>(count)) out.resize(count);
  *deals = std::move(out);
}

}  // namespace

absl::StatusOr<std::vector<Deal>> Engine::RecommendDeals(const DealContext& context, int64_t now_ms, int count,
                                                         const std::vector<std::string>& exclude) {
  if (auto s = ValidateNow(static_cast<double>(now_ms)); !s.ok()) return s;
  if (auto s = ValidateContext(context); !s.ok()) return s;
  if (count < 1) return absl::InvalidArgumentError(absl::StrCat("count must be at least 1, got ", count));
  count = std::min(count, kMaxCount);
  const bool had_salt = campaigns_.state().has_salt;
  const std::vector<CampaignDecision> decisions =
      campaigns_.Evaluate(profile_, features_, context, now_ms, CampaignActionType::kDeal, &rng_);
  if (!had_salt && campaigns_.state().has_salt) ++revision_;  // the install salt is saved state
  if (decisions.empty())
    return hearth::RecommendDeals(catalog_, profile_, promotions_, context, now_ms, count, exclude, rank_);

  // The list every arm would see with its campaigns applied: it decides which
  // campaigns are exposed (a holdout device is exposed to what it would have
  // been shown), so both arms are counted the same way.
  std::vector<Promotion> offers, treatment_offers;
  std::vector<std::pair<std::string, std::string>> marks, treatment_marks;
  for (const CampaignDecision& d : decisions) {
    const Campaign& c = campaigns_.all()[d.index];
    std::string promotion = c.action.promotion;
    if (c.action.own_offer()) {
      offers.push_back(campaigns_.OfferOf(d.index));
      promotion = offers.back().id;
      if (d.arm == CampaignArm::kTreatment) treatment_offers.push_back(offers.back());
    }
    marks.emplace_back(promotion, c.id);
    if (d.arm == CampaignArm::kTreatment) treatment_marks.emplace_back(promotion, c.id);
  }
  auto full = hearth::RecommendDeals(catalog_, profile_, promotions_, context, now_ms, kMaxCount, exclude, rank_, &offers);
  if (!full.ok()) return full.status();
  PlaceCampaignDeals(marks, count, &*full);
  auto decision_of = [&](const std::string& id) {
    for (const CampaignDecision& d : decisions)
      if (campaigns_.all()[d.index].id == id) return d;
    return decisions.front();  // unreachable: every mark comes from a decision
  };
  bool any_holdout = false;
  for (const Deal& deal : *full) {
    if (deal.campaign.empty()) continue;
    const CampaignDecision d = decision_of(deal.campaign);
    if (d.arm == CampaignArm::kHoldout) {
      campaigns_.RecordExposure(d.index, CampaignArm::kHoldout, context, now_ms);
      any_holdout = true;
      ++revision_;
    }
  }
  std::vector<Deal> shown;
  if (!any_holdout) {
    shown = *std::move(full);
  } else {
    auto plain = hearth::RecommendDeals(catalog_, profile_, promotions_, context, now_ms, kMaxCount, exclude, rank_,
                                        &treatment_offers);
    if (!plain.ok()) return plain.status();
    PlaceCampaignDeals(treatment_marks, count, &*plain);
    shown = *std::move(plain);
  }
  for (const Deal& deal : shown) {
    if (deal.campaign.empty()) continue;
    campaigns_.RecordExposure(decision_of(deal.campaign).index, CampaignArm::kTreatment, context, now_ms);
    ++revision_;
  }
  return shown;
}

absl::StatusOr<std::vector<CampaignListing>> Engine::ListCampaigns(const CampaignContext& context, int64_t now_ms) {
  if (auto s = ValidateNow(static_cast<double>(now_ms)); !s.ok()) return s;
  if (auto s = ValidateContext(context); !s.ok()) return s;
  const bool had_salt = campaigns_.state().has_salt;
  auto out = campaigns_.List(profile_, features_, context, now_ms, &rng_);
  if (!had_salt && campaigns_.state().has_salt) ++revision_;
  return out;
}

absl::StatusOr<std::vector<const Campaign*>> Engine::ActiveCampaigns(const CampaignContext& context, int64_t now_ms) {
  if (auto s = ValidateNow(static_cast<double>(now_ms)); !s.ok()) return s;
  if (auto s = ValidateContext(context); !s.ok()) return s;
  std::vector<const Campaign*> out;
  const bool had_salt = campaigns_.state().has_salt;
  const auto decisions = campaigns_.Evaluate(profile_, features_, context, now_ms, std::nullopt, &rng_);
  if (!had_salt && campaigns_.state().has_salt) ++revision_;
  for (const CampaignDecision& d : decisions) {
    campaigns_.RecordExposure(d.index, d.arm, context, now_ms);
    ++revision_;
    if (d.arm == CampaignArm::kTreatment) out.push_back(&campaigns_.all()[d.index]);
  }
  return out;
}

absl::Status Engine::Feedback(const FeedbackEvent& event) {
  if (auto s = ValidateNow(static_cast<double>(event.now_ms)); !s.ok()) return s;
  if (privacy_.consent().denied(Purpose::kPersonalization)) return absl::OkStatus();  // nothing to learn into
  auto s = ranker_.Feedback(catalog_, event, &rank_);
  if (s.ok()) ++revision_;
  return s;
}

std::string Engine::ExportSnapshot() const {
  return EncodeSnapshot(features_, profile_, rank_, rng_.state(), revision_, campaigns_.state(), privacy_, game_);
}

absl::Status Engine::RestoreSnapshot(std::string_view blob) {
  SnapshotContents contents(profile_.config());
  if (auto s = DecodeSnapshot(blob, &contents); !s.ok()) return s;
  contents.Commit(&features_, &profile_, &revision_);
  rank_ = std::move(contents.rank);
  if (contents.has_rng) rng_.set_state(contents.rng_state);
  campaigns_.RestoreState(std::move(contents.campaign));
  PrivacyState restored;
  restored.set_policy(privacy_.policy());
  if (contents.has_consent) restored.mutable_consent() = contents.privacy.consent();
  if (contents.has_reports) {
    ByteWriter w;  // move the decoded sections across without exposing their fields
    contents.privacy.EncodeReports(&w);
    ByteReader r(w.data());
    if (auto s = PrivacyState::DecodeReports(&r, &restored); !s.ok()) return s;
  }
  privacy_ = std::move(restored);
  game_.TakeStateFrom(std::move(contents.game));  // fresh when the blob has no game section
  return absl::OkStatus();
}

void Engine::Erase() {
  profile_ = Profile(profile_.config());
  rank_.Clear();
  campaigns_.ResetState();  // a new salt too: the erased device is a new install
  privacy_.EraseUserData();
  game_.Erase();
  ++revision_;
}

absl::Status Engine::SetConsent(Purpose purpose, ConsentState state, ConsentSource source, double now_ms) {
  if (auto s = ValidateNow(now_ms); !s.ok()) return s;
  privacy_.mutable_consent().Set(purpose, state, source, static_cast<int64_t>(now_ms));
  if (state == ConsentState::kDenied) {
    if (purpose == Purpose::kPersonalization) {
      profile_ = Profile(profile_.config());
      rank_.Clear();
    } else if (purpose == Purpose::kMeasurement) {
      privacy_.DropMeasurementData();
    }
  }
  privacy_.Invalidate();
  ++revision_;
  return absl::OkStatus();
}

absl::Status Engine::SetPrivacyPolicy(std::string_view json) {
  auto policy = ParsePrivacyPolicy(json);
  if (!policy.ok()) return policy.status();
  privacy_.set_policy(*policy);
  return absl::OkStatus();
}

ReportInputs Engine::ReportInputsAt(int64_t now_ms) const {
  ReportInputs in;
  in.sdk = HEARTH_VERSION_STRING;
  // The taxonomy is public shop content: the catalog's top-level categories,
  // the kMaxTaxonomy with the most items, in key order.
  absl::flat_hash_map<std::string, size_t> counts;
  for (const Item& item : catalog_.items())
    if (!item.category.empty()) {
      std::string key = NormalizeKey(item.category[0]);
      if (!key.empty() && key.size() <= kMaxTaxonomyKeyBytes) ++counts[key];
    }
  std::vector<std::pair<std::string, size_t>> top(counts.begin(), counts.end());
  std::sort(top.begin(), top.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  if (top.size() > kMaxTaxonomy) top.resize(kMaxTaxonomy);
  for (auto& [key, n] : top) in.taxonomy.push_back(key);
  std::sort(in.taxonomy.begin(), in.taxonomy.end());
  double best = 0;
  for (size_t i = 0; i < in.taxonomy.size(); ++i)
    if (auto f = features_.Find(absl::StrCat("cat:", in.taxonomy[i]))) {
      const double a = profile_.Affinity(*f, now_ms);
      if (a > best) {
        best = a;
        in.top_interest = static_cast<int>(i);
      }
    }
  // Every loaded campaign (a public list) with this device's arm, so which
  // campaigns a report names says nothing about the device; the per-day
  // outcomes come from the campaign module (its days are the device's local
  // days, the report's period a UTC day: at most the offset apart).
  const CampaignState& cs = campaigns_.state();
  if (cs.has_salt)
    for (const Campaign& c : campaigns_.all())
      in.campaigns.push_back({c.id, std::string(CampaignArmName(ArmFor(cs.salt, c.id, c.holdout)))});
  for (const CampaignDayStat& r : campaigns_.stats())
    in.campaign_days.push_back({r.campaign_id, std::string(CampaignArmName(r.arm)), r.day, r.exposed, r.converted});
  return in;
}

absl::StatusOr<const PreparedRound*> Engine::PrepareReports(double now_ms) {
  if (auto s = ValidateNow(now_ms); !s.ok()) return s;
  const int64_t now = static_cast<int64_t>(now_ms);
  if (!privacy_.PreparedFor(revision_, now)) {
    privacy_.ObserveBandit(now, rank_);
    privacy_.Prepare(now, ReportInputsAt(now), &rng_, &revision_);
  }
  return privacy_.prepared();
}

absl::StatusOr<std::vector<LedgerEntry>> Engine::CommitReports(const std::vector<std::string>& ids, double now_ms) {
  if (auto s = ValidateNow(now_ms); !s.ok()) return s;
  auto entries = privacy_.Commit(ids, static_cast<int64_t>(now_ms));
  if (entries.ok()) ++revision_;
  return entries;
}

size_t Engine::AckReports(const std::vector<std::string>& ids) {
  const size_t n = privacy_.Ack(ids);
  if (n > 0) ++revision_;
  return n;
}

std::string Engine::ExportJson(int64_t now_ms) const {
  const ProfileSummary s = Summarize(now_ms);
  JsonWriter j;
  j.BeginObject();
  j.Key("format");
  j.String("hearth-profile");
  j.Key("exported_at");
  j.Int(now_ms);
  j.Key("summary");
  j.BeginArray();
  for (const std::string& line : s.sentences) j.String(line);
  j.EndArray();
  j.Key("segment");
  j.String(s.segment);
  j.Key("interests");
  j.BeginArray();
  std::vector<FeatureId> order;
  for (const auto& [f, a] : profile_.affinities()) order.push_back(f);
  std::sort(order.begin(), order.end(), [&](FeatureId a, FeatureId b) { return features_.key(a) < features_.key(b); });
  for (FeatureId f : order) {
    const Affinity& a = profile_.affinities().at(f);
    j.BeginObject();
    j.Key("feature");
    j.String(features_.key(f));
    j.Key("label");
    j.String(features_.label(f));
    j.Key("weight_now");
    j.Double(profile_.Affinity(f, now_ms));
    j.Key("by_event_type");
    j.BeginObject();
    for (int t = 0; t < kEventTypes; ++t) {
      if (a.weight[t] == 0) continue;
      j.Key(EventTypeName(static_cast<EventType>(t)));
      j.Double(a.weight[t]);
    }
    j.EndObject();
    j.Key("as_of");
    j.Int(a.updated_ms);
    j.EndObject();
  }
  j.EndArray();
  j.Key("event_counts");
  j.BeginObject();
  for (int t = 0; t < kEventTypes; ++t) {
    j.Key(EventTypeName(static_cast<EventType>(t)));
    j.Int(static_cast<int64_t>(profile_.event_counts()[t]));
  }
  j.EndObject();
  const PurchaseStats& p = profile_.purchases();
  j.Key("purchases");
  j.BeginObject();
  j.Key("count");
  j.Int(static_cast<int64_t>(p.count));
  j.Key("on_deal");
  j.Int(static_cast<int64_t>(p.deal_count));
  j.Key("monetary_total");
  j.Double(p.monetary);
  j.Key("first");
  j.Int(p.first_ms);
  j.Key("last");
  j.Int(p.last_ms);
  j.EndObject();
  j.Key("recent_events");
  j.BeginArray();
  for (const RawEvent& e : profile_.RecentEvents()) {
    j.BeginObject();
    j.Key("type");
    j.String(EventTypeName(e.type));
    j.Key("item");
    j.String(e.item);
    j.Key("ts");
    j.Int(e.ts_ms);
    if (e.value != 0) {
      j.Key("value");
      j.Double(e.value);
    }
    j.EndObject();
  }
  j.EndArray();
  j.Key("likes");
  j.BeginArray();
  for (const auto& w : s.likes) j.String(w);
  j.EndArray();
  j.Key("dislikes");
  j.BeginArray();
  for (const auto& w : s.dislikes) j.String(w);
  j.EndArray();
  // Campaign outcomes kept on this device (the salt that picks arms is a
  // random number, not about the user, and stays out).
  j.Key("campaigns");
  j.BeginArray();
  for (const CampaignDayStat& r : campaigns_.stats()) {
    j.BeginObject();
    j.Key("campaign");
    j.String(r.campaign_id);
    j.Key("arm");
    j.String(CampaignArmName(r.arm));
    j.Key("day");
    j.Int(r.day);
    j.Key("exposed");
    j.Int(r.exposed);
    j.Key("converted");
    j.Int(r.converted);
    j.EndObject();
  }
  j.EndArray();
  j.Key("consent");
  j.BeginObject();
  for (int i = 0; i < kPurposes; ++i) {
    const PurposeConsent& c = privacy_.consent().get(static_cast<Purpose>(i));
    j.Key(PurposeName(static_cast<Purpose>(i)));
    j.BeginObject();
    j.Key("state");
    j.String(ConsentStateName(c.state));
    j.Key("ts");
    if (c.ts_ms < 0) j.Null();
    else j.Int(c.ts_ms);
    j.Key("source");
    j.String(ConsentSourceName(c.source));
    j.EndObject();
  }
  j.EndObject();
  j.Key("privacy_ledger");
  j.BeginArray();
  for (const LedgerEntry& e : privacy_.ledger()) {
    j.BeginObject();
    j.Key("ts");
    j.Int(e.ts_ms);
    j.Key("period");
    j.String(DayString(e.day));
    j.Key("type");
    j.String(ReportTypeName(e.type));
    j.Key("epsilon");
    j.Double(e.epsilon.value());
    j.Key("report_id");
    j.String(e.report_id);
    j.EndObject();
  }
  j.EndArray();
  j.Key("reports_queued");
  j.BeginArray();
  for (const QueuedReport& q : privacy_.outbox()) j.String(q.json);
  j.EndArray();
  j.Key("game");
  game_.WriteJson(&j);
  j.EndObject();
  return j.str();
}

}  // namespace hearth
