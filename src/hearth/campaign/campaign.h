// Campaigns: the playbook's use cases, deployed as JSON and run on the device.
// A campaign is a target segment + a trigger + an action + a frequency cap and
// quiet hours + a holdout share + a goal metric; the engine decides when one
// applies, records exposures and conversions per arm and day, and never sends
// anything (the privacy module reports noised aggregates of campaign_stats()).
//
// Example:
//   hearth::Campaigns campaigns;
//   absl::Status s = campaigns.Load(R"([{
//       "id": "rainy-tents", "name": "Rainy day tents",
//       "audience": {"segments": ["lapsed"], "interests": ["cat:camping"]},
//       "trigger": {"context": {"weather": ["rain"], "hours": [17, 22]}},
//       "action": {"type": "deal", "category": "Camping > Tents", "discount": 0.15},
//       "cap": {"perDay": 1, "lifetime": 5}, "quietHours": [22, 8],
//       "holdout": 0.1, "goal": {"event": "purchase", "windowHours": 72}}])", catalog);
//   auto now_showing = campaigns.Evaluate(profile, features, context, now, {}, &rng);
//   campaigns.RecordExposure(now_showing[0].index, now_showing[0].arm, context, now);
//   campaigns.Observe(hearth::EventType::kPurchase, "sku-1", item.features, ts, features);
//
// The JSON fields (unknown fields are errors; times are ms or ISO-8601):
//   id (required, unique), name, starts, ends (ends after starts),
//   audience: {segments: [lifecycle names], rfm: {recencyDays: [min, max],
//              frequency: [min, max], monetary: [min, max]}, interests:
//              ["cat:camping", "brand:acme", ...] (any of them held),
//              minor: true | false}
//   trigger:  {event: view | click | add_to_cart | purchase | search | dwell |
//              dismiss, item, category, withinHours (default 24), cancelOn:
//              <event type>, context: {hours: [from, to), weekdays: [1..7],
//              weather: [words], maxDistanceKm, available: {key: min count}}}
//   action:   {type: "deal", promotion: <loaded promotion id>} or
//             {type: "deal", item | category, discount | discountPercent};
//             {type: "widget", widget: <name>, params: {flat string / number /
//              bool values}}; {type: "content", slot, items: [...] | category};
//             {type: "mystery", mystery: <game mystery id>}
//   cap:      {perDay, lifetime} — at least one (a campaign without a cap is
//             rejected: never annoy)
//   quietHours: [from, to) local hours, wrapping past midnight allowed
//   holdout:  share in [0, 0.5] kept out of the action to measure lift
//   goal:     {event: purchase | add_to_cart | click | visit, windowHours}
// Safety: a mystery-reward action (type "mystery" or the widget
// "hearth-mystery") may not target minors (audience.minor: true), and at run
// time it never applies when the host says context.minor.
//
// Loading is all-or-nothing: one bad campaign rejects the document with an
// INVALID_ARGUMENT naming its index, id and field (RESOURCE_EXHAUSTED past
// kMaxCampaigns), and the loaded campaigns stay. Definitions are shop content
// (not in the user's snapshot); the per-user CampaignState is.
//
// Arms: a device's arm for a campaign is a deterministic hash bucket of a
// random per-install salt (drawn once from the engine's seeded Rng, kept in
// the snapshot) and the campaign id, so it is stable across sessions, differs
// between campaigns, and a new install (or erase()) draws again.
//
// Exposure accounting (honest lift): whatever surface decides to show a
// campaign's action records one exposure for the device's arm at that moment —
// the treatment arm gets the action, the holdout arm gets nothing but the
// exposure is recorded just the same. Both arms count against the caps, so
// the arms see the same opportunities. A goal event within the window after
// the latest exposure converts that exposure (once), counted on the
// exposure's arm and day. Stats are kept per campaign, arm and local day for
// the last kCampaignStatsDays days (older days fold into lifetime totals).
#ifndef HEARTH_CAMPAIGN_CAMPAIGN_H_
#define HEARTH_CAMPAIGN_CAMPAIGN_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/types/span.h"
#include "hearth/catalog/catalog.h"
#include "hearth/catalog/features.h"
#include "hearth/common/bytes.h"
#include "hearth/common/random.h"
#include "hearth/profile/profile.h"
#include "hearth/rank/promotions.h"

namespace hearth {

inline constexpr size_t kMaxCampaigns = 1000;
inline constexpr size_t kMaxCampaignListEntries = 64;  // segments, interests, items, params, ...
inline constexpr size_t kMaxCampaignStringBytes = 256;
inline constexpr int kCampaignStatsDays = 35;
// Per-user runtime entries (one per campaign id ever exposed or triggered);
// the least recently touched is dropped past this.
inline constexpr size_t kMaxCampaignStates = 256;
inline constexpr double kMaxHoldout = 0.5;

// The host's view of the moment is the deals slot's context (hour, weekday,
// weather, distance, availability, minor flag, UTC offset).
using CampaignContext = DealContext;

enum class CampaignArm : uint8_t { kTreatment = 0, kHoldout = 1 };
std::string_view CampaignArmName(CampaignArm arm);  // "treatment" | "holdout"

enum class CampaignActionType : uint8_t { kDeal, kWidget, kContent, kMystery };
std::string_view CampaignActionTypeName(CampaignActionType t);

enum class CampaignGoal : uint8_t { kPurchase, kAddToCart, kClick, kVisit };
std::string_view CampaignGoalName(CampaignGoal g);

struct WidgetParam {
  enum class Kind : uint8_t { kString, kNumber, kBool };
  std::string key;
  Kind kind = Kind::kString;
  std::string text;
  double number = 0;
  bool flag = false;
};

struct CampaignAction {
  CampaignActionType type = CampaignActionType::kDeal;
  // deal: a loaded promotion's id, or an own offer on an item or category.
  std::string promotion;
  std::string item;
  std::string category;      // as written ("Camping > Tents")
  std::string category_key;  // "cat:camping/tents"
  double discount = 0;       // fraction, own offers only
  // widget
  std::string widget;
  std::vector<WidgetParam> params;
  // content
  std::string slot;
  std::vector<std::string> items;
  // mystery
  std::string mystery;

  bool is_mystery() const { return type == CampaignActionType::kMystery || widget == "hearth-mystery"; }
  bool own_offer() const { return type == CampaignActionType::kDeal && promotion.empty(); }
};

struct Range {
  double min = 0;
  double max = 0;
};

struct Campaign {
  std::string id;
  std::string name;
  int64_t starts_ms = 0;
  int64_t ends_ms = 253402300799999LL;
  // Audience.
  std::vector<std::string> segments;  // lifecycle segment names; empty: everyone
  std::optional<Range> recency_days;  // days since the last purchase (never bought: fails)
  std::optional<Range> frequency;     // purchases in total
  std::optional<Range> monetary;      // money spent in total
  std::vector<std::string> interests; // feature keys; any with positive affinity
  std::optional<bool> minor;          // true: only minors; false: only adults
  // Trigger: an event (optionally on an item or category) within a window...
  std::optional<EventType> trigger_event;
  std::string trigger_item;
  std::string trigger_category_key;
  int64_t trigger_window_ms = 24 * 3'600'000LL;
  std::optional<EventType> cancel_on;
  // ...and/or context predicates (all must hold).
  std::optional<std::pair<int, int>> hours;  // [from, to)
  std::vector<int> weekdays;                 // 1..7
  std::vector<std::string> weather;          // normalised words
  std::optional<double> max_distance_km;
  std::vector<std::pair<std::string, double>> available;  // key, minimum count
  CampaignAction action;
  int cap_per_day = 0;   // 0: no daily cap
  int cap_lifetime = 0;  // 0: no lifetime cap
  std::optional<std::pair<int, int>> quiet_hours;
  double holdout = 0;
  CampaignGoal goal = CampaignGoal::kPurchase;
  int64_t goal_window_ms = 72 * 3'600'000LL;
};

// One row of the local outcome table: what the privacy module reports.
// `day` counts days since 1970-01-01 in the device's local time (the UTC
// offset the host passed with the context).
struct CampaignDayStat {
  std::string campaign_id;
  CampaignArm arm = CampaignArm::kTreatment;
  int64_t day = 0;
  uint32_t exposed = 0;
  uint32_t converted = 0;
};
// Sorted by (campaign_id, arm, day); at most kCampaignStatsDays days per
// campaign and arm.
using CampaignStats = std::vector<CampaignDayStat>;

// Per-user, per-campaign-id memory.
struct CampaignRuntime {
  int64_t triggered_ms = -1;      // latest trigger event, -1: none
  int64_t last_exposure_ms = -1;  // -1: never exposed
  int64_t last_exposure_day = 0;
  CampaignArm last_arm = CampaignArm::kTreatment;
  bool last_converted = false;
  // The goal as it was at the exposure, so reloading campaigns does not
  // change how an exposure already made converts.
  CampaignGoal goal = CampaignGoal::kPurchase;
  int64_t goal_window_ms = 0;
  int64_t cap_day = 0;  // local day of `cap_day_count`
  uint32_t cap_day_count = 0;
  std::array<uint64_t, 2> exposed{};    // lifetime, by arm
  std::array<uint64_t, 2> converted{};  // lifetime, by arm
  int64_t touched_ms = 0;               // for eviction
};

// Everything per user: saved in the snapshot (section 5), wiped by erase().
struct CampaignState {
  bool has_salt = false;
  uint64_t salt = 0;
  int32_t utc_offset_min = 0;  // last offset the host passed
  absl::flat_hash_map<std::string, CampaignRuntime> runtime;
  CampaignStats stats;
};

// A campaign that applies now, with this device's arm.
struct CampaignDecision {
  size_t index = 0;  // into Campaigns::all()
  CampaignArm arm = CampaignArm::kTreatment;
};

// What list() shows for one campaign.
struct CampaignListing {
  const Campaign* campaign = nullptr;
  CampaignArm arm = CampaignArm::kTreatment;
  bool eligible = false;  // in its window, audience matches, cap not reached
  uint64_t exposures = 0;
  uint64_t conversions = 0;
  int64_t cap_remaining = -1;  // -1: unlimited
};

// The arm of a device (by its salt) in a campaign: holdout when the hash
// bucket in [0, 1) falls below `holdout`.
CampaignArm ArmFor(uint64_t salt, std::string_view campaign_id, double holdout);

// The local day of `now_ms` at a UTC offset in minutes.
int64_t LocalDay(int64_t now_ms, int32_t utc_offset_min);

class Campaigns {
 public:
  // Replaces the definitions with those in `json` (an array or {"campaigns":
  // [...]}). Own-offer deal items and categories must exist in `catalog`.
  // The per-user state is kept (stats of campaigns no longer loaded stay).
  absl::Status Load(std::string_view json, const Catalog& catalog);
  const std::vector<Campaign>& all() const { return campaigns_; }

  // Campaigns that apply now, in document order. `only` restricts to an
  // action type. Draws the install salt from `rng` on first use. Remembers
  // the context's UTC offset.
  std::vector<CampaignDecision> Evaluate(const Profile& profile, const FeatureDictionary& features,
                                         const CampaignContext& context, int64_t now_ms,
                                         std::optional<CampaignActionType> only, Rng* rng);
  // One exposure of campaign `index` on `arm` now.
  void RecordExposure(size_t index, CampaignArm arm, const CampaignContext& context, int64_t now_ms);
  // The Track hook: a recorded event may trigger or cancel a campaign and
  // convert the latest exposure.
  void Observe(EventType type, std::string_view item, absl::Span<const FeatureId> item_features, int64_t ts_ms,
               const FeatureDictionary& features);
  // Every loaded campaign with this device's arm, eligibility and counts.
  std::vector<CampaignListing> List(const Profile& profile, const FeatureDictionary& features,
                                    const CampaignContext& context, int64_t now_ms, Rng* rng);

  // The own offer of a deal campaign as a promotion the deals slot can rank
  // (id "campaign:<id>", the campaign's window, no audience of its own).
  Promotion OfferOf(size_t index) const;

  const CampaignStats& stats() const { return state_.stats; }
  const CampaignState& state() const { return state_; }
  void RestoreState(CampaignState state) { state_ = std::move(state); }
  void ResetState() { state_ = CampaignState(); }

 private:
  // The profile's segment name, computed on first use: once per List or
  // Evaluate call at most, and not at all when no campaign targets segments
  // (Evaluate runs on every tracked event).
  class LazySegment {
   public:
    LazySegment(const Profile& profile, int64_t now_ms) : profile_(profile), now_ms_(now_ms) {}
    std::string_view get();

   private:
    const Profile& profile_;
    int64_t now_ms_;
    std::optional<std::string_view> name_;
  };
  bool Targets(const Campaign& c, const Profile& profile, LazySegment* segment,
               const FeatureDictionary& features, const CampaignContext& context, int64_t now_ms) const;
  bool Triggered(const Campaign& c, const CampaignContext& context, int64_t now_ms) const;
  int64_t CapRemaining(const Campaign& c, int64_t day) const;
  void EnsureSalt(Rng* rng);
  CampaignRuntime& Runtime(const std::string& id, int64_t now_ms);

  std::vector<Campaign> campaigns_;
  CampaignState state_;
  // Trigger categories resolved to feature ids (the dictionary only grows and
  // never renumbers), re-tried for the unresolved when it has grown.
  std::vector<std::optional<FeatureId>> trigger_features_;
  size_t resolved_at_size_ = 0;
};

// Snapshot section 5: the CampaignState, bounded and validated on read
// (DATA_LOSS on anything out of range; `out` is only written on success).
void EncodeCampaignState(const CampaignState& state, ByteWriter* w);
absl::Status DecodeCampaignState(ByteReader* r, CampaignState* out);

}  // namespace hearth

#endif  // HEARTH_CAMPAIGN_CAMPAIGN_H_
