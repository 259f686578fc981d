// The engine: one user's Hearth on one device. Owns the catalog, the profile
// and their shared feature vocabulary, and is what the bindings expose.
//
// Example:
//   auto engine = hearth::Engine::Create(hearth::ProfileConfig{}).value();
//   engine->LoadCatalog(json, hearth::LoadMode::kUpsert);
//   engine->Track({.type = "view", .item = "sku-1", .ts_ms = now}, now);
//   hearth::ProfileSummary me = engine->Summarize(now);
//   std::string blob = engine->ExportSnapshot();
//
// Time is always an argument (`now_ms`, milliseconds since the epoch): the
// engine has no clock. Every mutation bumps `revision()`, which snapshots
// carry so that the host can tell the newer of two saved blobs apart.
#ifndef HEARTH_ENGINE_ENGINE_H_
#define HEARTH_ENGINE_ENGINE_H_

#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "hearth/campaign/campaign.h"
#include "hearth/catalog/catalog.h"
#include "hearth/catalog/features.h"
#include "hearth/common/random.h"
#include "hearth/consent/consent.h"
#include "hearth/game/game.h"
#include "hearth/profile/profile.h"
#include "hearth/rank/priors.h"
#include "hearth/rank/promotions.h"
#include "hearth/rank/rank.h"
#include "hearth/report/privacy.h"

namespace hearth {

// An event as the host reports it. Numbers are doubles because that is what
// the host has; the engine validates them (NaN, negative, far future).
struct TrackEvent {
  std::string_view type;   // view | click | add_to_cart | purchase | search | dwell | dismiss
  std::string_view item;   // required except for search
  std::string_view id;     // optional; a repeated id is ignored (idempotent)
  double ts_ms = 0;        // when it happened
  std::string_view query;  // search text
  // purchase: amount paid (NaN: catalog price × quantity); dwell: seconds.
  double value = std::numeric_limits<double>::quiet_NaN();
  double quantity = 1;     // purchase
  bool deal = false;       // purchase: bought on a deal
  // The user's UTC offset in minutes (east positive) when the event
  // happened: game days and weeks are the user's (see game/game.h).
  int32_t tz_offset_min = 0;
  // Host context for game conditions: a flat JSON object, or empty.
  std::string_view context_json;
};

enum class TrackOutcome { kRecorded, kDuplicate };

inline constexpr size_t kMaxEventIdBytes = 128;
inline constexpr size_t kMaxQueryBytes = 256;
inline constexpr int64_t kMinEventMs = 946'684'800'000;  // 2000-01-01
inline constexpr int64_t kMaxClockSkewMs = kDayMs;       // events may be this far ahead of now

struct Interest {
  std::string feature;  // "cat:shoes/trail"
  std::string label;    // "Trail"
  std::string kind;     // category | tag | brand | price
  double weight = 0;
};

// What Hearth believes about the user, in weights and in words.
struct ProfileSummary {
  std::vector<Interest> interests;  // strongest first, at most 10
  std::string segment;
  double days_since_active = -1;    // -1: never
  double days_since_purchase = -1;  // -1: never
  int purchases_90d = 0;
  uint64_t purchases_total = 0;
  double monetary_total = 0;
  uint64_t events_total = 0;
  std::vector<std::string> likes;
  std::vector<std::string> dislikes;
  std::vector<std::string> sentences;  // plain-language explanation
};

class Engine {
 public:
  static absl::StatusOr<std::unique_ptr<Engine>> Create(const ProfileConfig& config);

  absl::StatusOr<LoadResult> LoadCatalog(std::string_view json, LoadMode mode);
  // LoadCatalog for a buffer readable kJsonPadding bytes past its end
  // (Catalog::LoadPadded): no copy of the document before parsing.
  absl::StatusOr<LoadResult> LoadCatalogPadded(std::string_view json, LoadMode mode);
  absl::Status RemoveItem(std::string_view id);

  absl::StatusOr<TrackOutcome> Track(const TrackEvent& event, double now_ms);

  ProfileSummary Summarize(int64_t now_ms) const;
  absl::Status SetPreferences(std::vector<std::string> likes, std::vector<std::string> dislikes);
  absl::Status AddPreference(std::string_view word, bool like);
  // Forgets a feature key ("brand:acme") or a plain word matching features.
  absl::Status Forget(std::string_view feature_or_word);

  // Recommendations (see rank/rank.h) and what the user did with them.
  absl::StatusOr<std::vector<Pick>> Recommend(const RecommendRequest& request);
  absl::Status Feedback(const FeedbackEvent& event);
  // The deals slot: promotions (shop content, like the catalog; not part of
  // the user's snapshot) matched to the profile and the host's context.
  absl::Status LoadPromotions(std::string_view json) { return promotions_.Load(json, catalog_); }
  // Deal campaigns that apply put their deal first, marked with the campaign
  // (treatment arm); the holdout arm gets the plain list. Either way the
  // exposure is recorded (see campaign/campaign.h), so this is not const.
  absl::StatusOr<std::vector<Deal>> RecommendDeals(const DealContext& context, int64_t now_ms, int count,
                                                   const std::vector<std::string>& exclude);
  // Population priors (rank/priors.h): shop-wide, like promotions; warm-start
  // users without history. On error the loaded priors stay.
  absl::Status LoadPriors(std::string_view json) { return priors_.Load(json); }
  const CategoryPriors& priors() const { return priors_; }

  // Campaigns (shop content, like promotions; the per-user arms, caps and
  // outcomes are in the snapshot). Load is all-or-nothing.
  absl::Status LoadCampaigns(std::string_view json) { return campaigns_.Load(json, catalog_); }
  // Every loaded campaign with this device's arm, eligibility and counts.
  absl::StatusOr<std::vector<CampaignListing>> ListCampaigns(const CampaignContext& context, int64_t now_ms);
  // The campaign actions to show now (treatment arm), recording one exposure
  // per applicable campaign on either arm: call it when you show them.
  absl::StatusOr<std::vector<const Campaign*>> ActiveCampaigns(const CampaignContext& context, int64_t now_ms);
  const Campaigns& campaigns() const { return campaigns_; }
  // Exposures and conversions per campaign, arm and local day.
  const CampaignStats& campaign_stats() const { return campaigns_.stats(); }
  // Seeds the randomness of the bandit and exploration (tests, SSR replays).
  void Seed(uint64_t seed) { rng_.Seed(seed); }
  const RankState& rank_state() const { return rank_; }

  // Consent (consent/consent.h). Personalization denied erases the profile
  // and ranking memory at once and keeps them empty (popular picks);
  // measurement denied drops unsent reports and the activity behind them.
  const Consent& consent() const { return privacy_.consent(); }
  absl::Status SetConsent(Purpose purpose, ConsentState state, ConsentSource source, double now_ms);
  // Private reports (report/privacy.h): the policy both device and collector
  // read, the next round (noised, not yet charged), charging it to the ledger
  // and queueing it, and dropping what the collector acknowledged.
  absl::Status SetPrivacyPolicy(std::string_view json);
  absl::StatusOr<const PreparedRound*> PrepareReports(double now_ms);
  absl::StatusOr<std::vector<LedgerEntry>> CommitReports(const std::vector<std::string>& ids, double now_ms);
  size_t AckReports(const std::vector<std::string>& ids);
  const PrivacyState& privacy() const { return privacy_; }
  // What reports are built from: the catalog's top-level categories (public),
  // this device's strongest of them, and its campaign arms and outcomes.
  ReportInputs ReportInputsAt(int64_t now_ms) const;
  // Gamification (game/game.h): the shop's rules (content, not in the
  // snapshot) and the user's loyalty state (in it). Track() feeds the game;
  // every change leaves RewardEvents to drain with TakeRewards().
  absl::StatusOr<size_t> LoadGame(std::string_view json) { return game_.Load(json); }
  // Settles expiry and tier downgrades at `now`, then describes the state.
  absl::StatusOr<GameView> GameState(double now_ms, int32_t tz_offset_min, size_t history = kMaxGameHistory);
  absl::StatusOr<MysteryResult> OpenMystery(std::string_view box, double now_ms);
  // Reverses what the event with this id earned (a returned order).
  absl::Status RefundEvent(std::string_view event_id, double now_ms);
  std::vector<RewardEvent> TakeRewards() { return game_.TakeRewards(); }
  size_t pending_rewards() const { return game_.pending_rewards(); }
  const Game& game() const { return game_; }

  std::string ExportSnapshot() const;
  absl::Status RestoreSnapshot(std::string_view blob);
  std::string ExportJson(int64_t now_ms) const;
  // Wipes everything about the user. The catalog (shop content) stays.
  void Erase();

  uint64_t revision() const { return revision_; }
  const Catalog& catalog() const { return catalog_; }
  const Profile& profile() const { return profile_; }
  const FeatureDictionary& features() const { return features_; }

 private:
  explicit Engine(const ProfileConfig& config) : catalog_(&features_), profile_(config) {}

  FeatureDictionary features_;
  Catalog catalog_;
  Profile profile_;
  Ranker ranker_;
  Promotions promotions_;
  CategoryPriors priors_;
  RankState rank_;
  Campaigns campaigns_;
  PrivacyState privacy_;
  Rng rng_;
  Game game_;
  uint64_t revision_ = 0;

  bool FeedGame(const TrackEvent& e, const Item* item, int64_t ts, int64_t now,
                const std::vector<std::pair<std::string, ContextValue>>& context);
};

// Checks that `now_ms` is a usable clock reading.
absl::Status ValidateNow(double now_ms);

}  // namespace hearth

#endif  // HEARTH_ENGINE_ENGINE_H_
