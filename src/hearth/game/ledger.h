// The points ledger: append-only integer entries, balances per currency and
// expiring lots consumed oldest first.
//
// Example:
//   hearth::Ledger ledger;
//   int points = ledger.Intern("points");
//   ledger.Credit(id, points, 50, now, now + 365 * kDayMs, "First order", event);
//   ledger.Debit(spend_id, points, 20, now, EntryKind::kSpend, "Voucher", 0, 0);
//   for (const PointsEntry& e : ledger.Expire(later)) ...;  // lots past their date
//
// Entries are never edited: a refund, a spend and an expiry are new entries
// with negative amounts. Balances never go below zero (a refund of points
// already spent takes back what is left). The history keeps the newest
// kMaxLedgerHistory entries; older ones fold into the balances, which stay
// exact. Expiring credits are kept as lots coalesced by (currency, expiry
// day), so the lot table stays small however many awards there are.
#ifndef HEARTH_GAME_LEDGER_H_
#define HEARTH_GAME_LEDGER_H_

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "hearth/common/bytes.h"

namespace hearth {

inline constexpr size_t kMaxLedgerHistory = 5000;
inline constexpr size_t kMaxLedgerCurrencies = 16;
inline constexpr size_t kMaxLots = 20000;
inline constexpr size_t kMaxReasonBytes = 200;

enum class EntryKind : uint8_t { kAward = 0, kRefund = 1, kExpire = 2, kSpend = 3 };

struct PointsEntry {
  uint64_t id = 0;      // hash of (event, rule) for awards; unique per entry
  int64_t ts_ms = 0;
  int64_t amount = 0;   // positive credit, negative debit
  uint8_t currency = 0; // Ledger::currency()
  EntryKind kind = EntryKind::kAward;
  uint64_t event = 0;   // hash of the source event key (0: none)
  std::string reason;
};

class Ledger {
 public:
  // The index of a currency by name, adding it (at most kMaxLedgerCurrencies).
  // -1 when the table is full.
  int Intern(std::string_view currency);
  int Find(std::string_view currency) const;
  const std::string& currency(int i) const { return currencies_[i]; }
  size_t currencies() const { return currencies_.size(); }

  // Adds `amount` (> 0). `expires_ms` 0: never.
  void Credit(uint64_t id, int currency, int64_t amount, int64_t ts_ms, int64_t expires_ms, std::string_view reason,
              uint64_t event);
  // Takes up to `amount` (> 0), never below zero: first from the lot that
  // expires at `prefer_expiry` (the refunded award's own lot), then oldest
  // first. Returns what was taken (0 appends nothing).
  int64_t Debit(uint64_t id, int currency, int64_t amount, int64_t ts_ms, EntryKind kind, std::string_view reason,
                uint64_t event, int64_t prefer_expiry);
  // Spends exactly `amount` or fails with FAILED_PRECONDITION.
  absl::Status Spend(uint64_t id, int currency, int64_t amount, int64_t ts_ms, std::string_view reason);
  // Expires every lot with expires_ms <= now: one kExpire entry per
  // currency, returned.
  std::vector<PointsEntry> Expire(int64_t now_ms);

  int64_t Balance(int currency) const;
  // The soonest-expiring positive lot of `currency`: {amount, expires_ms}, or {0, 0}.
  std::pair<int64_t, int64_t> NextExpiry(int currency) const;
  // Newest first.
  std::vector<const PointsEntry*> History(size_t limit) const;
  const std::deque<PointsEntry>& entries() const { return entries_; }
  uint64_t appended() const { return appended_; }

  void Encode(ByteWriter* w) const;
  // Reads into a fresh ledger; false on damage.
  bool Decode(ByteReader* r);

 private:
  struct Lot {
    uint8_t currency;
    int64_t expires_ms;
    int64_t remaining;
  };
  void Append(PointsEntry e);

  std::vector<std::string> currencies_;
  std::vector<int64_t> balances_;
  std::deque<PointsEntry> entries_;
  std::vector<Lot> lots_;  // sorted by expires_ms, then currency
  uint64_t appended_ = 0;
};

}  // namespace hearth

#endif  // HEARTH_GAME_LEDGER_H_
