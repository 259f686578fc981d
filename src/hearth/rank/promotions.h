// Promotions and the deals slot: offers the shop deploys as JSON, matched on
// the device to the user's profile and to the context the host passes in.
//
// Example:
//   hearth::Promotions promos;
//   absl::Status s = promos.Load(R"([{"id": "rainy-tents", "category": "Camping > Tents",
//       "discount": 0.15, "starts": "2026-11-01", "ends": "2026-12-01",
//       "context": {"weather": ["rain"]}}])", catalog);
//   hearth::DealContext ctx{.hour = 18, .weekday = 3, .weather = "rain"};
//   auto picks = hearth::RecommendDeals(catalog, profile, promos, ctx, now, 4, {});
//
// A promotion: id (required), item or category (exactly one), discount as a
// fraction in (0, 1) or discountPercent in (0, 100), starts/ends (ms or
// ISO-8601; ends after starts), optional title, segments (lifecycle segment
// names that may see it), minPurchases, and context predicates: hours
// [from, to) in the user's local time (wrapping past midnight allowed),
// weekdays (1 = Monday … 7 = Sunday), weather (words the host uses, e.g.
// "rain"), maxDistanceKm (to the nearest store, passed by the host) and
// inStockOnly (default true). Loading is all-or-nothing: one bad promotion
// rejects the document with its index and field, and the loaded set stays.
//
// Deals are ranked by 0.6 × relevance of the item to the profile (the rank
// module's sum of interests over sqrt(|features|)) + 0.4 × discount; only promotions whose window contains `now`, whose audience
// includes the user's segment and whose context predicates all hold are
// eligible — an expired or ineligible deal is never shown. A missing context
// value fails any predicate that needs it. One item per promotion.
#ifndef HEARTH_RANK_PROMOTIONS_H_
#define HEARTH_RANK_PROMOTIONS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "hearth/catalog/catalog.h"
#include "hearth/profile/profile.h"
#include "hearth/rank/rank.h"

namespace hearth {

inline constexpr size_t kMaxPromotions = 10'000;

struct Promotion {
  std::string id;
  std::string title;
  std::string item;          // either an item id...
  std::string category_key;  // ...or a category feature key ("cat:camping/tents")
  std::string category_label;
  double discount = 0;  // fraction
  int64_t starts_ms = 0;
  int64_t ends_ms = 0;
  std::vector<std::string> segments;  // empty: everyone
  int min_purchases = 0;
  std::optional<std::pair<int, int>> hours;  // [from, to)
  std::vector<int> weekdays;                 // 1..7
  std::vector<std::string> weather;          // normalised words
  std::optional<double> max_distance_km;
  bool in_stock_only = true;
};

// What the host knows about the moment: local hour and weekday, weather,
// distance to the nearest store. Unknown values stay empty. Campaigns (see
// campaign/campaign.h) also read stock or slot availability by key, whether
// the user is a minor, and the local UTC offset (for per-day caps).
struct DealContext {
  std::optional<int> hour;
  std::optional<int> weekday;
  std::string weather;
  std::optional<double> distance_km;
  std::vector<std::pair<std::string, double>> available;  // key, count
  bool minor = false;
  int32_t utc_offset_min = 0;
};

class Promotions {
 public:
  // Replaces the promotions with those in `json` (an array or {"promotions":
  // [...]}); items and categories must exist in `catalog`.
  absl::Status Load(std::string_view json, const Catalog& catalog);
  const std::vector<Promotion>& all() const { return promotions_; }
  void Clear() { promotions_.clear(); }

 private:
  std::vector<Promotion> promotions_;
};

struct Deal {
  Pick pick;
  std::string promotion;
  double discount = 0;
  std::string campaign;  // set when a campaign's treatment put this deal here
};

// Eligible deals for the user now, best first, at most `count`. `extra`
// promotions (campaign offers) are ranked alongside the loaded ones.
absl::StatusOr<std::vector<Deal>> RecommendDeals(const Catalog& catalog, const Profile& profile,
                                                 const Promotions& promotions, const DealContext& context,
                                                 int64_t now_ms, int count, const std::vector<std::string>& exclude,
                                                 const RankState& state,
                                                 const std::vector<Promotion>* extra = nullptr);

}  // namespace hearth

#endif  // HEARTH_RANK_PROMOTIONS_H_
