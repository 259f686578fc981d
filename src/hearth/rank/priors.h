// Population priors: how interest is spread over the shop's top-level
// categories across all users, as the collector releases it (k-thresholded,
// noised aggregates; see docs/privacy.md). They warm-start a new user: with
// no history, for_you ranks by these shares blended with global popularity
// instead of popularity alone.
//
// Example:
//   hearth::CategoryPriors priors;
//   absl::Status s = priors.Load(R"({"v": 1, "period": "2026-11-24",
//       "categories": [{"key": "shoes", "share": 0.31}, {"key": "camping", "share": 0.12}]})");
//   double w = priors.Share("cat:shoes");  // 0.31
//
// The document: `v` (1), optional `period` (YYYY-MM-DD), and `categories`:
// up to kMaxPriorCategories entries of {key, share}. `key` is a top-level
// category as the catalog spells it ("Shoes", "shoes" or "cat:shoes");
// `share` is in [0, 1] and the shares sum to at most 1 (cells the collector
// withheld are simply absent). Unknown fields, repeated keys, or a share out
// of range reject the whole document with the index and field named; the
// loaded priors stay as they were. Priors are shop-wide content, like the
// catalog: they are not part of the user's snapshot.
#ifndef HEARTH_RANK_PRIORS_H_
#define HEARTH_RANK_PRIORS_H_

#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"

namespace hearth {

inline constexpr size_t kMaxPriorCategories = 1000;

class CategoryPriors {
 public:
  absl::Status Load(std::string_view json);
  // The share of a category feature key ("cat:shoes"); 0 when unknown.
  double Share(std::string_view category_key) const;
  // The largest share (0 when empty): rank scales shares by it.
  double max_share() const { return max_share_; }
  bool empty() const { return shares_.empty(); }
  const absl::flat_hash_map<std::string, double>& shares() const { return shares_; }
  const std::string& period() const { return period_; }
  void Clear() { *this = CategoryPriors(); }

 private:
  absl::flat_hash_map<std::string, double> shares_;  // "cat:<key>" → share
  double max_share_ = 0;
  std::string period_;
};

}  // namespace hearth

#endif  // HEARTH_RANK_PRIORS_H_
