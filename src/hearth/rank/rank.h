// On-device ranking: the for_you and wow slots, an on-device bandit choosing
// the strategy per slot, diversity re-ranking, business filters, fatigue, and
// a human reason on every pick.
//
// Example:
//   hearth::RankState state;                  // persisted in snapshots
//   hearth::Ranker ranker;                    // caches the catalog's index
//   hearth::RecommendRequest req{.slot = hearth::Slot::kForYou, .count = 8, .now_ms = now};
//   auto picks = ranker.Recommend(catalog, profile, req, &state, &rng);
//   ranker.Feedback(catalog, {.item = picks->at(0).item, .slot = hearth::Slot::kForYou,
//                             .outcome = hearth::Outcome::kClick, .now_ms = now}, &state);
//
// Scoring (per candidate item i with features F_i, profile affinity a(f)
// decayed to now, kind weights w: leaf category 1, top category .5, tag .7,
// brand .6, price band .3):
//   relevance  r_i = Σ_f w(f)·max(a(f), 0) / sqrt(|F_i|), scaled to [0, 1] over
//              the candidates; +0.5 when a feature matches an explicit like;
//              items matching a dislike are never shown.
//   popularity p_i = log(1 + popularity) / log(1 + max popularity)
//   freshness  n_i = 2^(-age_days / 30) (0 when created_at is unknown)
//   novelty    v_i = 1 − share of the item's non-price features the user has
//              shown interest in (a(f) > 5% of the strongest interest)
// Cold start (no interests, no likes): with population priors loaded, r is
// the share of the item's top-level category over the largest share (and the
// strongest prior categories seed the candidates); without them r = 0 and
// popularity decides.
// for_you arms (Thompson sampling picks one per request):
//   "relevance"            r
//   "relevance+popularity" 0.7 r + 0.3 p      (the cold-start arm too)
//   "broader"              relevance over top-level categories only + 0.2 p
// wow (1–2 picks; the relevance floor is r >= 0.15 or an interest in the
// item's top-level category — "new to you, but next to what you like"):
//   "novel"   0.5 v + 0.25 n + 0.25 (1 − p) (the long tail: surprising, not
//             what everyone buys)    "fresh"   0.3 v + 0.5 n + 0.2 p
//   "trending" 0.3 v + 0.2 n + 0.5 p        times (0.5 + 0.5 r)
//   and never an item the for_you slot would put in its top 8 (top third on
//   a catalog too small for that).
// Diversity: greedy MMR with λ = 0.75 and similarity 1 for the same leaf
// category, 0.5 for the same top-level one.
// Category learning (both slots): each slot keeps, per leaf category, decayed
// counts of shows and clicks (half-life kCategoryHalfLifeDays). Once a slot
// has any, every request draws θ_c ~ Beta(1 + clicks, 3 + shows − clicks) per
// candidate category and scales the score by 0.5 + 0.5·θ_c/max θ: categories the user
// clicks rise, ones shown and ignored sink, and unseen ones keep a chance
// (Thompson sampling over categories, the exploration a greedy policy lacks).
// Filters: out of stock (stock == 0), purchased (the last kPurchasedMemory
// purchases, unless include_purchased), request exclusions, dismissed items
// (rest kDismissRestDays), items just clicked from the slot (rest
// kClickedRestHours: the user has seen them), and fatigue: each show without
// a click multiplies an item's score by 0.45, and after kFatigueShows such
// shows it rests for kFatigueRestDays. Pinned items go first.
// Propensity: the probability that Thompson sampling picks the arm that
// produced the list (ArmPropensities: a numerical integral over the arms'
// Beta posteriors, so it is a pure function of the bandit state, in (0, 1]
// after a kMinPropensity floor, and the arms' values sum to 1); recorded for
// off-policy lift estimates.
// Performance (the cost of one Recommend call):
//   once per catalog version, Reindex: O(n log n) for n items (a sort of
//     compact popularity keys), copying what scoring reads into 48-byte rows
//     plus a flat feature array, and keeping only the kPostingTake most
//     popular items per feature (all Recommend ever reads). Measured natively
//     ~33 ms at 100k items, ~3 ms at 10k: paid by the first call after a
//     catalog change.
//   per call, independent of the catalog size:
//     candidates C ≤ kInterestSeeds·kPostingTake + kPopularTake + kFreshTake
//       (~10k; fewer on small catalogs), each scored from its row and flat
//       features: O(C · features per item), no hashing, no strings;
//     resolving remembered impressions and purchases to catalog indices:
//       O(kMaxImpressions + kPurchasedMemory) id lookups at most;
//     category draws: one Beta draw per distinct leaf category in the pool;
//     propensities: ~290 grid points × 3 arms, skipped when the posteriors
//       did not change since the last call;
//     the head: a partial sort of C for pins + MmrWindow(count) items, MMR
//       over that window, and reasons/strings for the `count` picks only.
//   Scratch tables (stamps, affinities) live in the Ranker, so a call
//   allocates only its candidate and pick lists.
// Candidates come from an inverted index (feature → items by popularity):
// the posting lists of the strongest interests, the most popular and the
// freshest items — about ten thousand at most, whatever the catalog size.
#ifndef HEARTH_RANK_RANK_H_
#define HEARTH_RANK_RANK_H_

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "hearth/catalog/catalog.h"
#include "hearth/common/random.h"
#include "hearth/profile/profile.h"
#include "hearth/rank/priors.h"

namespace hearth {

enum class Slot : uint8_t { kForYou, kWow };
inline constexpr int kSlots = 2;
inline constexpr int kArms = 3;
std::string_view SlotName(Slot s);
bool ParseSlot(std::string_view name, Slot* s);
std::string_view ArmName(Slot s, int arm);

enum class Outcome : uint8_t { kClick, kDismiss, kPurchase };
bool ParseOutcome(std::string_view name, Outcome* o);

inline constexpr int kMaxCount = 100;
inline constexpr int kWowMaxPicks = 2;
inline constexpr int kFatigueShows = 3;
inline constexpr int kFatigueRestDays = 7;
inline constexpr int kDismissRestDays = 30;
inline constexpr int kClickedRestHours = 72;
inline constexpr int kCategoryHalfLifeDays = 14;
inline constexpr size_t kMaxCategoryStats = 256;  // per slot
inline constexpr size_t kMaxImpressions = 2048;
inline constexpr size_t kPurchasedMemory = 512;
inline constexpr int kPropensityGridPoints = 96;  // per arm, see ArmPropensities
inline constexpr double kMinPropensity = 1.0 / 256;  // floor of a reported propensity

struct RecommendRequest {
  Slot slot = Slot::kForYou;
  int count = 8;  // 1..kMaxCount; more is clamped to kMaxCount
  int64_t now_ms = 0;
  std::vector<std::string> exclude;
  std::vector<std::string> pin;
  bool include_purchased = false;
};

struct Pick {
  std::string item;
  double score = 0;
  std::string reason;
  double propensity = 1;
  std::string arm;
};

struct FeedbackEvent {
  std::string_view item;
  Slot slot = Slot::kForYou;
  Outcome outcome = Outcome::kClick;
  int64_t now_ms = 0;
};

// What the ranker remembers between requests (saved in snapshots).
struct Impression {
  uint16_t shown_since_click = 0;
  int64_t last_shown_ms = 0;
  int64_t rest_until_ms = 0;
};

struct ArmStats {
  double alpha = 1;  // Beta posterior: 1 + successes
  double beta = 1;   // 1 + failures
};

// Decayed shows and clicks of one leaf category in one slot.
struct CategoryStats {
  double shows = 0;
  double clicks = 0;
  int64_t updated_ms = 0;
  // Both counts decayed to `now_ms` (no-op when now is not later).
  void DecayTo(int64_t now_ms);
};

struct SlotDecision {
  bool pending = false;  // shown, no reward yet
  int arm = 0;
  std::vector<std::string> items;
};

struct RankState {
  std::array<std::array<ArmStats, kArms>, kSlots> arms{};
  std::array<SlotDecision, kSlots> last{};
  absl::flat_hash_map<std::string, Impression> impressions;
  std::vector<std::string> purchased;  // ring, oldest first once full
  size_t purchased_next = 0;
  absl::flat_hash_set<std::string> purchased_set;
  // Per slot: leaf category key ("cat:shoes/trail") → its click-through.
  std::array<absl::flat_hash_map<std::string, CategoryStats>, kSlots> categories;

  void RememberPurchase(std::string_view item);
  void Clear() { *this = RankState(); }
};

// One Thompson-sampling draw: the arm whose Beta posterior sample is largest.
int DrawArm(const std::array<ArmStats, kArms>& arms, Rng* rng);
// The probability that DrawArm picks each arm: P(arm a's Beta draw is the
// largest) = ∫ f_a(x) Π_{b≠a} F_b(x) dx, integrated numerically
// (kPropensityGridPoints breakpoints across each arm's bulk; within 2e-4 of
// a 2M-point reference in our checks, where the 256-draw Monte Carlo estimate
// it replaces was ±3%, and 3-6× cheaper natively). A pure function of the
// posteriors: no randomness, the same state gives the same numbers on every
// platform. The entries are in [0, 1] and sum to 1; malformed posteriors
// (not finite, not positive) give 1/kArms each.
std::array<double, kArms> ArmPropensities(const std::array<ArmStats, kArms>& arms);

class Ranker {
 public:
  // `priors` (population category shares, possibly empty) warm-start a
  // user with no history.
  absl::StatusOr<std::vector<Pick>> Recommend(const Catalog& catalog, const Profile& profile,
                                              const CategoryPriors& priors, const RecommendRequest& request,
                                              RankState* state, Rng* rng);
  absl::Status Feedback(const Catalog& catalog, const FeedbackEvent& event, RankState* state);

 private:
  // What scoring reads per item, copied out of the catalog at Reindex so the
  // hot loop walks small contiguous rows instead of ~300-byte Items.
  struct ItemRow {
    uint32_t features_begin = 0;  // into features_
    uint32_t features_count = 0;
    FeatureId leaf = ~FeatureId{0};  // deepest category (first of that depth)
    FeatureId top = ~FeatureId{0};   // top-level category (last one listed)
    double popularity = 0;           // log(1 + p) / log(1 + max p), in [0, 1]
    double sqrt_features = 1;        // the relevance divisor sqrt(|F_i|)
    int64_t created_at_ms = 0;
    bool in_stock = true;
  };
  // Per feature, what scoring needs (dictionary lookups hoisted out).
  enum FeatureFlag : uint8_t { kTopCategory = 1, kPriceFeature = 2 };

  void Reindex(const Catalog& catalog);
  // a's id sorts before b's (catalog.item(a).id < catalog.item(b).id), from
  // the first 16 bytes kept per item; the strings only break a tie there.
  bool IdLess(const Catalog& catalog, ItemIndex a, ItemIndex b) const;
  // The propensities of `arms`, recomputed only when they changed (see
  // ArmPropensities).
  const std::array<double, kArms>& CachedPropensities(int slot, const std::array<ArmStats, kArms>& arms);

  uint64_t indexed_version_ = ~uint64_t{0};
  size_t indexed_features_ = 0;  // dictionary size at Reindex: the features items use
  // feature → the kPostingTake most popular items carrying it, most popular first.
  std::vector<std::vector<ItemIndex>> postings_;
  std::vector<ItemIndex> by_popularity_;  // the kPopularTake most popular
  std::vector<ItemIndex> by_freshness_;   // the kFreshTake newest
  double max_popularity_ = 0;
  std::vector<ItemRow> rows_;
  std::vector<FeatureId> features_;               // every item's features, back to back
  std::vector<std::array<uint64_t, 2>> id_keys_;  // first 16 id bytes, big-endian
  std::vector<double> feature_weight_;            // KindWeight
  std::vector<uint8_t> feature_flags_;            // FeatureFlag bits
  std::vector<FeatureId> price_features_;         // price tokens are not in ByToken
  // Scratch of one request, kept to avoid reallocating: stamps say which
  // entries belong to the current request.
  uint32_t stamp_now_ = 0;
  std::vector<uint32_t> stamp_;          // candidate dedup
  std::vector<uint32_t> blocked_stamp_;  // excluded or purchased
  std::vector<uint32_t> seen_stamp_;     // has an impression (seen_[i])
  std::vector<const Impression*> seen_;
  std::vector<double> affinity_;       // per feature
  std::vector<uint8_t> preference_;    // per feature: 1 liked, 2 disliked
  std::vector<uint32_t> theta_stamp_;  // per leaf category: theta_[f] drawn
  std::vector<double> theta_;
  // Last propensities per slot and the posteriors they came from.
  std::array<std::array<ArmStats, kArms>, kSlots> propensity_arms_{};
  std::array<std::array<double, kArms>, kSlots> propensity_{};
  std::array<bool, kSlots> propensity_valid_{};
};

}  // namespace hearth

#endif  // HEARTH_RANK_RANK_H_
