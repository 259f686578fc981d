#include "hearth/rank/rank.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "absl/strings/str_cat.h"
#include "absl/types/span.h"

namespace hearth {
namespace {

constexpr std::string_view kSlotNames[kSlots] = {"for_you", "wow"};
constexpr std::string_view kArmNames[kSlots][kArms] = {{"relevance", "relevance+popularity", "broader"},
                                                       {"novel", "fresh", "trending"}};
constexpr size_t kInterestSeeds = 24;    // strongest interests whose posting lists seed candidates
constexpr size_t kPostingTake = 400;     // items taken from each of those lists
constexpr size_t kPopularTake = 300;
constexpr size_t kFreshTake = 200;
constexpr double kMmrLambda = 0.75;
constexpr int kWowAvoidForYouTop = 8;
constexpr double kIgnoredShowFactor = 0.45;
constexpr double kCategoryWeight = 0.5;   // how far a poor category draw can pull a score down
constexpr double kCategoryPriorMisses = 3;  // Beta(1, 3): a new category's prior CTR is 25%
constexpr double kParentShare = 0.5;        // weight of the department's counts in a leaf's draw

// Per-candidate signals, all in [0, 1] after scaling.
struct Scored {
  ItemIndex index;
  double relevance = 0;
  double broad = 0;  // relevance over top-level categories only
  double popularity = 0;
  double freshness = 0;
  double novelty = 0;
  bool liked = false;
  bool top_category_interest = false;
  FeatureId best_feature = ~FeatureId{0};  // the strongest contributor, for the reason
  FeatureId leaf = ~FeatureId{0};          // deepest category
  FeatureId top = ~FeatureId{0};           // top-level category
  bool rested = false;                     // resting, taken only to fill a short list
  double score = 0;
};

double KindWeight(const FeatureDictionary& dict, FeatureId f) {
  switch (dict.kind(f)) {
    case FeatureKind::kCategory:
      return dict.category_depth(f) == 1 ? 0.5 : 1.0;
    case FeatureKind::kTag: return 0.7;
    case FeatureKind::kBrand: return 0.6;
    case FeatureKind::kPrice: return 0.3;
    case FeatureKind::kOther: break;
  }
  return 0.3;
}

bool IsTopCategory(const FeatureDictionary& dict, FeatureId f) {
  return dict.category_depth(f) == 1;
}

FeatureId LeafCategory(const FeatureDictionary& dict, const Item& item) {
  FeatureId best = ~FeatureId{0};
  int depth = 0;
  for (FeatureId f : item.features)
    if (dict.category_depth(f) > depth) depth = dict.category_depth(f), best = f;
  return best;
}

FeatureId TopCategory(const FeatureDictionary& dict, const Item& item) {
  for (FeatureId f : item.features)
    if (IsTopCategory(dict, f)) return f;
  return ~FeatureId{0};
}

double Similarity(const Scored& a, const Scored& b) {
  if (a.leaf != ~FeatureId{0} && a.leaf == b.leaf) return 1;
  if (a.top != ~FeatureId{0} && a.top == b.top) return 0.5;
  return 0;
}

std::string Label(const FeatureDictionary& dict, FeatureId f) {
  if (f == ~FeatureId{0}) return "";
  return dict.label(f);
}

std::string ForYouReason(const FeatureDictionary& dict, const Item& item, const Scored& s, bool cold) {
  if (s.liked) {
    for (FeatureId f : item.features)
      if (dict.kind(f) != FeatureKind::kPrice) return absl::StrCat("Matches what you told us you like: ", dict.label(f));
  }
  if (s.best_feature == ~FeatureId{0}) return "Popular with shoppers right now";
  if (cold) return absl::StrCat("Popular in ", dict.label(s.best_feature), ", a favourite with shoppers here");
  const FeatureId f = s.best_feature;
  switch (dict.kind(f)) {
    case FeatureKind::kBrand: return absl::StrCat("More from ", dict.label(f), ", a brand you keep coming back to");
    case FeatureKind::kTag: return absl::StrCat("Because you like ", dict.label(f), " things");
    case FeatureKind::kPrice: return "In the price range you usually look at";
    default: return absl::StrCat("Because you browse ", dict.label(f), " often");
  }
}

std::string WowReason(const FeatureDictionary& dict, const Item& item, const Scored& s, int arm) {
  const std::string leaf = Label(dict, LeafCategory(dict, item));
  const std::string top = Label(dict, TopCategory(dict, item));
  if (s.novelty < 0.5 && !leaf.empty()) return absl::StrCat("One you may have missed in ", leaf);
  std::string where = leaf.empty() ? "Something new" : absl::StrCat("New to you: ", leaf);
  if (s.top_category_interest && !top.empty() && top != leaf)
    absl::StrAppend(&where, ", next to the ", top, " you browse");
  if (arm == 1 && s.freshness > 0.5) return absl::StrCat(where, " — just arrived");
  if (arm == 2 && s.popularity > 0.5) return absl::StrCat(where, " — trending now");
  return where;
}

// How many of the best-scored candidates MMR chooses from.
size_t MmrWindow(size_t count) { return count * 5 + 20; }

// Greedy MMR: picks `count` from `pool` (sorted by score) trading score for
// category diversity.
std::vector<Scored> Diversify(std::vector<Scored> pool, size_t count) {
  std::vector<Scored> out;
  const size_t window = std::min(pool.size(), MmrWindow(count));
  pool.resize(window);
  std::vector<bool> used(pool.size(), false);
  while (out.size() < count && out.size() < pool.size()) {
    double best = -1e300;
    size_t best_i = 0;
    for (size_t i = 0; i < pool.size(); ++i) {
      if (used[i]) continue;
      double sim = 0;
      for (const Scored& o : out) sim = std::max(sim, Similarity(pool[i], o));
      const double mmr = kMmrLambda * pool[i].score - (1 - kMmrLambda) * sim;
      if (mmr > best) best = mmr, best_i = i;
    }
    used[best_i] = true;
    out.push_back(pool[best_i]);
  }
  return out;
}

// Keeps the impressions map within kMaxImpressions by forgetting the ones
// shown longest ago (their rest is over, or nearly). Trims to 7/8 of the
// limit, so a full map is trimmed once per few hundred shows, not per call.
void TrimImpressions(RankState* state) {
  if (state->impressions.size() <= kMaxImpressions) return;
  std::vector<std::pair<int64_t, std::string_view>> age;
  age.reserve(state->impressions.size());
  for (const auto& [id, imp] : state->impressions) age.emplace_back(std::max(imp.last_shown_ms, imp.rest_until_ms), id);
  const size_t drop = age.size() - kMaxImpressions * 7 / 8;
  std::nth_element(age.begin(), age.begin() + drop, age.end());
  // Erasing one key leaves the other keys (and the views of them) in place.
  for (size_t k = 0; k < drop; ++k) state->impressions.erase(age[k].second);
}

// The leaf category's feature key ("" when the item has no category).
std::string_view LeafKey(const FeatureDictionary& dict, const Item& item) {
  const FeatureId f = LeafCategory(dict, item);
  return f == ~FeatureId{0} ? std::string_view() : std::string_view(dict.key(f));
}

// The top-level category's key, or "" when it is the leaf itself (or absent).
std::string_view TopKey(const FeatureDictionary& dict, const Item& item) {
  const FeatureId f = TopCategory(dict, item);
  return f == ~FeatureId{0} || f == LeafCategory(dict, item) ? std::string_view() : std::string_view(dict.key(f));
}

// Adds decayed shows/clicks to a slot's category; keeps the map within
// kMaxCategoryStats by dropping the least recently updated entry.
void CountCategory(RankState* state, int slot, std::string_view key, double shows, double clicks, int64_t now) {
  if (key.empty()) return;
  auto& map = state->categories[slot];
  auto it = map.find(key);
  if (it == map.end()) {
    if (map.size() >= kMaxCategoryStats) {
      auto oldest = map.begin();
      for (auto j = map.begin(); j != map.end(); ++j)
        if (j->second.updated_ms < oldest->second.updated_ms ||
            (j->second.updated_ms == oldest->second.updated_ms && j->first < oldest->first))
          oldest = j;
      map.erase(oldest);
    }
    it = map.emplace(std::string(key), CategoryStats{0, 0, now}).first;
  }
  it->second.DecayTo(now);
  it->second.shows += shows;
  it->second.clicks = std::min(it->second.clicks + clicks, it->second.shows);
}

}  // namespace

void CategoryStats::DecayTo(int64_t now_ms) {
  if (now_ms <= updated_ms) return;
  const double f = std::exp2(-static_cast<double>(now_ms - updated_ms) / (kCategoryHalfLifeDays * double{kDayMs}));
  shows *= f;
  clicks *= f;
  updated_ms = now_ms;
}

int DrawArm(const std::array<ArmStats, kArms>& arms, Rng* rng) {
  int best_arm = 0;
  double best_v = -1;
  for (int a = 0; a < kArms; ++a) {
    const double v = rng->Beta(arms[a].alpha, arms[a].beta);
    if (v > best_v) best_v = v, best_arm = a;
  }
  return best_arm;
}

std::array<double, kArms> ArmPropensities(const std::array<ArmStats, kArms>& arms) {
  std::array<double, kArms> p;
  p.fill(1.0 / kArms);
  for (const ArmStats& a : arms)
    if (!(a.alpha > 0 && a.beta > 0 && std::isfinite(a.alpha) && std::isfinite(a.beta))) return p;
  // P(arm a draws the largest value) = ∫ f_a(x) Π_{b≠a} F_b(x) dx, by the
  // midpoint rule on a grid that puts kPropensityGridPoints breakpoints
  // across each arm's bulk (mean ± 10 sd, clipped to [0, 1]), so narrow
  // posteriors are resolved as well as wide ones.
  constexpr int kMax = kArms * kPropensityGridPoints + 2;
  std::array<double, kMax> t;
  int nt = 0;
  t[nt++] = 0;
  t[nt++] = 1;
  for (const ArmStats& a : arms) {
    const double n = a.alpha + a.beta, mean = a.alpha / n;
    const double sd = std::sqrt(a.alpha * a.beta / (n * n * (n + 1)));
    const double lo = std::max(0.0, mean - 10 * sd), hi = std::min(1.0, mean + 10 * sd);
    for (int k = 0; k < kPropensityGridPoints; ++k) t[nt++] = lo + (hi - lo) * k / (kPropensityGridPoints - 1);
  }
  std::sort(t.begin(), t.begin() + nt);
  nt = static_cast<int>(std::unique(t.begin(), t.begin() + nt) - t.begin());
  // Per arm and interval, the log density at the midpoint (unnormalised);
  // then masses relative to the arm's peak, normalised to sum to 1.
  const int intervals = nt - 1;
  std::array<std::array<double, kMax>, kArms> mass;
  std::array<double, kArms> peak;
  peak.fill(-std::numeric_limits<double>::infinity());
  for (int k = 0; k < intervals; ++k) {
    const double x = 0.5 * (t[k] + t[k + 1]), lx = std::log(x), l1x = std::log1p(-x);
    for (int a = 0; a < kArms; ++a) {
      mass[a][k] = (arms[a].alpha - 1) * lx + (arms[a].beta - 1) * l1x;
      peak[a] = std::max(peak[a], mass[a][k]);
    }
  }
  for (int a = 0; a < kArms; ++a) {
    double sum = 0;
    for (int k = 0; k < intervals; ++k) sum += mass[a][k] = std::exp(mass[a][k] - peak[a]) * (t[k + 1] - t[k]);
    for (int k = 0; k < intervals; ++k) mass[a][k] /= sum;
  }
  // Sweep left to right: cdf[b] is F_b at the interval's midpoint.
  std::array<double, kArms> below{}, q{};
  for (int k = 0; k < intervals; ++k) {
    std::array<double, kArms> cdf;
    for (int a = 0; a < kArms; ++a) cdf[a] = below[a] + 0.5 * mass[a][k];
    for (int a = 0; a < kArms; ++a) {
      double others = 1;
      for (int b = 0; b < kArms; ++b)
        if (b != a) others *= cdf[b];
      q[a] += mass[a][k] * others;
    }
    for (int a = 0; a < kArms; ++a) below[a] += mass[a][k];
  }
  double total = 0;
  for (double x : q) total += x;
  if (!(total > 0)) return p;
  for (int a = 0; a < kArms; ++a) p[a] = q[a] / total;
  return p;
}

const std::array<double, kArms>& Ranker::CachedPropensities(int slot, const std::array<ArmStats, kArms>& arms) {
  bool same = propensity_valid_[slot];
  for (int a = 0; a < kArms && same; ++a)
    same = arms[a].alpha == propensity_arms_[slot][a].alpha && arms[a].beta == propensity_arms_[slot][a].beta;
  if (!same) {
    propensity_[slot] = ArmPropensities(arms);
    propensity_arms_[slot] = arms;
    propensity_valid_[slot] = true;
  }
  return propensity_[slot];
}

std::string_view SlotName(Slot s) { return kSlotNames[static_cast<int>(s)]; }
std::string_view ArmName(Slot s, int arm) { return kArmNames[static_cast<int>(s)][arm]; }

bool ParseSlot(std::string_view name, Slot* s) {
  for (int i = 0; i < kSlots; ++i)
    if (kSlotNames[i] == name) return *s = static_cast<Slot>(i), true;
  return false;
}

bool ParseOutcome(std::string_view name, Outcome* o) {
  if (name == "click") return *o = Outcome::kClick, true;
  if (name == "dismiss") return *o = Outcome::kDismiss, true;
  if (name == "purchase") return *o = Outcome::kPurchase, true;
  return false;
}

void RankState::RememberPurchase(std::string_view item) {
  if (purchased_set.contains(item)) return;
  if (purchased.size() < kPurchasedMemory) {
    purchased.emplace_back(item);
  } else {
    purchased_set.erase(purchased[purchased_next]);
    purchased[purchased_next] = std::string(item);
    purchased_next = (purchased_next + 1) % kPurchasedMemory;
  }
  purchased_set.emplace(item);
}

namespace {

// The first 16 bytes of an id as two big-endian words (zero-padded): equal
// prefixes compare like the strings do; only equal keys need the strings.
std::array<uint64_t, 2> IdKey(std::string_view id) {
  std::array<uint64_t, 2> k{0, 0};
  for (size_t j = 0; j < 16 && j < id.size(); ++j)
    k[j / 8] |= uint64_t{static_cast<unsigned char>(id[j])} << (8 * (7 - j % 8));
  return k;
}

}  // namespace

bool Ranker::IdLess(const Catalog& catalog, ItemIndex a, ItemIndex b) const {
  if (id_keys_[a] != id_keys_[b]) return id_keys_[a] < id_keys_[b];
  return catalog.item(a).id < catalog.item(b).id;
}

void Ranker::Reindex(const Catalog& catalog) {
  const auto& items = catalog.items();
  const FeatureDictionary& dict = catalog.features();
  const size_t n = items.size();
  indexed_features_ = dict.size();
  feature_weight_.resize(indexed_features_);
  feature_flags_.resize(indexed_features_);
  price_features_.clear();
  for (FeatureId f = 0; f < indexed_features_; ++f) {
    feature_weight_[f] = KindWeight(dict, f);
    feature_flags_[f] = static_cast<uint8_t>((IsTopCategory(dict, f) ? kTopCategory : 0) |
                                             (dict.kind(f) == FeatureKind::kPrice ? kPriceFeature : 0));
    if (dict.kind(f) == FeatureKind::kPrice) price_features_.push_back(f);
  }

  // One pass over the (large, scattered) Items copies what ranking reads
  // into compact rows; everything after reads only the rows.
  struct PopularityKey {
    double popularity;
    std::array<uint64_t, 2> id;
    ItemIndex index;
  };
  std::vector<PopularityKey> order(n);
  id_keys_.resize(n);
  rows_.resize(n);
  features_.clear();
  for (ItemIndex i = 0; i < n; ++i) {
    const Item& item = items[i];
    id_keys_[i] = IdKey(item.id);
    order[i] = {item.popularity, id_keys_[i], i};
    ItemRow& row = rows_[i];
    row = ItemRow{};
    row.features_begin = static_cast<uint32_t>(features_.size());
    row.features_count = static_cast<uint32_t>(item.features.size());
    features_.insert(features_.end(), item.features.begin(), item.features.end());
    int leaf_depth = 0;
    for (FeatureId f : item.features) {
      if (const int depth = dict.category_depth(f); depth > 0) {
        if (depth == 1) row.top = f;
        if (depth > leaf_depth) leaf_depth = depth, row.leaf = f;
      }
    }
    row.popularity = item.popularity;  // scaled below, once the maximum is known
    row.sqrt_features = item.features.empty() ? 1 : std::sqrt(static_cast<double>(item.features.size()));
    row.created_at_ms = item.created_at_ms;
    row.in_stock = item.in_stock();
  }

  // Popularity first, id as the tie-break: the same order on every platform.
  std::sort(order.begin(), order.end(), [&](const PopularityKey& a, const PopularityKey& b) {
    if (a.popularity != b.popularity) return a.popularity > b.popularity;
    if (a.id != b.id) return a.id < b.id;
    return items[a.index].id < items[b.index].id;
  });
  // Recommend reads at most kPostingTake entries of a posting list and
  // kPopularTake of the popularity order: keep no more.
  postings_.assign(indexed_features_, {});
  for (const PopularityKey& k : order) {
    const ItemRow& row = rows_[k.index];
    for (uint32_t j = 0; j < row.features_count; ++j)
      if (auto& list = postings_[features_[row.features_begin + j]]; list.size() < kPostingTake)
        list.push_back(k.index);
  }
  by_popularity_.clear();
  for (size_t j = 0; j < n && j < kPopularTake; ++j) by_popularity_.push_back(order[j].index);
  // The newest first; among equally new ones, the more popular first.
  {
    std::vector<std::pair<int64_t, uint32_t>> fresh(n);  // (-created_at, popularity rank)
    for (uint32_t r = 0; r < n; ++r) fresh[r] = {-rows_[order[r].index].created_at_ms, r};
    const size_t take = std::min(n, kFreshTake);
    std::partial_sort(fresh.begin(), fresh.begin() + take, fresh.end());
    by_freshness_.clear();
    for (size_t j = 0; j < take; ++j) by_freshness_.push_back(order[fresh[j].second].index);
  }
  max_popularity_ = n == 0 ? 0 : order[0].popularity;
  const double pop_scale = std::log1p(std::max(max_popularity_, 0.0));
  for (ItemRow& row : rows_) row.popularity = pop_scale > 0 ? std::log1p(std::max(row.popularity, 0.0)) / pop_scale : 0;
  stamp_.assign(n, 0);
  blocked_stamp_.assign(n, 0);
  seen_stamp_.assign(n, 0);
  seen_.assign(n, nullptr);
  theta_stamp_.assign(indexed_features_, 0);
  theta_.assign(indexed_features_, 0);
  stamp_now_ = 0;
  indexed_version_ = catalog.version();
}

absl::StatusOr<std::vector<Pick>> Ranker::Recommend(const Catalog& catalog, const Profile& profile,
                                                    const CategoryPriors& priors, const RecommendRequest& req,
                                                    RankState* state, Rng* rng) {
  if (req.count < 1)
    return absl::InvalidArgumentError(absl::StrCat("count must be at least 1, got ", req.count));
  const size_t count = static_cast<size_t>(std::min(req.count, req.slot == Slot::kWow ? kWowMaxPicks : kMaxCount));
  if (catalog.size() == 0) return std::vector<Pick>{};
  if (indexed_version_ != catalog.version()) Reindex(catalog);
  const FeatureDictionary& dict = catalog.features();
  const int64_t now = req.now_ms;

  // Profile interests at `now`: every affinity (scaled by the strongest) in
  // a dense per-feature table for scoring, and the strongest few, in order,
  // to seed the candidates. No full sort: only the seeds need an order.
  std::vector<std::pair<FeatureId, double>> interests;
  for (const auto& [f, a] : profile.affinities()) {
    const double w = profile.Affinity(f, now);
    if (w > 1e-3) interests.emplace_back(f, w);  // the threshold of Profile::TopInterests
  }
  const bool cold = interests.empty() && profile.likes().empty();
  const bool warm_start = cold && priors.max_share() > 0;  // population priors stand in for a profile
  double max_interest = 0;
  for (const auto& [f, w] : interests) max_interest = std::max(max_interest, w);
  affinity_.assign(std::max(dict.size(), indexed_features_), 0.0);
  for (const auto& [f, w] : interests) affinity_[f] = w / max_interest;
  const size_t seeds = std::min(interests.size(), kInterestSeeds);
  std::partial_sort(interests.begin(), interests.begin() + seeds, interests.end(), [&](const auto& x, const auto& y) {
    return x.second != y.second ? x.second > y.second : dict.key(x.first) < dict.key(y.first);
  });
  // A feature interned after the last Reindex (a restored snapshot can add
  // some) is on no item yet: it has no posting list.
  auto posting = [&](FeatureId f) {
    return f < postings_.size() ? absl::Span<const ItemIndex>(postings_[f]) : absl::Span<const ItemIndex>();
  };

  // This request's stamp: an entry of a per-item scratch table belongs to
  // the request when its stamp matches (no clearing between requests).
  if (++stamp_now_ == 0) {
    for (auto* v : {&stamp_, &blocked_stamp_, &seen_stamp_, &theta_stamp_}) std::fill(v->begin(), v->end(), 0);
    stamp_now_ = 1;
  }
  // What the ranker remembers about items, by catalog index: a few thousand
  // id lookups here instead of several per candidate.
  for (const auto& [id, imp] : state->impressions)
    if (auto i = catalog.IndexOf(id)) seen_stamp_[*i] = stamp_now_, seen_[*i] = &imp;
  absl::flat_hash_set<std::string_view> excluded(req.exclude.begin(), req.exclude.end());
  for (const std::string& id : req.exclude)
    if (auto i = catalog.IndexOf(id)) blocked_stamp_[*i] = stamp_now_;
  if (!req.include_purchased)
    for (const std::string& id : state->purchased)
      if (auto i = catalog.IndexOf(id)) blocked_stamp_[*i] = stamp_now_;
  // Explicit likes and dislikes as per-feature marks. A word matches a
  // feature by its value token ("trail" → tag:trail, cat:shoes/trail) or its
  // whole key ("brand:acme").
  constexpr uint8_t kLiked = 1, kDisliked = 2;
  const bool has_likes = !profile.likes().empty(), has_dislikes = !profile.dislikes().empty();
  if (has_likes || has_dislikes) {
    preference_.assign(indexed_features_, 0);
    auto mark = [&](const std::vector<std::string>& words, uint8_t bit) {
      auto set = [&](FeatureId f) {
        if (f < indexed_features_) preference_[f] |= bit;
      };
      for (const std::string& w : words) {
        for (FeatureId f : dict.ByToken(w)) set(f);  // every kind but price, by value
        for (FeatureId f : price_features_)
          if (dict.token(f) == w) set(f);
        if (auto f = dict.Find(w)) set(*f);
        if (w.empty())  // ByToken never lists an empty value
          for (FeatureId f = 0; f < indexed_features_; ++f)
            if (dict.token(f).empty()) set(f);
      }
    };
    mark(profile.likes(), kLiked);
    mark(profile.dislikes(), kDisliked);
  }

  // Candidates.
  std::vector<ItemIndex> candidates;
  auto add = [&](ItemIndex i) {
    if (stamp_[i] != stamp_now_) stamp_[i] = stamp_now_, candidates.push_back(i);
  };
  auto add_posting = [&](FeatureId f) {
    const absl::Span<const ItemIndex> list = posting(f);
    for (size_t j = 0; j < list.size() && j < kPostingTake; ++j) add(list[j]);
  };
  for (size_t k = 0; k < seeds; ++k) add_posting(interests[k].first);
  for (const std::string& like : profile.likes())
    for (FeatureId f : dict.ByToken(like)) add_posting(f);
  std::vector<double> prior_of_top;  // warm start: by top-level category, -1 until looked up
  if (warm_start) {
    std::vector<std::pair<double, FeatureId>> strongest;
    for (const auto& [key, share] : priors.shares())
      if (auto f = dict.Find(key); f && share > 0) strongest.emplace_back(share, *f);
    const size_t n = std::min(strongest.size(), kInterestSeeds);
    std::partial_sort(strongest.begin(), strongest.begin() + n, strongest.end(), std::greater<>());
    for (size_t k = 0; k < n; ++k) add_posting(strongest[k].second);
    prior_of_top.assign(indexed_features_, -1);
  }
  for (ItemIndex i : by_popularity_) add(i);
  for (ItemIndex i : by_freshness_) add(i);

  // Filters and signals, from the compact rows built at Reindex.
  std::vector<Scored> scored;
  scored.reserve(candidates.size());
  double max_rel = 0, max_broad = 0;
  const bool wow = req.slot == Slot::kWow;
  // Resting items (shown and ignored, or just clicked) only fill a list that
  // would otherwise come up short; dismissed ones never return early. A rest
  // longer than kFatigueRestDays can only come from a dismissal.
  std::vector<ItemIndex> resting;
  auto consider = [&](ItemIndex i, bool rested) {
    const ItemRow& row = rows_[i];
    if (!row.in_stock || blocked_stamp_[i] == stamp_now_) return;
    if (const Impression* imp = seen_stamp_[i] == stamp_now_ ? seen_[i] : nullptr;
        !rested && imp != nullptr && imp->rest_until_ms > now) {
      if (imp->rest_until_ms - now <= kFatigueRestDays * kDayMs) resting.push_back(i);
      return;
    }
    const FeatureId* fs = features_.data() + row.features_begin;
    const uint32_t nf = row.features_count;
    if (has_dislikes)
      for (uint32_t k = 0; k < nf; ++k)
        if (preference_[fs[k]] & kDisliked) return;
    Scored s;
    s.index = i;
    s.rested = rested;
    s.leaf = row.leaf;
    s.top = row.top;
    double best = 0;
    size_t familiar = 0, described = 0;
    for (uint32_t k = 0; k < nf; ++k) {
      const FeatureId f = fs[k];
      const double a = std::max(affinity_[f], 0.0);
      const double contribution = feature_weight_[f] * a;
      s.relevance += contribution;
      const uint8_t flags = feature_flags_[f];
      if (flags & kTopCategory) {
        s.broad += a;
        s.top_category_interest |= a > 0.05;
      }
      if (contribution > best) best = contribution, s.best_feature = f;
      if (!(flags & kPriceFeature)) {
        ++described;
        familiar += a > 0.05 ? 1 : 0;
      }
    }
    if (nf > 0) s.relevance /= row.sqrt_features;
    if (warm_start && s.top != ~FeatureId{0}) {
      double& share = prior_of_top[s.top];
      if (share < 0) share = priors.Share(dict.key(s.top)) / priors.max_share();
      s.relevance = share;
      if (s.relevance > 0) s.best_feature = s.top;
    }
    if (has_likes)
      for (uint32_t k = 0; k < nf && !s.liked; ++k) s.liked = (preference_[fs[k]] & kLiked) != 0;
    s.novelty = described == 0 ? 1 : 1 - static_cast<double>(familiar) / static_cast<double>(described);
    s.popularity = row.popularity;
    // Only wow scores (and explains) freshness.
    if (wow && row.created_at_ms > 0)
      s.freshness = std::exp2(-std::max<double>(0, static_cast<double>(now - row.created_at_ms)) / kDayMs / 30);
    max_rel = std::max(max_rel, s.relevance);
    max_broad = std::max(max_broad, s.broad);
    scored.push_back(s);
  };
  for (ItemIndex i : candidates) consider(i, false);
  if (scored.size() < count)
    for (ItemIndex i : std::vector<ItemIndex>(std::move(resting))) consider(i, true);
  for (Scored& s : scored) {
    if (max_rel > 0) s.relevance /= max_rel;
    if (max_broad > 0) s.broad /= max_broad;
    if (s.liked) s.relevance = std::min(1.0, s.relevance + 0.5);
  }

  // The bandit: one Thompson draw per arm picks the strategy; the propensity
  // of that choice is a pure function of the posteriors (ArmPropensities).
  const int slot = static_cast<int>(req.slot);
  auto& arms = state->arms[slot];
  SlotDecision& last = state->last[slot];
  if (last.pending) {  // shown and never rewarded: a miss for its arm
    arms[last.arm].beta += 1;
    last.pending = false;
  }
  int arm = DrawArm(arms, rng);
  double propensity = 1;
  if (cold && req.slot == Slot::kForYou) {
    arm = 1;  // nothing to personalise yet: relevance+popularity, deterministically
  } else {
    propensity = std::max(CachedPropensities(slot, arms)[arm], kMinPropensity);
  }

  auto for_you_score = [](const Scored& s, int a) {
    switch (a) {
      case 0: return s.relevance;
      case 1: return 0.7 * s.relevance + 0.3 * s.popularity;
      default: return 0.8 * s.broad + 0.2 * s.popularity;
    }
  };
  auto by_score = [&](const Scored& a, const Scored& b) {
    if (a.score != b.score) return a.score > b.score;
    return IdLess(catalog, a.index, b.index);
  };

  std::vector<Scored> pool;
  if (!wow) {
    for (Scored& s : scored) s.score = for_you_score(s, arm);
    pool = std::move(scored);
  } else {
    // The for_you top list (its default arm) is what wow must not repeat.
    std::vector<std::pair<double, ItemIndex>> fy;
    fy.reserve(scored.size());
    for (const Scored& s : scored) fy.emplace_back(for_you_score(s, 1), s.index);
    // At most a third of the candidates, so a small catalog keeps a wow slot.
    const size_t n = std::min<size_t>(kWowAvoidForYouTop, fy.size() / 3);
    std::partial_sort(fy.begin(), fy.begin() + n, fy.end(), [&](const auto& a, const auto& b) {
      return a.first != b.first ? a.first > b.first : IdLess(catalog, a.second, b.second);
    });
    auto familiar_top = [&](ItemIndex i) {
      for (size_t k = 0; k < n; ++k)
        if (fy[k].second == i) return true;
      return false;
    };
    static constexpr double kWeights[kArms][3] = {{0.5, 0.25, 0.25}, {0.3, 0.5, 0.2}, {0.3, 0.2, 0.5}};
    for (Scored& s : scored) {
      if (familiar_top(s.index)) continue;
      if (!cold && !(s.relevance >= 0.15 || s.top_category_interest)) continue;  // relevance floor
      const auto& w = kWeights[arm];
      // The novel arm leans to the long tail (1 − p): new to the user and not
      // what everyone buys; the other arms let popularity in.
      const double pop = arm == 0 ? 1 - s.popularity : s.popularity;
      s.score = (w[0] * s.novelty + w[1] * s.freshness + w[2] * pop) * (0.5 + 0.5 * s.relevance);
      // Exploration: a small seeded jitter so the slot keeps discovering.
      s.score += 0.05 * rng->Uniform();
      pool.push_back(s);
    }
  }
  // Category learning: one Thompson draw per candidate category (see rank.h).
  if (const auto& cats = state->categories[slot]; !cats.empty() && !pool.empty()) {
    auto counts = [&](FeatureId f) {
      CategoryStats c;
      if (f == ~FeatureId{0}) return c;
      if (auto it = cats.find(dict.key(f)); it != cats.end()) c = it->second, c.DecayTo(now);
      return c;
    };
    // θ by leaf category (dense, stamped), and one for items without one.
    double no_leaf_theta = -1;
    auto theta_of = [&](FeatureId leaf) -> double* {
      if (leaf == ~FeatureId{0}) return &no_leaf_theta;
      return theta_stamp_[leaf] == stamp_now_ ? &theta_[leaf] : nullptr;
    };
    double max_theta = 0;
    for (const Scored& s : pool) {
      if (s.leaf == ~FeatureId{0} ? no_leaf_theta >= 0 : theta_stamp_[s.leaf] == stamp_now_) continue;
      // The leaf's own counts, shrunk toward its department's (half weight):
      // a click on one trail shoe says something about all of Shoes.
      const CategoryStats leaf = counts(s.leaf), top = counts(s.top == s.leaf ? ~FeatureId{0} : s.top);
      const double clicks = leaf.clicks + kParentShare * top.clicks;
      const double misses = std::max(0.0, leaf.shows - leaf.clicks) + kParentShare * std::max(0.0, top.shows - top.clicks);
      const double t = rng->Beta(1 + clicks, kCategoryPriorMisses + misses);
      if (s.leaf != ~FeatureId{0}) theta_stamp_[s.leaf] = stamp_now_;
      *(s.leaf == ~FeatureId{0} ? &no_leaf_theta : &theta_[s.leaf]) = t;
      max_theta = std::max(max_theta, t);
    }
    if (max_theta > 0)
      for (Scored& s : pool) s.score *= (1 - kCategoryWeight) + kCategoryWeight * *theta_of(s.leaf) / max_theta;
  }
  // Soft fatigue: each show without a click costs 55% of the score, so an
  // ignored pick gives way to the next one long before its rest begins.
  for (Scored& s : pool) {
    if (seen_stamp_[s.index] == stamp_now_) s.score *= std::pow(kIgnoredShowFactor, seen_[s.index]->shown_since_click);
    if (s.rested) s.score *= 1e-3;  // after everything that is not resting
  }
  // Only the head is ever looked at (pins + the MMR window): sort just that.
  const size_t head = std::min(pool.size(), req.pin.size() + MmrWindow(count));
  std::partial_sort(pool.begin(), pool.begin() + head, pool.end(), by_score);
  pool.resize(head);

  // Pins first (if sellable and not excluded), then the diversified rest.
  std::vector<Pick> picks;
  absl::flat_hash_set<std::string_view> taken;
  for (const std::string& id : req.pin) {
    if (picks.size() == count) break;
    const Item* item = catalog.Find(id);
    if (item == nullptr || !item->in_stock() || excluded.contains(id) || taken.contains(id)) continue;
    taken.insert(item->id);
    picks.push_back(Pick{item->id, 1, "Picked by the shop", 1, "pinned"});
  }
  std::vector<Scored> rest;
  for (const Scored& s : pool)
    if (!taken.contains(catalog.item(s.index).id)) rest.push_back(s);
  for (const Scored& s : Diversify(std::move(rest), count - picks.size())) {
    const Item& item = catalog.item(s.index);
    Pick p;
    p.item = item.id;
    p.score = s.score;
    p.reason = req.slot == Slot::kForYou ? ForYouReason(dict, item, s, cold) : WowReason(dict, item, s, arm);
    p.propensity = propensity;
    p.arm = std::string(ArmName(req.slot, arm));
    picks.push_back(std::move(p));
    CountCategory(state, slot, LeafKey(dict, item), 1, 0, now);
    CountCategory(state, slot, TopKey(dict, item), 1, 0, now);
  }

  // Remember what was shown: fatigue and the bandit's pending decision.
  last.pending = !picks.empty();
  last.arm = arm;
  last.items.clear();
  for (const Pick& p : picks) {
    last.items.push_back(p.item);
    Impression& imp = state->impressions[p.item];
    imp.last_shown_ms = now;
    if (++imp.shown_since_click >= kFatigueShows) {
      imp.rest_until_ms = now + kFatigueRestDays * kDayMs;
      imp.shown_since_click = 0;
    }
  }
  TrimImpressions(state);
  return picks;
}

absl::Status Ranker::Feedback(const Catalog& catalog, const FeedbackEvent& e, RankState* state) {
  if (e.item.empty()) return absl::InvalidArgumentError("feedback needs the item that was shown");
  if (catalog.Find(e.item) == nullptr)
    return absl::NotFoundError(absl::StrCat("item '", e.item.substr(0, kMaxIdBytes), "' is not in the catalog"));
  const int slot = static_cast<int>(e.slot);
  SlotDecision& last = state->last[slot];
  const bool from_last = std::find(last.items.begin(), last.items.end(), e.item) != last.items.end();
  const Item& shown = *catalog.Find(e.item);
  const std::string_view leaf = LeafKey(catalog.features(), shown), top = TopKey(catalog.features(), shown);
  if (e.outcome == Outcome::kDismiss) {
    // A dismissal weighs as a second ignored show.
    CountCategory(state, slot, leaf, 1, 0, e.now_ms);
    CountCategory(state, slot, top, 1, 0, e.now_ms);
    state->impressions[std::string(e.item)].rest_until_ms = e.now_ms + kDismissRestDays * kDayMs;
    TrimImpressions(state);
    if (from_last && last.pending) {
      state->arms[slot][last.arm].beta += 1;
      last.pending = false;
    }
    return absl::OkStatus();
  }
  CountCategory(state, slot, leaf, 0, 1, e.now_ms);
  CountCategory(state, slot, top, 0, 1, e.now_ms);
  {
    // Just clicked: the user has seen it; it rests from the slots for a while.
    Impression& imp = state->impressions[std::string(e.item)];
    imp.shown_since_click = 0;
    imp.rest_until_ms = std::max(imp.rest_until_ms, e.now_ms + int64_t{kClickedRestHours} * 3'600'000);
    TrimImpressions(state);
  }
  if (e.outcome == Outcome::kPurchase) state->RememberPurchase(e.item);
  // One reward per decision: the first click or purchase on its list.
  if (from_last && last.pending) {
    state->arms[slot][last.arm].alpha += 1;
    last.pending = false;
  }
  return absl::OkStatus();
}

}  // namespace hearth
