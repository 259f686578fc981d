#include "hearth/game/game.h"

#include <algorithm>
#include <cinttypes>
#include <cmath>
#include <cstdio>

#include "absl/strings/str_cat.h"
#include "hearth/common/hash.h"

namespace hearth {
namespace {

constexpr int64_t kDay = 86'400'000;
constexpr size_t kMaxStateIds = 10'000;
constexpr size_t kMaxTierWindow = 50'000;  // per kind of progress kept in a snapshot

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

void Mix(uint64_t* h, std::string_view s) {
  for (char c : s) {
    *h ^= static_cast<uint8_t>(c);
    *h *= 0x100000001b3ull;
  }
}

// FNV-1a of a, 0x1f, b, c: the id of an award of rule `b` + `c` for event
// `a` (no allocation: this runs for every matching rule of every event).
uint64_t Key(std::string_view a, std::string_view b, std::string_view c = {}) {
  uint64_t h = Fnv1a64(a);
  h ^= 0x1f;
  h *= 0x100000001b3ull;
  Mix(&h, b);
  Mix(&h, c);
  return h;
}

uint64_t Key(uint64_t a, std::string_view b, int64_t n = 0) {
  uint8_t bytes[8];
  for (int i = 0; i < 8; ++i) bytes[i] = static_cast<uint8_t>(a >> (8 * i));  // same on every platform
  return Key(std::string_view(reinterpret_cast<const char*>(bytes), 8), b, absl::StrCat("#", n));
}

uint64_t DayKey(int64_t day, std::string_view prefix, std::string_view id) {
  uint8_t bytes[8];
  for (int i = 0; i < 8; ++i) bytes[i] = static_cast<uint8_t>(static_cast<uint64_t>(day) >> (8 * i));
  return Key(std::string_view(reinterpret_cast<const char*>(bytes), 8), prefix, id);
}

std::string Hex(uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016" PRIx64, v);
  return buf;
}

std::string Plural(int64_t n, std::string_view unit) { return absl::StrCat(n, "-", unit); }
// "1 day", "9 days".
std::string Count(int64_t n, std::string_view unit) { return absl::StrCat(n, " ", unit, n == 1 ? "" : "s"); }

}  // namespace

std::string_view RewardKindName(RewardKind k) {
  switch (k) {
    case RewardKind::kPoints: return "points";
    case RewardKind::kStamp: return "stamp";
    case RewardKind::kStampCardComplete: return "stamp_card_complete";
    case RewardKind::kStreak: return "streak";
    case RewardKind::kStreakBroken: return "streak_broken";
    case RewardKind::kTier: return "tier";
    case RewardKind::kBadge: return "badge";
    case RewardKind::kChallengeProgress: return "challenge_progress";
    case RewardKind::kChallengeComplete: return "challenge_complete";
    case RewardKind::kMysteryAvailable: return "mystery_available";
    case RewardKind::kMysteryOpened: return "mystery_opened";
    case RewardKind::kRefund: return "refund";
    case RewardKind::kExpired: return "expired";
  }
  return "points";
}

int64_t Game::LocalDay(int64_t ts, int32_t tz) { return FloorDiv(ts + int64_t{tz} * 60'000, kDay); }
// 1970-01-01 was a Thursday: Monday-based weeks start 3 days before day 0.
int64_t Game::LocalWeek(int64_t ts, int32_t tz) { return FloorDiv(LocalDay(ts, tz) + 3, 7); }

int64_t Game::Period(int64_t ts, int32_t tz) const {
  return rules_ && rules_->streak.weekly ? LocalWeek(ts, tz) : LocalDay(ts, tz);
}

int64_t Game::PeriodEndUtc(int64_t p, int32_t tz) const {
  const int64_t local_end = rules_ && rules_->streak.weekly ? ((p + 1) * 7 - 3) * kDay : (p + 1) * kDay;
  return local_end - int64_t{tz} * 60'000;
}

absl::StatusOr<size_t> Game::Load(std::string_view json) {
  auto parsed = ParseGameRules(json);
  if (!parsed.ok()) return parsed.status();
  rules_ = *std::move(parsed);
  return rules_->rule_count();
}

bool Game::MarkSeen(uint64_t id) {
  if (!seen_.insert(id).second) return false;
  seen_order_.push_back(id);
  while (seen_order_.size() > kMaxSeenAwards) {
    seen_.erase(seen_order_.front());
    seen_order_.pop_front();
  }
  return true;
}

void Game::Emit(RewardEvent e) {
  if (pending_.size() >= kMaxPendingRewards) pending_.pop_front();
  // Awards only: progress, refunds, expiry, broken streaks and tier
  // downgrades are news but not rewards (the engagement report counts these).
  switch (e.kind) {
    case RewardKind::kStreakBroken:
    case RewardKind::kChallengeProgress:
    case RewardKind::kRefund:
    case RewardKind::kExpired:
      break;
    case RewardKind::kTier:
      if (e.direction == "up") ++awarded_;
      break;
    default:
      ++awarded_;
  }
  pending_.push_back(std::move(e));
}

std::vector<RewardEvent> Game::TakeRewards() {
  std::vector<RewardEvent> out(std::make_move_iterator(pending_.begin()), std::make_move_iterator(pending_.end()));
  pending_.clear();
  return out;
}

void Game::RememberEvent(uint64_t ev, EventRecord rec) {
  if (rec.awards.empty()) return;
  auto [it, fresh] = events_.try_emplace(ev);
  for (Award& a : rec.awards) it->second.awards.push_back(std::move(a));
  if (!fresh) return;
  events_order_.push_back(ev);
  while (events_order_.size() > kMaxRememberedEvents) {
    events_.erase(events_order_.front());
    events_order_.pop_front();
  }
}

std::string Game::Grant(const Reward& r, uint64_t id, int64_t ts, std::string_view reason,
                        std::string_view event_key, EventRecord* rec) {
  switch (r.kind) {
    case Reward::Kind::kCurrency: {
      const Currency& c = rules_->currencies[r.currency];
      const int cur = ledger_.Intern(c.id);
      if (cur < 0) return "";
      const int64_t expires = c.expires_after_ms ? ts + c.expires_after_ms : 0;
      ledger_.Credit(id, cur, r.amount, ts, expires, reason, event_key.empty() ? 0 : Fnv1a64(event_key));
      if (rules_->tiers.currency == r.currency) {
        auto at = std::upper_bound(tier_window_.begin(), tier_window_.end(), std::make_pair(ts, INT64_MAX));
        tier_window_.insert(at, {ts, r.amount});
        // Bounded: past the limit the two oldest merge (at the later time, so
        // no point leaves the window early).
        if (tier_window_.size() > kMaxTierWindow) {
          tier_window_[1].second += tier_window_[0].second;
          tier_window_.pop_front();
        }
      }
      if (rec) rec->awards.push_back({Award::What::kCurrency, c.id, r.amount, expires});
      RewardEvent e{RewardKind::kPoints};
      e.label = std::string(reason);
      e.currency = c.id;
      e.amount = r.amount;
      e.balance = ledger_.Balance(cur);
      e.event = std::string(event_key);
      Emit(std::move(e));
      return "";
    }
    case Reward::Kind::kMystery: {
      const MysteryBox& b = rules_->mystery[r.target];
      BoxState& s = boxes_[b.id];
      ++s.available;
      if (rec) rec->awards.push_back({Award::What::kBox, b.id, 1, 0});
      RewardEvent e{RewardKind::kMysteryAvailable};
      e.id = b.id;
      e.label = b.name;
      e.count = s.available;
      e.message = absl::StrCat("You have a ", b.name, " to open. The odds are shown before you open it.");
      e.event = std::string(event_key);
      Emit(std::move(e));
      return "";
    }
    case Reward::Kind::kBadge:
      EarnBadge(r.target, ts, id, event_key, rec);
      return "";
    case Reward::Kind::kClaim: {
      if (claims_.size() >= kMaxClaims) return "";
      PendingClaim c{Hex(id), std::string(reason), r.label, r.value_cents, ts};
      claims_.push_back(c);
      return c.id;
    }
    case Reward::Kind::kNone: break;
  }
  return "";
}

void Game::EarnBadge(int idx, int64_t ts, uint64_t id, std::string_view event_key, EventRecord* rec) {
  const Badge& b = rules_->badges[idx];
  BadgeState& s = badges_[b.id];
  if (s.earned_at != 0) return;
  s.earned_at = std::max<int64_t>(ts, 1);
  RewardEvent e{RewardKind::kBadge};
  e.id = b.id;
  e.label = b.name;
  e.message = b.description;
  e.event = std::string(event_key);
  Emit(std::move(e));
  if (b.set < 0) return;
  const BadgeSet& set = rules_->sets[b.set];
  for (const Badge& other : rules_->badges) {
    if (other.set != b.set) continue;
    auto it = badges_.find(other.id);
    if (it == badges_.end() || it->second.earned_at == 0) return;
  }
  // The whole set is collected: one badge event for the set, then its reward.
  RewardEvent done{RewardKind::kBadge};
  done.id = set.id;
  done.label = set.name;
  done.message = absl::StrCat("You completed the ", set.name, " set");
  done.event = std::string(event_key);
  if (set.reward.kind != Reward::Kind::kNone) {
    const uint64_t rid = Key(id, "set:" + set.id);
    if (MarkSeen(rid)) {
      done.claim = Grant(set.reward, rid, ts, set.name, event_key, rec);
      if (!done.claim.empty()) done.value_cents = set.reward.value_cents;
    }
  }
  Emit(std::move(done));
}

bool Game::Observe(const GameEvent& e, int64_t now_ms) {
  bool changed = Advance(now_ms, e.tz_offset_min);
  if (!rules_) return changed;
  const size_t before = pending_.size();
  const uint64_t appended = ledger_.appended();
  const GameRules& R = *rules_;

  const int64_t local = e.ts_ms + int64_t{e.tz_offset_min} * 60'000;
  EventFacts f;
  f.type = e.type;
  f.item = e.item;
  f.category = e.category;
  f.tags = &e.tags;
  f.brand = e.brand;
  f.price = e.price;
  f.amount = e.amount;
  f.quantity = e.quantity;
  f.deal = e.deal;
  f.segment = e.segment;
  f.hour = static_cast<int>(FloorDiv(local, 3'600'000) % 24 + 24) % 24;
  f.weekday = static_cast<int>((LocalDay(e.ts_ms, e.tz_offset_min) + 3) % 7 + 7) % 7 + 1;
  f.context = e.context;

  const uint64_t ev = Fnv1a64(e.key);
  EventRecord rec;
  const int64_t day = LocalDay(e.ts_ms, e.tz_offset_min);
  // Cap counters older than two days can no longer matter (events are at
  // most a day ahead of now, and late ones start a fresh count): drop them.
  if (caps_.size() > 4 * (R.earn.size() + R.currencies.size()) + 64)
    absl::erase_if(caps_, [&](const auto& kv) { return kv.second.first < day - 2; });
  auto cap_used = [&](uint64_t k) {
    auto it = caps_.find(k);
    return it == caps_.end() || it->second.first != day ? int64_t{0} : it->second.second;
  };

  for (const EarnRule& rule : R.earn) {
    if (!R.Matches(rule.trigger, f)) continue;
    const uint64_t id = Key(e.key, "earn:", rule.id);
    if (seen_.contains(id)) continue;
    Reward reward = rule.reward;
    if (reward.kind == Reward::Kind::kCurrency) {
      if (rule.per_unit > 0) {
        const double units = std::floor(std::max(0.0, e.amount));
        reward.amount = static_cast<int64_t>(std::min(units * static_cast<double>(rule.per_unit), double(kMaxAmount)));
      }
      const uint64_t rule_cap = DayKey(day, "cap:", rule.id);
      const uint64_t global_cap = DayKey(day, "cap$", R.currencies[reward.currency].id);
      if (rule.daily_cap > 0) reward.amount = std::min(reward.amount, rule.daily_cap - cap_used(rule_cap));
      if (const int64_t g = R.daily_caps[reward.currency]; g > 0)
        reward.amount = std::min(reward.amount, g - cap_used(global_cap));
      MarkSeen(id);  // capped to zero still counts as handled: a replay must not pay later
      if (reward.amount <= 0) continue;
      for (uint64_t k : {rule_cap, global_cap}) {
        auto& slot = caps_[k];
        if (slot.first != day) slot = {day, 0};
        slot.second += reward.amount;
      }
    } else {
      MarkSeen(id);
    }
    Grant(reward, id, e.ts_ms, rule.label, e.key, &rec);
  }

  if (R.streak.enabled && R.Matches(R.streak.trigger, f)) ObserveStreak(e, ev, &rec);

  for (const StampCard& card : R.cards) {
    if (!R.Matches(card.trigger, f)) continue;
    const uint64_t id = Key(e.key, "card:", card.id);
    if (!MarkSeen(id)) continue;
    CardState& s = cards_[card.id];
    ++s.stamps;
    rec.awards.push_back({Award::What::kStamp, card.id, 1, 0});
    RewardEvent st{RewardKind::kStamp};
    st.id = card.id;
    st.label = card.name;
    st.count = s.stamps;
    st.goal = card.required;
    st.event = std::string(e.key);
    Emit(std::move(st));
    if (s.stamps >= card.required) {
      s.stamps = 0;
      ++s.completed;
      RewardEvent done{RewardKind::kStampCardComplete};
      done.id = card.id;
      done.label = card.name;
      done.count = s.completed;
      done.goal = card.required;
      done.event = std::string(e.key);
      done.message = absl::StrCat("Your ", card.name, " is full: your reward is in");
      const uint64_t rid = Key(id, "complete", s.completed);
      if (MarkSeen(rid)) {
        done.claim = Grant(card.reward, rid, e.ts_ms, card.name, e.key, nullptr);
        if (!done.claim.empty()) done.value_cents = card.reward.value_cents;
      }
      Emit(std::move(done));
    }
  }

  for (size_t i = 0; i < R.badges.size(); ++i) {
    const Badge& b = R.badges[i];
    if (!b.by_event || !R.Matches(b.trigger, f)) continue;
    BadgeState& s = badges_[b.id];
    if (s.earned_at != 0) continue;
    const uint64_t id = Key(e.key, "badge:", b.id);
    if (!MarkSeen(id)) continue;
    ++s.progress;
    rec.awards.push_back({Award::What::kBadgeProgress, b.id, 1, 0});
    if (s.progress >= b.count) EarnBadge(static_cast<int>(i), e.ts_ms, id, e.key, &rec);
  }

  for (const Challenge& c : R.challenges) {
    if (e.ts_ms < c.starts_ms || e.ts_ms >= c.ends_ms || !R.Matches(c.trigger, f)) continue;
    ChallengeState& s = challenges_[c.id];
    if (s.completed) continue;
    const uint64_t id = Key(e.key, "challenge:", c.id);
    if (!MarkSeen(id)) continue;
    const int64_t step =
        c.sum_amount ? static_cast<int64_t>(std::min(std::floor(std::max(0.0, e.amount)), double(kMaxCap))) : 1;
    if (step <= 0) continue;
    s.progress = std::min(s.progress + step, kMaxCap);
    rec.awards.push_back({Award::What::kChallengeProgress, c.id, step, 0});
    RewardEvent p{s.progress >= c.goal ? RewardKind::kChallengeComplete : RewardKind::kChallengeProgress};
    p.id = c.id;
    p.label = c.name;
    p.count = std::min(s.progress, c.goal);
    p.goal = c.goal;
    p.event = std::string(e.key);
    if (s.progress >= c.goal) {
      s.completed = true;
      p.message = absl::StrCat("Challenge complete: ", c.name);
      p.claim = Grant(c.reward, Key(id, "complete"), e.ts_ms, c.name, e.key, nullptr);
      if (!p.claim.empty()) p.value_cents = c.reward.value_cents;
    } else {
      p.message = absl::StrCat(s.progress, " of ", c.goal, " done");
    }
    Emit(std::move(p));
  }

  UpdateTier(now_ms);
  RememberEvent(ev, std::move(rec));
  return changed || pending_.size() != before || ledger_.appended() != appended;
}

void Game::ObserveStreak(const GameEvent& e, uint64_t ev, EventRecord* rec) {
  (void)rec;  // a streak day is not refunded: the visit happened
  const StreakRules& S = rules_->streak;
  const std::string_view unit = S.weekly ? "week" : "day";
  int64_t p = Period(e.ts_ms, e.tz_offset_min);
  StreakState& st = streak_;
  bool used_freeze = false;
  int64_t broken_len = 0;
  if (st.current == 0 || st.last == INT64_MIN) {
    st.current = 1;
    st.run_start = p;
    st.last = p;
  } else if (p <= st.last) {
    return;  // already counted this period (or a late event)
  } else {
    if (p == st.last + 2 && S.grace_ms > 0 && Period(e.ts_ms - S.grace_ms, e.tz_offset_min) == st.last + 1)
      p = st.last + 1;  // inside the grace period after the missed day: it counts for that day
    const int64_t gap = p - st.last - 1;
    if (gap == 0) {
      ++st.current;
    } else if (gap <= st.freezes) {
      st.freezes -= gap;
      ++st.current;
      used_freeze = true;
    } else {
      broken_len = st.current;
      st.current = 1;
      st.run_start = p;
    }
    st.last = p;
  }
  st.longest = std::max(st.longest, st.current);
  if (broken_len > 0) {
    RewardEvent b{RewardKind::kStreakBroken};
    b.count = broken_len;
    b.message = absl::StrCat("Day 1 of a fresh streak. Your best so far is ", Count(st.longest, unit), ": come back ",
                             S.weekly ? "next week" : "tomorrow", " to build it up.");
    if (S.weekly) b.message.replace(0, 3, "Week");
    b.event = std::string(e.key);
    Emit(std::move(b));
  }
  if (S.freeze_every > 0 && st.current % S.freeze_every == 0 && st.freezes < S.freezes_max) ++st.freezes;
  RewardEvent s{RewardKind::kStreak};
  s.count = st.current;
  s.goal = st.longest;
  s.amount = st.freezes;
  s.event = std::string(e.key);
  s.message = used_freeze ? absl::StrCat("A streak freeze kept your ", Plural(st.current, unit), " streak going. Come back ",
                                         S.weekly ? "next week" : "tomorrow", " to keep it.")
                          : absl::StrCat(Plural(st.current, unit), " streak! Come back ", S.weekly ? "next week" : "tomorrow",
                                         " to make it ", st.current + 1, ".");
  Emit(std::move(s));
  for (const auto& m : S.milestones) {
    if (m.at != st.current) continue;
    const uint64_t id = Key(ev ^ static_cast<uint64_t>(st.run_start), "milestone", m.at);
    const uint64_t run_id = Key(static_cast<uint64_t>(st.run_start), "streak-milestone", m.at);
    (void)id;
    if (!MarkSeen(run_id)) continue;
    Grant(m.reward, run_id, e.ts_ms, absl::StrCat(Plural(m.at, unit), " streak"), e.key, nullptr);
  }
}

int64_t Game::WindowPoints(int64_t now_ms) const {
  if (!rules_ || rules_->tiers.currency < 0) return 0;
  const int64_t from = now_ms - rules_->tiers.window_ms;
  int64_t sum = 0;
  for (auto it = tier_window_.rbegin(); it != tier_window_.rend() && it->first > from; ++it)
    if (it->first <= now_ms) sum += it->second;
  return std::max<int64_t>(sum, 0);
}

bool Game::UpdateTier(int64_t now_ms) {
  if (!rules_ || rules_->tiers.currency < 0) return false;
  const TierRules& T = rules_->tiers;
  while (!tier_window_.empty() && tier_window_.front().first <= now_ms - T.window_ms) tier_window_.pop_front();
  const int64_t points = WindowPoints(now_ms);
  int qualified = 0;
  for (size_t i = 0; i < T.levels.size(); ++i)
    if (points >= T.levels[i].threshold) qualified = static_cast<int>(i);
  int current = -1;
  for (size_t i = 0; i < T.levels.size(); ++i)
    if (T.levels[i].id == tier_) current = static_cast<int>(i);
  const std::string& cur_name = rules_->currencies[T.currency].id;
  auto emit = [&](int to, std::string_view dir) {
    RewardEvent e{RewardKind::kTier};
    e.id = T.levels[to].id;
    e.label = T.levels[to].name;
    e.direction = std::string(dir);
    e.currency = cur_name;
    e.balance = points;
    if (dir == "up") {
      e.message = absl::StrCat("Welcome to ", T.levels[to].name, "!");
    } else {
      const Tier& back = T.levels[current];
      e.message = absl::StrCat("You are now ", T.levels[to].name, ". Earn ", back.threshold - points, " more ", cur_name,
                               " to return to ", back.name, ".");
    }
    Emit(std::move(e));
  };
  if (current < 0) {  // first time (or the tier left the rules): start where the points say, silently at level 0
    tier_ = T.levels[qualified].id;
    tier_below_since_ = 0;
    if (qualified > 0) emit(qualified, "up");
    return true;
  }
  if (qualified > current) {
    tier_ = T.levels[qualified].id;
    tier_below_since_ = 0;
    emit(qualified, "up");
    return true;
  }
  if (qualified == current) {
    const bool was = tier_below_since_ != 0;
    tier_below_since_ = 0;
    return was;
  }
  if (T.never_downgrade) return false;
  if (tier_below_since_ == 0) {
    tier_below_since_ = now_ms;
    if (T.downgrade_grace_ms > 0) return true;
  }
  if (now_ms - tier_below_since_ >= T.downgrade_grace_ms) {
    emit(qualified, "down");
    tier_ = T.levels[qualified].id;
    tier_below_since_ = 0;
    return true;
  }
  return false;
}

bool Game::Advance(int64_t now_ms, int32_t /*tz_offset_min*/) {
  bool changed = false;
  for (const PointsEntry& x : ledger_.Expire(now_ms)) {
    RewardEvent e{RewardKind::kExpired};
    e.currency = ledger_.currency(x.currency);
    e.amount = -x.amount;
    e.balance = ledger_.Balance(x.currency);
    e.message = absl::StrCat(-x.amount, " ", e.currency, " reached their expiry date");
    Emit(std::move(e));
    changed = true;
  }
  if (rules_ && rules_->tiers.currency >= 0) {
    // Expired points leave the balance but were still earned in the window:
    // tiers count earnings, so expiry does not move them.
    if (!tier_.empty()) changed |= UpdateTier(now_ms);
  }
  return changed;
}

absl::StatusOr<MysteryResult> Game::OpenMystery(std::string_view box_id, int64_t now_ms, Rng* rng) {
  if (!rules_) return absl::FailedPreconditionError("no game rules are loaded; call game.load(rules) first");
  const MysteryBox* box = nullptr;
  for (const MysteryBox& b : rules_->mystery)
    if (b.id == box_id) box = &b;
  if (box == nullptr)
    return absl::NotFoundError(absl::StrCat("there is no mystery box '", box_id.substr(0, 64), "' in the rules"));
  BoxState& s = boxes_[box->id];
  if (s.available <= 0)
    return absl::FailedPreconditionError(absl::StrCat("no '", box->name, "' is available to open; earn one first"));
  // The table the user was shown: prizes whose budget is not used up.
  std::vector<const Prize*> table;
  uint64_t total = 0;
  for (const Prize& p : box->prizes) {
    auto it = prize_wins_.find(absl::StrCat(box->id, "/", p.id));
    const int64_t won = it == prize_wins_.end() ? 0 : it->second;
    if (p.budget >= 0 && won >= p.budget) continue;
    table.push_back(&p);
    total += static_cast<uint64_t>(p.weight);
  }
  if (total == 0)
    return absl::FailedPreconditionError(absl::StrCat("every prize of '", box->name, "' is gone; the box stays unopened"));
  // Exact integer draw in [0, total): rejection removes the modulo bias.
  const uint64_t limit = UINT64_MAX - (UINT64_MAX % total + 1) % total;
  uint64_t x;
  do x = rng->Next();
  while (x > limit);
  uint64_t r = x % total;
  const Prize* won = table.back();
  for (const Prize* p : table) {
    if (r < static_cast<uint64_t>(p->weight)) {
      won = p;
      break;
    }
    r -= static_cast<uint64_t>(p->weight);
  }
  --s.available;
  ++s.opened;
  ++prize_wins_[absl::StrCat(box->id, "/", won->id)];
  ++opens_;
  const uint64_t id = Key(Fnv1a64(box->id), "open", static_cast<int64_t>(opens_));
  MarkSeen(id);
  MysteryResult out{box->id, won->id, won->label, "", 0};
  out.claim = Grant(won->reward, id, now_ms, won->label, "", nullptr);
  if (!out.claim.empty()) out.value_cents = won->reward.value_cents;
  RewardEvent e{RewardKind::kMysteryOpened};
  e.id = box->id;
  e.label = won->label;
  e.prize = won->id;
  e.claim = out.claim;
  e.value_cents = out.value_cents;
  e.count = s.available;
  e.message = out.claim.empty() ? absl::StrCat("You won ", won->label)
                                : absl::StrCat("You won ", won->label, ". The shop will confirm it before you can use it.");
  Emit(std::move(e));
  UpdateTier(now_ms);
  return out;
}

absl::Status Game::Refund(std::string_view event_key, int64_t now_ms) {
  const uint64_t ev = Fnv1a64(event_key);
  auto it = events_.find(ev);
  if (it == events_.end())
    return absl::NotFoundError(absl::StrCat("event '", event_key.substr(0, 64),
                                            "' earned nothing that Hearth still remembers; nothing to refund"));
  EventRecord& rec = it->second;
  if (rec.refunded) return absl::OkStatus();
  rec.refunded = true;
  for (const Award& a : rec.awards) {
    RewardEvent e{RewardKind::kRefund};
    e.event = std::string(event_key);
    e.id = a.target;
    switch (a.what) {
      case Award::What::kCurrency: {
        const int cur = ledger_.Find(a.target);
        const int64_t taken = ledger_.Debit(Key(event_key, absl::StrCat("refund:", a.target, ":", a.amount)), cur,
                                            a.amount, now_ms, EntryKind::kRefund, "Refund", ev, a.expires_ms);
        if (rules_ && rules_->tiers.currency >= 0 && rules_->currencies[rules_->tiers.currency].id == a.target) {
          tier_window_.push_back({now_ms, -a.amount});
          std::sort(tier_window_.begin(), tier_window_.end());
        }
        e.currency = a.target;
        e.amount = taken;
        e.balance = ledger_.Balance(cur);
        e.message = absl::StrCat(taken, " ", a.target, " taken back for a returned order");
        break;
      }
      case Award::What::kStamp: {
        CardState& s = cards_[a.target];
        if (s.stamps == 0) continue;  // the card filled since; its reward stands
        --s.stamps;
        e.label = "stamp";
        e.amount = 1;
        e.count = s.stamps;
        break;
      }
      case Award::What::kBadgeProgress: {
        BadgeState& s = badges_[a.target];
        if (s.earned_at != 0 || s.progress == 0) continue;
        --s.progress;
        continue;  // progress toward a badge is not shown; no event
      }
      case Award::What::kChallengeProgress: {
        ChallengeState& s = challenges_[a.target];
        if (s.completed) continue;
        s.progress = std::max<int64_t>(0, s.progress - a.amount);
        e.label = "challenge";
        e.amount = a.amount;
        e.count = s.progress;
        break;
      }
      case Award::What::kBox: {
        BoxState& s = boxes_[a.target];
        if (s.available == 0) continue;  // already opened
        --s.available;
        e.label = "mystery";
        e.amount = 1;
        e.count = s.available;
        break;
      }
    }
    Emit(std::move(e));
  }
  UpdateTier(now_ms);
  return absl::OkStatus();
}

absl::Status Game::Spend(std::string_view spend_id, std::string_view currency, int64_t amount, int64_t now_ms,
                         std::string_view reason) {
  if (spend_id.empty() || spend_id.size() > 128) return absl::InvalidArgumentError("a spend needs an id of 1 to 128 bytes");
  const int cur = ledger_.Find(currency);
  if (cur < 0) return absl::NotFoundError(absl::StrCat("there is no balance of '", currency.substr(0, 64), "'"));
  const uint64_t id = Key(spend_id, "spend");
  if (seen_.contains(id)) return absl::OkStatus();  // the same redemption twice
  if (auto s = ledger_.Spend(id, cur, amount, now_ms, reason); !s.ok()) return s;
  MarkSeen(id);
  return absl::OkStatus();
}

GameView Game::View(int64_t now_ms, int32_t tz, size_t history) const {
  GameView v;
  for (size_t c = 0; c < ledger_.currencies(); ++c) {
    const auto [amount, when] = ledger_.NextExpiry(static_cast<int>(c));
    v.balances.push_back({ledger_.currency(static_cast<int>(c)), ledger_.Balance(static_cast<int>(c)), amount, when});
  }
  if (rules_)
    for (const Currency& c : rules_->currencies)
      if (ledger_.Find(c.id) < 0) v.balances.push_back({c.id, 0, 0, 0});
  v.claims = claims_;
  for (const PointsEntry* e : ledger_.History(history)) {
    static constexpr std::string_view kKinds[] = {"award", "refund", "expire", "spend"};
    v.history.push_back({Hex(e->id), ledger_.currency(e->currency), e->reason,
                         std::string(kKinds[static_cast<int>(e->kind)]), e->amount, e->ts_ms});
  }
  if (!rules_) return v;
  const GameRules& R = *rules_;
  if (R.streak.enabled) {
    GameView::Streak s;
    s.weekly = R.streak.weekly;
    s.longest = streak_.longest;
    s.freezes = streak_.freezes;
    if (streak_.current > 0 && streak_.last != INT64_MIN) {
      const int64_t pn = Period(now_ms, tz);
      const int64_t grace = R.streak.grace_ms;
      if (streak_.last >= pn) {
        s.status = "active";
        s.current = streak_.current;
        s.next_deadline_ms = PeriodEndUtc(pn + 1, tz) + grace;
      } else if (streak_.last == pn - 1) {
        s.status = "at_risk";
        s.current = streak_.current;
        s.next_deadline_ms = PeriodEndUtc(pn, tz) + grace;
      } else if (streak_.last == pn - 2 && grace > 0 && now_ms < PeriodEndUtc(pn - 1, tz) + grace) {
        s.status = "at_risk";
        s.current = streak_.current;
        s.next_deadline_ms = PeriodEndUtc(pn - 1, tz) + grace;
      } else if (pn - streak_.last - 1 <= streak_.freezes) {
        s.status = "at_risk";
        s.current = streak_.current;
        s.next_deadline_ms = PeriodEndUtc(pn, tz) + grace;
      } else {
        s.status = "broken";
        s.current = 0;
      }
    }
    s.message = StreakMessage(s);
    v.streak = s;
  }
  for (const StampCard& c : R.cards) {
    auto it = cards_.find(c.id);
    const CardState s = it == cards_.end() ? CardState{} : it->second;
    v.cards.push_back({c.id, c.name, s.stamps, c.required, s.completed});
  }
  if (R.tiers.currency >= 0) {
    const TierRules& T = R.tiers;
    const int64_t points = WindowPoints(now_ms);
    size_t cur = 0;
    bool found = false;
    for (size_t i = 0; i < T.levels.size(); ++i)
      if (T.levels[i].id == tier_) cur = i, found = true;
    if (!found)
      for (size_t i = 0; i < T.levels.size(); ++i)
        if (points >= T.levels[i].threshold) cur = i;
    GameView::TierView t;
    t.id = T.levels[cur].id;
    t.name = T.levels[cur].name;
    t.window_points = points;
    t.benefits = T.levels[cur].benefits;
    if (cur + 1 < T.levels.size()) {
      const Tier& n = T.levels[cur + 1];
      t.next = GameView::TierLevel{n.id, n.name, n.threshold};
      t.remaining = std::max<int64_t>(0, n.threshold - points);
    }
    v.tier = t;
  }
  for (const Badge& b : R.badges) {
    auto it = badges_.find(b.id);
    const BadgeState s = it == badges_.end() ? BadgeState{} : it->second;
    v.badges.push_back({b.id, b.name, b.description, b.set >= 0 ? R.sets[b.set].id : "", s.earned_at != 0,
                        s.earned_at, std::min(s.progress, b.count), b.count});
  }
  for (const Challenge& c : R.challenges) {
    auto it = challenges_.find(c.id);
    const ChallengeState s = it == challenges_.end() ? ChallengeState{} : it->second;
    std::string status = s.completed ? "completed" : now_ms < c.starts_ms ? "upcoming" : now_ms >= c.ends_ms ? "expired" : "active";
    v.challenges.push_back({c.id, c.name, c.description, status, c.goal, std::min(s.progress, c.goal), c.starts_ms, c.ends_ms});
  }
  for (const MysteryBox& b : R.mystery) {
    auto it = boxes_.find(b.id);
    GameView::Box box{b.id, b.name, it == boxes_.end() ? 0 : it->second.available, {}};
    int64_t total = 0;
    for (const Prize& p : b.prizes) {
      auto w = prize_wins_.find(absl::StrCat(b.id, "/", p.id));
      if (p.budget >= 0 && (w == prize_wins_.end() ? 0 : w->second) >= p.budget) continue;
      box.odds.push_back({p.id, p.label, p.weight, 0});
      total += p.weight;
    }
    for (auto& o : box.odds) o.probability = static_cast<double>(o.weight) / static_cast<double>(total);
    v.mystery.push_back(std::move(box));
  }
  return v;
}

std::string Game::StreakMessage(const GameView::Streak& s) const {
  const std::string_view unit = s.weekly ? "week" : "day";
  const std::string_view now = s.weekly ? "this week" : "today";
  const std::string_view next = s.weekly ? "next week" : "tomorrow";
  if (s.status == "active") return absl::StrCat("Visit ", next, " to keep your ", Plural(s.current, unit), " streak");
  if (s.status == "at_risk") {
    if (s.freezes > 0) return absl::StrCat("Visit ", now, " to keep your ", Plural(s.current, unit), " streak (a freeze has you covered if not)");
    return absl::StrCat("Visit ", now, " to keep your ", Plural(s.current, unit), " streak");
  }
  if (s.status == "broken")
    return absl::StrCat("Visit ", now, " to start a new streak. Your best is ", Count(s.longest, unit));
  return absl::StrCat("Visit ", now, " to start a streak");
}

void Game::Erase() {
  Game fresh;
  TakeStateFrom(std::move(fresh));
}

void Game::TakeStateFrom(Game&& o) {
  ledger_ = std::move(o.ledger_);
  seen_ = std::move(o.seen_);
  seen_order_ = std::move(o.seen_order_);
  streak_ = o.streak_;
  cards_ = std::move(o.cards_);
  badges_ = std::move(o.badges_);
  challenges_ = std::move(o.challenges_);
  boxes_ = std::move(o.boxes_);
  prize_wins_ = std::move(o.prize_wins_);
  claims_ = std::move(o.claims_);
  tier_ = std::move(o.tier_);
  tier_below_since_ = o.tier_below_since_;
  tier_window_ = std::move(o.tier_window_);
  caps_ = std::move(o.caps_);
  events_ = std::move(o.events_);
  events_order_ = std::move(o.events_order_);
  opens_ = o.opens_;
  pending_.clear();
}

// ---- snapshot ---------------------------------------------------------------

namespace {

template <typename Map, typename Fn>
void WriteSorted(const Map& m, ByteWriter* w, Fn fn) {
  std::vector<const typename Map::value_type*> rows;
  for (const auto& kv : m) rows.push_back(&kv);
  std::sort(rows.begin(), rows.end(), [](auto* a, auto* b) { return a->first < b->first; });
  w->U32(static_cast<uint32_t>(rows.size()));
  for (auto* kv : rows) {
    w->Str(kv->first);
    fn(kv->second);
  }
}

absl::Status Damaged(std::string_view what) {
  return absl::DataLossError(
      absl::StrCat("snapshot is corrupt (game ", what, "); it was not restored and the current state is unchanged"));
}

}  // namespace

void Game::Encode(ByteWriter* w) const {
  ledger_.Encode(w);
  w->U32(static_cast<uint32_t>(seen_order_.size()));
  for (uint64_t id : seen_order_) w->U64(id);
  w->I64(streak_.current);
  w->I64(streak_.longest);
  w->I64(streak_.last);
  w->I64(streak_.freezes);
  w->I64(streak_.run_start);
  WriteSorted(cards_, w, [&](const CardState& s) { w->I64(s.stamps), w->I64(s.completed); });
  WriteSorted(badges_, w, [&](const BadgeState& s) { w->I64(s.progress), w->I64(s.earned_at); });
  WriteSorted(challenges_, w, [&](const ChallengeState& s) { w->I64(s.progress), w->U8(s.completed); });
  WriteSorted(boxes_, w, [&](const BoxState& s) { w->I64(s.available), w->I64(s.opened); });
  WriteSorted(prize_wins_, w, [&](int64_t n) { w->I64(n); });
  w->U32(static_cast<uint32_t>(claims_.size()));
  for (const PendingClaim& c : claims_) {
    w->Str(c.id);
    w->Str(c.reward);
    w->Str(c.label);
    w->I64(c.value_cents);
    w->I64(c.ts_ms);
  }
  w->Str(tier_);
  w->I64(tier_below_since_);
  w->U32(static_cast<uint32_t>(tier_window_.size()));
  for (const auto& [ts, amount] : tier_window_) {
    w->I64(ts);
    w->I64(amount);
  }
  std::vector<std::pair<uint64_t, std::pair<int64_t, int64_t>>> caps(caps_.begin(), caps_.end());
  std::sort(caps.begin(), caps.end());
  w->U32(static_cast<uint32_t>(caps.size()));
  for (const auto& [k, v] : caps) {
    w->U64(k);
    w->I64(v.first);
    w->I64(v.second);
  }
  w->U32(static_cast<uint32_t>(events_order_.size()));
  for (uint64_t ev : events_order_) {
    const EventRecord& r = events_.at(ev);
    w->U64(ev);
    w->U8(r.refunded);
    w->U32(static_cast<uint32_t>(r.awards.size()));
    for (const Award& a : r.awards) {
      w->U8(static_cast<uint8_t>(a.what));
      w->Str(a.target);
      w->I64(a.amount);
      w->I64(a.expires_ms);
    }
  }
  w->U64(opens_);
}

absl::Status Game::Decode(ByteReader* r) {
  if (!ledger_.Decode(r)) return Damaged("ledger");
  uint32_t n;
  if (!r->U32(&n) || n > kMaxSeenAwards) return Damaged("award ids");
  for (uint32_t i = 0; i < n; ++i) {
    uint64_t id;
    if (!r->U64(&id) || !MarkSeen(id)) return Damaged("award ids");
  }
  if (!r->I64(&streak_.current) || !r->I64(&streak_.longest) || !r->I64(&streak_.last) || !r->I64(&streak_.freezes) ||
      !r->I64(&streak_.run_start))
    return Damaged("streak");
  if (streak_.current < 0 || streak_.longest < streak_.current || streak_.freezes < 0 || streak_.freezes > 10)
    return Damaged("streak out of range");
  auto read_map = [&](auto* map, auto fn) -> bool {
    uint32_t count;
    if (!r->U32(&count) || count > kMaxStateIds) return false;
    for (uint32_t i = 0; i < count; ++i) {
      std::string key;
      if (!r->Str(&key, kMaxRuleIdBytes + kMaxRuleIdBytes + 1)) return false;
      typename std::remove_pointer_t<decltype(map)>::mapped_type v{};
      if (!fn(&v) || !map->emplace(std::move(key), v).second) return false;
    }
    return true;
  };
  auto nonneg = [&](int64_t* x) { return r->I64(x) && *x >= 0; };
  if (!read_map(&cards_, [&](CardState* s) { return nonneg(&s->stamps) && nonneg(&s->completed); }))
    return Damaged("stamp cards");
  if (!read_map(&badges_, [&](BadgeState* s) { return nonneg(&s->progress) && nonneg(&s->earned_at); }))
    return Damaged("badges");
  if (!read_map(&challenges_, [&](ChallengeState* s) {
        uint8_t c;
        if (!nonneg(&s->progress) || !r->U8(&c) || c > 1) return false;
        s->completed = c == 1;
        return true;
      }))
    return Damaged("challenges");
  if (!read_map(&boxes_, [&](BoxState* s) { return nonneg(&s->available) && nonneg(&s->opened); }))
    return Damaged("mystery boxes");
  if (!read_map(&prize_wins_, [&](int64_t* x) { return nonneg(x); })) return Damaged("prizes");
  if (!r->U32(&n) || n > kMaxClaims) return Damaged("claims");
  for (uint32_t i = 0; i < n; ++i) {
    PendingClaim c;
    if (!r->Str(&c.id, 32) || !r->Str(&c.reward, kMaxLabelBytes) || !r->Str(&c.label, kMaxLabelBytes) ||
        !nonneg(&c.value_cents) || !nonneg(&c.ts_ms))
      return Damaged("claims");
    claims_.push_back(std::move(c));
  }
  if (!r->Str(&tier_, kMaxRuleIdBytes) || !nonneg(&tier_below_since_)) return Damaged("tier");
  if (!r->U32(&n) || n > kMaxTierWindow) return Damaged("tier window");
  for (uint32_t i = 0; i < n; ++i) {
    int64_t ts, amount;
    if (!r->I64(&ts) || !r->I64(&amount)) return Damaged("tier window");
    if (!tier_window_.empty() && ts < tier_window_.back().first) return Damaged("tier window out of order");
    tier_window_.push_back({ts, amount});
  }
  if (!r->U32(&n) || n > 1'000'000) return Damaged("caps");
  for (uint32_t i = 0; i < n; ++i) {
    uint64_t k;
    int64_t day, amount;
    if (!r->U64(&k) || !r->I64(&day) || !nonneg(&amount) || !caps_.emplace(k, std::make_pair(day, amount)).second)
      return Damaged("caps");
  }
  if (!r->U32(&n) || n > kMaxRememberedEvents) return Damaged("events");
  for (uint32_t i = 0; i < n; ++i) {
    uint64_t ev;
    uint8_t refunded;
    uint32_t count;
    if (!r->U64(&ev) || !r->U8(&refunded) || refunded > 1 || !r->U32(&count) || count > 10'000) return Damaged("events");
    EventRecord rec;
    rec.refunded = refunded == 1;
    for (uint32_t j = 0; j < count; ++j) {
      Award a;
      uint8_t what;
      if (!r->U8(&what) || what > 4 || !r->Str(&a.target, kMaxRuleIdBytes) || !nonneg(&a.amount) || !nonneg(&a.expires_ms))
        return Damaged("events");
      a.what = static_cast<Award::What>(what);
      rec.awards.push_back(std::move(a));
    }
    if (!events_.emplace(ev, std::move(rec)).second) return Damaged("event listed twice");
    events_order_.push_back(ev);
  }
  if (!r->U64(&opens_)) return Damaged("mystery count");
  return absl::OkStatus();
}

void Game::WriteJson(JsonWriter* j) const {
  j->BeginObject();
  j->Key("balances");
  j->BeginObject();
  for (size_t c = 0; c < ledger_.currencies(); ++c) {
    j->Key(ledger_.currency(static_cast<int>(c)));
    j->Int(ledger_.Balance(static_cast<int>(c)));
  }
  j->EndObject();
  j->Key("ledger");
  j->BeginArray();
  static constexpr std::string_view kKinds[] = {"award", "refund", "expire", "spend"};
  for (const PointsEntry& e : ledger_.entries()) {
    j->BeginObject();
    j->Key("entry");
    j->String(Hex(e.id));
    j->Key("kind");
    j->String(kKinds[static_cast<int>(e.kind)]);
    j->Key("amount");
    j->Int(e.amount);
    j->Key("currency");
    j->String(ledger_.currency(e.currency));
    j->Key("reason");
    j->String(e.reason);
    j->Key("ts");
    j->Int(e.ts_ms);
    j->EndObject();
  }
  j->EndArray();
  j->Key("streak");
  j->BeginObject();
  j->Key("current");
  j->Int(streak_.current);
  j->Key("longest");
  j->Int(streak_.longest);
  j->Key("freezes");
  j->Int(streak_.freezes);
  j->EndObject();
  auto progress = [&](std::string_view name, const auto& map, auto fn) {
    j->Key(name);
    j->BeginObject();
    std::vector<std::string> keys;
    for (const auto& kv : map) keys.push_back(kv.first);
    std::sort(keys.begin(), keys.end());
    for (const std::string& k : keys) {
      j->Key(k);
      fn(map.at(k));
    }
    j->EndObject();
  };
  progress("stampCards", cards_, [&](const CardState& s) {
    j->BeginObject(); j->Key("stamps"); j->Int(s.stamps); j->Key("completed"); j->Int(s.completed); j->EndObject();
  });
  progress("badges", badges_, [&](const BadgeState& s) {
    j->BeginObject(); j->Key("progress"); j->Int(s.progress); j->Key("earnedAt"); j->Int(s.earned_at); j->EndObject();
  });
  progress("challenges", challenges_, [&](const ChallengeState& s) {
    j->BeginObject(); j->Key("progress"); j->Int(s.progress); j->Key("completed"); j->Bool(s.completed); j->EndObject();
  });
  progress("mysteryBoxes", boxes_, [&](const BoxState& s) {
    j->BeginObject(); j->Key("available"); j->Int(s.available); j->Key("opened"); j->Int(s.opened); j->EndObject();
  });
  j->Key("tier");
  j->String(tier_);
  j->Key("pendingClaims");
  j->BeginArray();
  for (const PendingClaim& c : claims_) {
    j->BeginObject();
    j->Key("id"); j->String(c.id);
    j->Key("reward"); j->String(c.reward);
    j->Key("label"); j->String(c.label);
    j->Key("valueCents"); j->Int(c.value_cents);
    j->Key("needsServerConfirmation"); j->Bool(true);
    j->EndObject();
  }
  j->EndArray();
  j->EndObject();
}

}  // namespace hearth
