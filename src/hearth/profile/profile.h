// The user's profile, kept on their device: decayed interests, recency /
// frequency / monetary value, a lifecycle segment, explicit likes and
// dislikes, and a bounded window of recent events.
//
// Example:
//   hearth::Profile profile(hearth::ProfileConfig{});
//   profile.Observe({.type = hearth::EventType::kView, .ts_ms = now,
//                    .features = item.features});
//   double w = profile.Affinity(feature_id, now);
//   hearth::Segment s = profile.segment(now);
//
// Interests decay lazily: each feature stores, per event type, a weight and
// the time it was last brought up to date; reading or writing decays it to the
// requested time with that type's half-life. So a purchase can be remembered
// for months while a glance fades in a week, without a timer.
//
// Memory is bounded whatever the event volume (see kMax* below): at most
// kMaxFeatures interests (the weakest are evicted first), a ring of the last
// kEventWindow raw events (older ones live on only as the counters and
// aggregates they were folded into), kDedupWindow recent event ids, and
// kMaxPurchaseGroups categories and brands in the purchase aggregates.
//
// Lifecycle segments, evaluated in this order (thresholds in SegmentRules):
//   new                     no purchase yet, and no events at all or active
//                           within `disengaged_days`
//   disengaged              no activity for `disengaged_days` (30) days
//   lapsed                  bought before, but not for `lapsed_days` (90) days
//   deal_seeker             >= `deal_min_purchases` (2) purchases and at least
//                           `deal_share` (50%) of them on a deal
//   brand_advocate          >= `advocate_min_purchases` (3) purchases and one
//                           brand holds >= `advocate_brand_share` (60%)
//   multi_category          purchases in >= `multi_min_categories` (2)
//                           top-level categories
//   single_category_regular everyone else who has bought
// ("new" is not one of the playbook's six types: it is the honest answer for
// a visitor who has not bought anything yet and is still around.)
#ifndef HEARTH_PROFILE_PROFILE_H_
#define HEARTH_PROFILE_PROFILE_H_

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/types/span.h"
#include "hearth/catalog/features.h"

namespace hearth {

enum class EventType : uint8_t { kView, kClick, kAddToCart, kPurchase, kSearch, kDwell, kDismiss };
inline constexpr int kEventTypes = 7;

// "view", "click", "add_to_cart", "purchase", "search", "dwell", "dismiss".
std::string_view EventTypeName(EventType t);
bool ParseEventType(std::string_view name, EventType* t);

enum class Segment : uint8_t {
  kNew,
  kDisengaged,
  kLapsed,
  kDealSeeker,
  kBrandAdvocate,
  kMultiCategory,
  kSingleCategoryRegular,
};
std::string_view SegmentName(Segment s);

inline constexpr int64_t kDayMs = 86'400'000;
inline constexpr size_t kMaxFeatures = 2048;
inline constexpr size_t kEventWindow = 256;
inline constexpr size_t kDedupWindow = 4096;
inline constexpr size_t kMaxPurchaseGroups = 64;
inline constexpr size_t kPurchaseRing = 64;
inline constexpr size_t kMaxPreferences = 64;
inline constexpr size_t kMaxPreferenceBytes = 64;

struct SegmentRules {
  int disengaged_days = 30;
  int lapsed_days = 90;
  int deal_min_purchases = 2;
  double deal_share = 0.5;
  int advocate_min_purchases = 3;
  double advocate_brand_share = 0.6;
  int multi_min_categories = 2;
};

struct ProfileConfig {
  // Half-life in days and signal strength of each event type, indexed by
  // EventType. Dismissals push interests down.
  std::array<double, kEventTypes> half_life_days = {7, 14, 30, 90, 7, 7, 30};
  std::array<double, kEventTypes> weight = {1, 2, 4, 8, 1.5, 1, -1.5};
  SegmentRules segments;
};

// Validates half-lives (finite, 0.01..3650 days) and weights (finite, |w| <= 1000).
absl::Status ValidateProfileConfig(const ProfileConfig& config);

// One event as the profile sees it: the catalog has already resolved the
// item to its features; `item` is kept for the raw-event window.
struct ProfileEvent {
  EventType type = EventType::kView;
  int64_t ts_ms = 0;
  absl::Span<const FeatureId> features;
  std::string_view item;
  double amount = 0;          // purchase: money spent
  double dwell_seconds = 0;   // dwell
  bool deal = false;          // purchase: bought on a deal / discount
  FeatureId top_category = kNoFeature;  // purchase aggregates
  FeatureId brand = kNoFeature;
  static constexpr FeatureId kNoFeature = ~FeatureId{0};
};

struct RawEvent {
  EventType type;
  int64_t ts_ms;
  std::string item;
  double value;  // amount for purchases, seconds for dwell, 0 otherwise
};

struct Affinity {
  std::array<float, kEventTypes> weight{};  // per event type, as of `updated_ms`
  int64_t updated_ms = 0;
};

struct PurchaseStats {
  uint64_t count = 0;
  uint64_t deal_count = 0;
  double monetary = 0;
  int64_t first_ms = 0;
  int64_t last_ms = 0;
  std::vector<int64_t> recent_ms;  // ring of the last kPurchaseRing purchases
  // Purchases per top-level category / brand; bounded, the rest in `other_*`.
  absl::flat_hash_map<FeatureId, uint32_t> by_category;
  absl::flat_hash_map<FeatureId, uint32_t> by_brand;
  uint64_t other_category = 0;
  uint64_t other_brand = 0;
};

class Profile {
 public:
  explicit Profile(ProfileConfig config) : config_(config) {}

  // Folds one event in. Event-id deduplication is the caller's job via
  // SeenEventId/RememberEventId so that it can reject before resolving items.
  void Observe(const ProfileEvent& event);

  bool SeenEventId(uint64_t id_hash) const { return dedup_set_.contains(id_hash); }
  void RememberEventId(uint64_t id_hash);

  // The decayed interest in `feature` at `now_ms` (0 when unknown).
  double Affinity(FeatureId feature, int64_t now_ms) const;
  // All interests with positive weight at `now_ms`, strongest first. Ties go
  // by feature key when `dict` is given (stable across restores, which may
  // assign different ids), else by id.
  std::vector<std::pair<FeatureId, double>> TopInterests(int64_t now_ms, size_t limit,
                                                         const FeatureDictionary* dict = nullptr) const;

  Segment segment(int64_t now_ms) const;
  // Purchases within the last `days` days (saturates at kPurchaseRing).
  int PurchasesWithin(int64_t now_ms, int days) const;

  // Explicit preferences, normalised ("Trail" and "trail" are one). Likes and
  // dislikes are exclusive: liking something removes it from dislikes.
  absl::Status SetPreferences(std::vector<std::string> likes, std::vector<std::string> dislikes);
  absl::Status AddPreference(std::string_view word, bool like);
  const std::vector<std::string>& likes() const { return likes_; }
  const std::vector<std::string>& dislikes() const { return dislikes_; }

  // Drops every trace of `feature` from interests, purchase aggregates and
  // preferences. Returns whether anything was removed.
  bool Forget(FeatureId feature, std::string_view key);

  const std::array<uint64_t, kEventTypes>& event_counts() const { return counts_; }
  uint64_t total_events() const;
  int64_t first_seen_ms() const { return first_seen_ms_; }
  int64_t last_active_ms() const { return last_active_ms_; }
  const PurchaseStats& purchases() const { return purchases_; }
  std::vector<RawEvent> RecentEvents() const;  // oldest first
  const absl::flat_hash_map<FeatureId, hearth::Affinity>& affinities() const { return affinities_; }
  const std::vector<uint64_t>& dedup_ring() const { return dedup_ring_; }
  const ProfileConfig& config() const { return config_; }

  // Rough upper bound of heap bytes held, for the memory-bound test.
  size_t ApproxBytes() const;

 private:
  friend class ProfileCodec;  // snapshot/ restores private state

  // exp2(-days / half-life) per event type for one elapsed time, computed
  // on first use. Entries touched by the same event share their clock, so a
  // pass over many entries (an event's features, TopInterests, eviction)
  // pays each exp2 once per distinct elapsed time instead of once per entry
  // and type: exp2 was most of Summarize, and wasm's libm exp2 costs several
  // times native's. Gives the same doubles as calling exp2 each time.
  class DecayFactors {
   public:
    explicit DecayFactors(const ProfileConfig& config) : config_(config) {}
    double At(int type, int64_t elapsed_ms);

   private:
    const ProfileConfig& config_;
    int64_t elapsed_ms_ = -1;
    uint32_t known_ = 0;  // bit per type: factor_[type] is for elapsed_ms_
    std::array<double, kEventTypes> factor_{};
  };

  void Decay(hearth::Affinity* a, int64_t to_ms, DecayFactors* factors) const;
  // The sum over types of `a` decayed to `now_ms` (Affinity() without the lookup).
  double DecayedSum(const hearth::Affinity& a, int64_t now_ms, DecayFactors* factors) const;
  void EvictWeakest(int64_t now_ms);

  ProfileConfig config_;
  absl::flat_hash_map<FeatureId, hearth::Affinity> affinities_;
  std::array<uint64_t, kEventTypes> counts_{};
  int64_t first_seen_ms_ = 0;
  int64_t last_active_ms_ = 0;
  PurchaseStats purchases_;
  std::vector<RawEvent> window_;  // ring buffer of kEventWindow
  size_t window_next_ = 0;
  std::vector<uint64_t> dedup_ring_;
  size_t dedup_next_ = 0;
  absl::flat_hash_set<uint64_t> dedup_set_;
  std::vector<std::string> likes_;
  std::vector<std::string> dislikes_;
};

}  // namespace hearth

#endif  // HEARTH_PROFILE_PROFILE_H_
