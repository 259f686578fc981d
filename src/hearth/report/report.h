// Private reports: the wire format the device sends and the collector checks,
// the privacy policy both sides share, and the collector's debiasing
// estimators. docs/privacy.md is the prose version of this header.
//
// Example:
//   auto policy = hearth::ParsePrivacyPolicy("{}").value();          // defaults
//   auto report = hearth::ParseReport(text);                          // one report
//   if (report.ok()) absl::Status s = hearth::ValidateReport(*report, policy);
//   std::string body = hearth::SerializeEnvelope({hearth::SerializeReport(*report)});  // {"reports":[…]}
//
// A report (one JSON object, keys in this order):
//   {"v":1,"id":"<32 hex>","period":"YYYY-MM-DD","type":"…","epsilon":1,
//    "sdk":"0.1.0","data":{…}}
// data per type (all values are already noised on the device):
//   interests  {"mech":"krr","keys":["apparel","shoes"],"value":1}   value in [0, K]; K = "none"
//              {"mech":"oue","keys":[…K keys…],"bits":"0100…"}       K characters '0'/'1'
//   campaign   {"campaigns":[{"id":"spring","arm":"treatment","value":2}]}
//              value: 0 not exposed, 1 exposed without conversion, 2 exposed and converted
//   bandit     {"shows":[6 integers],"clicks":[6 integers]}  cells: for_you × (relevance,
//              relevance+popularity, broader), wow × (novel, fresh, trending)
//   engagement {"counts":[7 integers]}  view, click, add_to_cart, purchase, search, dismiss, reward
#ifndef HEARTH_REPORT_REPORT_H_
#define HEARTH_REPORT_REPORT_H_

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "hearth/report/mechanisms.h"

namespace hearth {

enum class ReportType : uint8_t { kInterests, kCampaign, kBandit, kEngagement };
inline constexpr int kReportTypes = 4;
std::string_view ReportTypeName(ReportType t);
bool ParseReportType(std::string_view name, ReportType* out);

inline constexpr int kReportVersion = 1;
inline constexpr size_t kReportIdHexChars = 32;
inline constexpr size_t kMaxReportBytes = 4096;
inline constexpr size_t kMaxEnvelopeReports = 50;
inline constexpr size_t kMaxEnvelopeBytes = 64 * 1024;
inline constexpr size_t kMaxTaxonomy = 32;        // interest keys per report
inline constexpr size_t kMaxTaxonomyKeyBytes = 64;
inline constexpr size_t kMaxCampaignsPerReport = 8;
inline constexpr size_t kMaxCampaignIdBytes = 64;
inline constexpr int64_t kMaxNoisyCount = 1'000'000;  // |noised count| larger than this is not a real report

// Bandit cells: slot-major (for_you arms 0..2, then wow arms 0..2).
inline constexpr int kBanditCells = 6;
// Contribution bounds per device per day: a uniform sample of at most this
// many shows, and at most this many clicks among them. L1 sensitivity of the
// (shows, clicks) vector: 2·4 + 2·2.
inline constexpr int64_t kBanditShowBound = 4;
inline constexpr int64_t kBanditClickBound = 2;
inline constexpr int64_t kBanditSensitivity = 2 * kBanditShowBound + 2 * kBanditClickBound;

// Engagement counts per device per day, each clipped to [0, bound]. L1
// sensitivity: the sum of the bounds.
inline constexpr int kEngagementKeys = 7;
inline constexpr std::array<std::string_view, kEngagementKeys> kEngagementNames = {
    "view", "click", "add_to_cart", "purchase", "search", "dismiss", "reward"};
inline constexpr std::array<int64_t, kEngagementKeys> kEngagementBounds = {5, 3, 1, 1, 1, 1, 2};
inline constexpr int64_t kEngagementSensitivity = 14;

// Campaign value domain for randomized response.
inline constexpr int kCampaignValues = 3;

enum class InterestMechanism : uint8_t { kAuto, kKaryRr, kUnary };

struct TypePolicy {
  Epsilon epsilon = Epsilon::FromMicros(Epsilon::kMicros);
  uint32_t weight_micros = 0;  // relative chance of being the day's report
};

// What the device may spend and the collector accepts. Both sides parse the
// same JSON: {"epsilonPerDay":1,"maxReportsPerDay":1,"interestsMechanism":"auto",
//  "maxCampaigns":4,"types":{"interests":{"epsilon":1,"weight":0.5},…}}.
// Missing fields keep their defaults (see DefaultPrivacyPolicy).
struct PrivacyPolicy {
  Epsilon epsilon_per_day = Epsilon::FromMicros(Epsilon::kMicros);
  int max_reports_per_day = 1;
  InterestMechanism interests_mechanism = InterestMechanism::kAuto;
  int max_campaigns = 4;
  std::array<TypePolicy, kReportTypes> types{};
};
PrivacyPolicy DefaultPrivacyPolicy();
absl::StatusOr<PrivacyPolicy> ParsePrivacyPolicy(std::string_view json);
std::string SerializePrivacyPolicy(const PrivacyPolicy& policy);

struct CampaignEntry {
  std::string id;
  std::string arm;  // "treatment" | "holdout"
  int value = 0;    // 0..2, noised
};

struct Report {
  std::string id;      // 32 lowercase hex
  std::string period;  // YYYY-MM-DD (UTC day the data describes)
  ReportType type = ReportType::kInterests;
  Epsilon epsilon = Epsilon::FromMicros(0);
  std::string sdk;
  // interests
  bool unary = false;
  std::vector<std::string> keys;
  int value = 0;
  std::string bits;
  // campaign
  std::vector<CampaignEntry> campaigns;
  // bandit
  std::array<int64_t, kBanditCells> shows{};
  std::array<int64_t, kBanditCells> clicks{};
  // engagement
  std::array<int64_t, kEngagementKeys> counts{};
};

std::string SerializeReport(const Report& report);
// {"reports":[r1,r2,…]} from already serialized reports.
std::string SerializeEnvelope(const std::vector<std::string>& reports);
// Parses one report (shape and bounds that need no policy). Errors name the
// field: INVALID_ARGUMENT "report.data.keys[3]: …".
absl::StatusOr<Report> ParseReport(std::string_view json);
// Checks a parsed report against the policy: ε claimed ≤ allowed for its type
// and per day, campaign count, interest mechanism.
absl::Status ValidateReport(const Report& report, const PrivacyPolicy& policy);

// "YYYY-MM-DD" of a day number (days since 1970-01-01) and back.
std::string DayString(int64_t day);
bool ParseDay(std::string_view s, int64_t* day);
inline int64_t DayOf(int64_t ms) { return ms >= 0 ? ms / 86'400'000 : (ms - 86'399'999) / 86'400'000; }

// The mechanism the device uses for an interest histogram over `keys` keys
// at ε: k-ary RR over K + 1 values while K + 1 < 3e^ε + 2, OUE beyond.
bool UseUnaryEncoding(size_t keys, Epsilon eps, InterestMechanism m);

// ---- Collector-side estimators (see docs/privacy.md for the derivations) ----

// Unbiased count of reports whose true value is a given cell, from `observed`
// reports (out of `n`) that show that cell, for randomized response with
// probabilities (p, q); and its variance estimate.
struct Estimate {
  double value = 0;
  double variance = 0;
};
Estimate DebiasRr(double observed, double n, RrProbabilities pq);
// Sum of noised counts from `n` reports: unbiased for the sum of the clipped
// true counts; variance n · 2a/(1 − a)².
Estimate DebiasLaplaceSum(double noisy_sum, double n, Epsilon eps, int64_t sensitivity);

}  // namespace hearth

#endif  // HEARTH_REPORT_REPORT_H_
