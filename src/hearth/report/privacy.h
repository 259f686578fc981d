// The device side of private measurement: consent, per-day activity kept for
// reports, the ε ledger and the outbox of reports waiting for the collector.
//
// Example (what Engine does; see engine.h for the public calls):
//   hearth::PrivacyState privacy;
//   privacy.mutable_consent().Set(hearth::Purpose::kMeasurement, hearth::ConsentState::kGranted,
//                                 hearth::ConsentSource::kApi, now);
//   privacy.Observe(hearth::EventType::kView, now, rank);          // on every tracked event
//   auto round = privacy.Prepare(now, inputs, &rng, &revision);     // noised, not yet charged
//   auto entries = privacy.Commit(ids_of(*round), now);             // charged + queued
//   // host saves the snapshot, POSTs privacy.outbox(), then:
//   privacy.Ack(acked_ids);
//
// Spending ε in two phases keeps the ledger honest across crashes: Prepare
// draws the noise but spends nothing (nothing was released; a crash before
// Commit loses only unreleased draws). Commit writes the ledger entries and
// the reports into the same state, which the host saves in one snapshot
// before it sends anything; a restart restores ledger and outbox together, so
// the same reports are resent under the same ids (the collector drops
// duplicates) and nothing is built twice for a period already charged.
//
// Periods are UTC days. A report describes a completed day on which the
// device saw activity, within the last kReportableDays days; the device sends
// at most policy.max_reports_per_day reports per day, whose types it draws by
// lottery with the policy weights (independently of the data), each charged
// at its type's ε, and never more than policy.epsilon_per_day in total.
#ifndef HEARTH_REPORT_PRIVACY_H_
#define HEARTH_REPORT_PRIVACY_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "hearth/common/bytes.h"
#include "hearth/common/random.h"
#include "hearth/consent/consent.h"
#include "hearth/profile/profile.h"
#include "hearth/rank/rank.h"
#include "hearth/report/report.h"

namespace hearth {

inline constexpr int64_t kReportableDays = 7;     // how far back a report may describe
inline constexpr size_t kMaxActivityDays = 8;
inline constexpr size_t kMaxOutbox = 50;          // one envelope
inline constexpr size_t kMaxLedgerEntries = 1024;
inline constexpr int64_t kLedgerKeepDays = 40;

struct LedgerEntry {
  int64_t ts_ms = 0;  // when the spend was committed
  int64_t day = 0;    // the period charged
  ReportType type = ReportType::kInterests;
  Epsilon epsilon = Epsilon::FromMicros(0);
  std::string report_id;
};

struct QueuedReport {
  std::string id;
  int64_t day = 0;
  std::string json;
};

// What the device did on one UTC day (only the bounded counts reports use).
struct ActivityDay {
  int64_t day = 0;
  std::array<uint32_t, kEventTypes> events{};
  std::array<uint32_t, kBanditCells> shows{};
  std::array<uint32_t, kBanditCells> clicks{};
  uint32_t rewards = 0;  // gamification awards (the game module adds them)
};

// One campaign this device is assigned to, and its per-day outcome.
struct CampaignArm {
  std::string id;
  std::string arm;  // "treatment" | "holdout"
};
struct CampaignDayStat {
  std::string campaign_id;
  std::string arm;
  int64_t day = 0;
  uint32_t exposed = 0;
  uint32_t converted = 0;
};

// What the engine hands the report builder: public taxonomy and campaign list
// plus this device's values.
struct ReportInputs {
  std::vector<std::string> taxonomy;  // normalized top-level category keys, sorted, <= kMaxTaxonomy
  int top_interest = -1;              // index into taxonomy; -1: no interest yet
  std::vector<CampaignArm> campaigns;
  std::vector<CampaignDayStat> campaign_days;
  std::string sdk;
};

struct PreparedRound {
  std::vector<Report> reports;
  std::vector<std::string> json;  // SerializeReport of each, the exact bytes
};

class PrivacyState {
 public:
  const Consent& consent() const { return consent_; }
  Consent& mutable_consent() { return consent_; }
  const PrivacyPolicy& policy() const { return policy_; }
  void set_policy(const PrivacyPolicy& p) {
    policy_ = p;
    prepared_.reset();
  }

  // Track hook: counts the event for the day of `now_ms` and folds in the
  // bandit's shows and clicks since the last call. Nothing while measurement
  // is denied.
  void Observe(EventType type, int64_t now_ms, const RankState& rank);
  void ObserveBandit(int64_t now_ms, const RankState& rank);
  void AddRewards(int64_t now_ms, uint32_t n);

  // Builds the next round of reports: for each completed active day without a
  // ledger entry. Empty unless measurement is granted. Draws noise from
  // `rng` and, when it drew anything, bumps `*revision` (the generator's
  // state is saved state); spends nothing. The
  // round stays prepared — PreparedFor() — until the state changes.
  const PreparedRound& Prepare(int64_t now_ms, const ReportInputs& inputs, Rng* rng, uint64_t* revision);
  bool PreparedFor(uint64_t revision, int64_t now_ms) const {
    return prepared_ && prepared_revision_ == revision && prepared_day_ == DayOf(now_ms);
  }
  const PreparedRound* prepared() const { return prepared_ ? &*prepared_ : nullptr; }
  // Any change to what a round would describe drops the prepared one.
  void Invalidate() { prepared_.reset(); }

  // Charges the prepared round (its ids, in order, must be `ids`) to the
  // ledger and queues it. FAILED_PRECONDITION when nothing matching is
  // prepared or the day's budget would be exceeded (nothing changes then).
  absl::StatusOr<std::vector<LedgerEntry>> Commit(const std::vector<std::string>& ids, int64_t now_ms);
  // Drops acknowledged reports from the outbox; returns how many.
  size_t Ack(const std::vector<std::string>& ids);

  // ε charged for `day` so far.
  Epsilon SpentOn(int64_t day) const;
  const std::vector<LedgerEntry>& ledger() const { return ledger_; }
  const std::vector<QueuedReport>& outbox() const { return outbox_; }
  const std::vector<ActivityDay>& activity() const { return activity_; }

  // Measurement revoked: unsent reports and the activity behind future ones go.
  void DropMeasurementData();
  // erase(): activity and outbox go; consent and the ledger stay (erasing the
  // ledger would let the same days be charged again).
  void EraseUserData() { DropMeasurementData(); }

  // Snapshot section 7 (ledger, outbox, activity, bandit baseline).
  void EncodeReports(ByteWriter* w) const;
  static absl::Status DecodeReports(ByteReader* r, PrivacyState* out);

 private:
  ActivityDay& Day(int64_t day);
  Report Build(ReportType type, int64_t day, const ReportInputs& inputs, Rng* rng) const;

  Consent consent_;
  PrivacyPolicy policy_ = DefaultPrivacyPolicy();
  std::vector<LedgerEntry> ledger_;
  std::vector<QueuedReport> outbox_;
  std::vector<ActivityDay> activity_;  // ascending by day
  std::array<uint64_t, kBanditCells> seen_shows_{};
  std::array<uint64_t, kBanditCells> seen_clicks_{};
  std::optional<PreparedRound> prepared_;
  uint64_t prepared_revision_ = 0;
  int64_t prepared_day_ = 0;
};

}  // namespace hearth

#endif  // HEARTH_REPORT_PRIVACY_H_
