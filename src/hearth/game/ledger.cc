#include "hearth/game/ledger.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace hearth {
namespace {
constexpr int64_t kDayMs = 86'400'000;
}

int Ledger::Find(std::string_view c) const {
  for (size_t i = 0; i < currencies_.size(); ++i)
    if (currencies_[i] == c) return static_cast<int>(i);
  return -1;
}

int Ledger::Intern(std::string_view c) {
  if (int i = Find(c); i >= 0) return i;
  if (currencies_.size() >= kMaxLedgerCurrencies) return -1;
  currencies_.emplace_back(c);
  balances_.push_back(0);
  return static_cast<int>(currencies_.size() - 1);
}

void Ledger::Append(PointsEntry e) {
  if (e.reason.size() > kMaxReasonBytes) e.reason.resize(kMaxReasonBytes);
  balances_[e.currency] += e.amount;
  entries_.push_back(std::move(e));
  ++appended_;
  while (entries_.size() > kMaxLedgerHistory) entries_.pop_front();  // folded: balances stay exact
}

void Ledger::Credit(uint64_t id, int currency, int64_t amount, int64_t ts_ms, int64_t expires_ms,
                    std::string_view reason, uint64_t event) {
  if (amount <= 0 || currency < 0) return;
  Append({id, ts_ms, amount, static_cast<uint8_t>(currency), EntryKind::kAward, event, std::string(reason)});
  if (expires_ms <= 0) return;
  // Coalesce by expiry day (rounded up, so nothing expires early).
  const int64_t day_end = (expires_ms + kDayMs - 1) / kDayMs * kDayMs;
  auto it = std::lower_bound(lots_.begin(), lots_.end(), std::make_pair(day_end, currency),
                             [](const Lot& l, const std::pair<int64_t, int>& k) {
                               return std::make_pair(l.expires_ms, static_cast<int>(l.currency)) < k;
                             });
  if (it != lots_.end() && it->expires_ms == day_end && it->currency == currency) {
    it->remaining += amount;
  } else if (lots_.size() < kMaxLots) {
    lots_.insert(it, Lot{static_cast<uint8_t>(currency), day_end, amount});
  } else {
    // Table full (only with thousands of distinct expiry days): merge into
    // the neighbour that expires later, so no point expires early.
    (it == lots_.end() ? lots_.back() : *it).remaining += amount;
  }
}

int64_t Ledger::Debit(uint64_t id, int currency, int64_t amount, int64_t ts_ms, EntryKind kind,
                      std::string_view reason, uint64_t event, int64_t prefer_expiry) {
  if (amount <= 0 || currency < 0) return 0;
  const int64_t take = std::min(amount, balances_[currency]);
  if (take <= 0) return 0;
  // Expiring lots hold part of the balance; the rest never expires. Debits
  // come out of the preferred lot, then the oldest lots, then the rest.
  int64_t left = take;
  if (prefer_expiry > 0) {
    const int64_t day_end = (prefer_expiry + kDayMs - 1) / kDayMs * kDayMs;
    for (Lot& l : lots_)
      if (l.currency == currency && l.expires_ms == day_end && left > 0) {
        const int64_t t = std::min(left, l.remaining);
        l.remaining -= t;
        left -= t;
      }
  }
  for (Lot& l : lots_) {
    if (left == 0) break;
    if (l.currency != currency) continue;
    const int64_t t = std::min(left, l.remaining);
    l.remaining -= t;
    left -= t;
  }
  lots_.erase(std::remove_if(lots_.begin(), lots_.end(), [](const Lot& l) { return l.remaining <= 0; }), lots_.end());
  Append({id, ts_ms, -take, static_cast<uint8_t>(currency), kind, event, std::string(reason)});
  return take;
}

absl::Status Ledger::Spend(uint64_t id, int currency, int64_t amount, int64_t ts_ms, std::string_view reason) {
  if (currency < 0 || static_cast<size_t>(currency) >= currencies_.size())
    return absl::NotFoundError("unknown currency");
  if (amount <= 0) return absl::InvalidArgumentError("a spend must be a positive whole amount");
  if (balances_[currency] < amount)
    return absl::FailedPreconditionError(absl::StrCat("the balance is ", balances_[currency], " ",
                                                      currencies_[currency], ", less than ", amount));
  Debit(id, currency, amount, ts_ms, EntryKind::kSpend, reason, 0, 0);
  return absl::OkStatus();
}

std::vector<PointsEntry> Ledger::Expire(int64_t now_ms) {
  std::vector<int64_t> expired(currencies_.size(), 0);
  size_t n = 0;
  while (n < lots_.size() && lots_[n].expires_ms <= now_ms) {
    expired[lots_[n].currency] += lots_[n].remaining;
    ++n;
  }
  std::vector<PointsEntry> out;
  if (n == 0) return out;
  lots_.erase(lots_.begin(), lots_.begin() + n);
  for (size_t c = 0; c < expired.size(); ++c) {
    const int64_t amount = std::min(expired[c], balances_[c]);
    if (amount <= 0) continue;
    // One entry per currency per expiry run; the id is unique by time.
    PointsEntry e{0x6578706972650000ull ^ (static_cast<uint64_t>(now_ms) * 31 + c) ^ appended_, now_ms, -amount,
                  static_cast<uint8_t>(c), EntryKind::kExpire, 0, "Expired"};
    Append(e);
    out.push_back(std::move(e));
  }
  return out;
}

int64_t Ledger::Balance(int currency) const {
  return currency < 0 || static_cast<size_t>(currency) >= balances_.size() ? 0 : balances_[currency];
}

std::pair<int64_t, int64_t> Ledger::NextExpiry(int currency) const {
  for (const Lot& l : lots_)
    if (l.currency == currency && l.remaining > 0) return {l.remaining, l.expires_ms};
  return {0, 0};
}

std::vector<const PointsEntry*> Ledger::History(size_t limit) const {
  std::vector<const PointsEntry*> out;
  for (auto it = entries_.rbegin(); it != entries_.rend() && out.size() < limit; ++it) out.push_back(&*it);
  return out;
}

void Ledger::Encode(ByteWriter* w) const {
  w->U32(static_cast<uint32_t>(currencies_.size()));
  for (size_t i = 0; i < currencies_.size(); ++i) {
    w->Str(currencies_[i]);
    w->I64(balances_[i]);
  }
  w->U64(appended_);
  w->U32(static_cast<uint32_t>(entries_.size()));
  for (const PointsEntry& e : entries_) {
    w->U64(e.id);
    w->I64(e.ts_ms);
    w->I64(e.amount);
    w->U8(e.currency);
    w->U8(static_cast<uint8_t>(e.kind));
    w->U64(e.event);
    w->Str(e.reason);
  }
  w->U32(static_cast<uint32_t>(lots_.size()));
  for (const Lot& l : lots_) {
    w->U8(l.currency);
    w->I64(l.expires_ms);
    w->I64(l.remaining);
  }
}

bool Ledger::Decode(ByteReader* r) {
  uint32_t n;
  if (!r->U32(&n) || n > kMaxLedgerCurrencies) return false;
  for (uint32_t i = 0; i < n; ++i) {
    std::string c;
    int64_t b;
    if (!r->Str(&c, 64) || !r->I64(&b) || b < 0 || Find(c) >= 0) return false;
    currencies_.push_back(std::move(c));
    balances_.push_back(b);
  }
  if (!r->U64(&appended_)) return false;
  if (!r->U32(&n) || n > kMaxLedgerHistory) return false;
  for (uint32_t i = 0; i < n; ++i) {
    PointsEntry e;
    uint8_t kind;
    if (!r->U64(&e.id) || !r->I64(&e.ts_ms) || !r->I64(&e.amount) || !r->U8(&e.currency) || !r->U8(&kind) ||
        !r->U64(&e.event) || !r->Str(&e.reason, kMaxReasonBytes))
      return false;
    if (e.currency >= currencies_.size() || kind > 3 || e.ts_ms < 0) return false;
    e.kind = static_cast<EntryKind>(kind);
    entries_.push_back(std::move(e));
  }
  if (!r->U32(&n) || n > kMaxLots) return false;
  std::vector<int64_t> in_lots(currencies_.size(), 0);
  for (uint32_t i = 0; i < n; ++i) {
    Lot l;
    if (!r->U8(&l.currency) || !r->I64(&l.expires_ms) || !r->I64(&l.remaining)) return false;
    if (l.currency >= currencies_.size() || l.remaining <= 0 || l.expires_ms <= 0) return false;
    if (!lots_.empty() && std::make_pair(lots_.back().expires_ms, lots_.back().currency) >=
                              std::make_pair(l.expires_ms, l.currency))
      return false;
    in_lots[l.currency] += l.remaining;
    lots_.push_back(l);
  }
  for (size_t c = 0; c < currencies_.size(); ++c)
    if (in_lots[c] > balances_[c]) return false;  // lots are part of the balance
  return true;
}

}  // namespace hearth
