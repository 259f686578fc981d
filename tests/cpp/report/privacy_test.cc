// The report round on a real engine: consent gates, one round per completed
// active day, two-phase charging, the outbox, and the budget property across
// restarts.
#include "hearth/report/privacy.h"

#include <map>
#include <set>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "absl/strings/str_cat.h"
#include "hearth/engine/engine.h"
#include "hearth/version.h"
#include "tests/cpp/engine/test_catalog.h"

namespace hearth {
namespace {

using ::hearth::testing::kDay;
using ::hearth::testing::kNow;
using ::hearth::testing::ShopEngine;
using ::testing::HasSubstr;

void View(Engine& e, std::string_view item, int64_t now) {
  TrackEvent ev;
  ev.type = "view";
  ev.item = item;
  ev.ts_ms = static_cast<double>(now);
  ASSERT_TRUE(e.Track(ev, static_cast<double>(now)).ok());
}

void Grant(Engine& e, Purpose p, int64_t now) {
  ASSERT_TRUE(e.SetConsent(p, ConsentState::kGranted, ConsentSource::kApi, static_cast<double>(now)).ok());
}

std::vector<std::string> Ids(const PreparedRound& r) {
  std::vector<std::string> ids;
  for (const Report& rep : r.reports) ids.push_back(rep.id);
  return ids;
}

TEST(PrivacyTest, NothingIsBuiltUnlessMeasurementIsGranted) {
  auto e = ShopEngine();
  View(*e, "trail-1", kNow - 2 * kDay);
  for (ConsentState s : {ConsentState::kPending, ConsentState::kDenied}) {
    ASSERT_TRUE(e->SetConsent(Purpose::kMeasurement, s, ConsentSource::kApi, kNow).ok());
    auto round = e->PrepareReports(kNow);
    ASSERT_TRUE(round.ok());
    EXPECT_TRUE((*round)->reports.empty());
  }
}

TEST(PrivacyTest, AnEmptyRoundChangesNothingSoAnIdleSyncWritesNothing) {
  auto e = ShopEngine();
  const uint64_t before = e->revision();
  ASSERT_TRUE(e->PrepareReports(kNow).ok());
  EXPECT_EQ(e->revision(), before);
  Grant(*e, Purpose::kMeasurement, kNow);
  View(*e, "trail-1", kNow);  // today only: nothing to report yet
  const uint64_t granted = e->revision();
  ASSERT_TRUE((*e->PrepareReports(kNow))->reports.empty());
  EXPECT_EQ(e->revision(), granted);
  ASSERT_EQ((*e->PrepareReports(kNow + kDay))->reports.size(), 1u);
  EXPECT_EQ(e->revision(), granted + 1) << "noise was drawn: the generator's state moved";
}

TEST(PrivacyTest, OneValidReportPerCompletedActiveDay) {
  auto e = ShopEngine();
  Grant(*e, Purpose::kMeasurement, kNow - 3 * kDay);
  View(*e, "trail-1", kNow - 2 * kDay);
  View(*e, "trail-2", kNow - kDay);
  View(*e, "tent-1", kNow);  // today: not complete, not reported
  View(*e, "city-1", kNow - 20 * kDay + 1);  // too old to be reported
  auto round = e->PrepareReports(kNow);
  ASSERT_TRUE(round.ok());
  ASSERT_EQ((*round)->reports.size(), 2u);
  std::set<std::string> ids;
  for (size_t i = 0; i < 2; ++i) {
    const std::string& text = (*round)->json[i];
    SCOPED_TRACE(text);
    auto parsed = ParseReport(text);
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    EXPECT_TRUE(ValidateReport(*parsed, DefaultPrivacyPolicy()).ok());
    EXPECT_EQ(parsed->period, DayString(DayOf(kNow) - 2 + static_cast<int64_t>(i)));
    EXPECT_EQ(parsed->epsilon.micros(), Epsilon::kMicros);
    EXPECT_EQ(parsed->sdk, HEARTH_VERSION_STRING);
    ids.insert(parsed->id);
  }
  EXPECT_EQ(ids.size(), 2u);
}

TEST(PrivacyTest, ThePreparedRoundIsStableUntilTheStateChanges) {
  auto e = ShopEngine();
  Grant(*e, Purpose::kMeasurement, kNow);
  View(*e, "trail-1", kNow - kDay);
  const std::vector<std::string> first = Ids(**e->PrepareReports(kNow));
  EXPECT_EQ(Ids(**e->PrepareReports(kNow + 1000)), first);  // what report() showed is what sync sends
  View(*e, "trail-2", kNow);
  EXPECT_NE(Ids(**e->PrepareReports(kNow)), first);  // fresh noise and ids, nothing was released
}

TEST(PrivacyTest, CommitChargesTheLedgerOnceAndQueuesTheExactBytes) {
  auto e = ShopEngine();
  Grant(*e, Purpose::kMeasurement, kNow);
  View(*e, "trail-1", kNow - kDay);
  const PreparedRound round = **e->PrepareReports(kNow);
  ASSERT_EQ(round.reports.size(), 1u);
  auto entries = e->CommitReports(Ids(round), kNow);
  ASSERT_TRUE(entries.ok()) << entries.status();
  ASSERT_EQ(entries->size(), 1u);
  EXPECT_EQ((*entries)[0].report_id, round.reports[0].id);
  EXPECT_EQ(e->privacy().SpentOn(DayOf(kNow) - 1).micros(), Epsilon::kMicros);
  ASSERT_EQ(e->privacy().outbox().size(), 1u);
  EXPECT_EQ(e->privacy().outbox()[0].json, round.json[0]);
  // The day is charged: nothing more is built for it, even after new activity today.
  View(*e, "trail-2", kNow);
  EXPECT_TRUE((*e->PrepareReports(kNow))->reports.empty());
  // Committing again (a stale round) is refused and changes nothing.
  auto again = e->CommitReports(Ids(round), kNow);
  EXPECT_EQ(again.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(e->privacy().ledger().size(), 1u);
  // Ack drops it from the outbox; the ledger keeps the spend.
  EXPECT_EQ(e->AckReports({round.reports[0].id}), 1u);
  EXPECT_TRUE(e->privacy().outbox().empty());
  EXPECT_EQ(e->privacy().ledger().size(), 1u);
}

TEST(PrivacyTest, CommittingOtherIdsIsRefused) {
  auto e = ShopEngine();
  Grant(*e, Purpose::kMeasurement, kNow);
  View(*e, "trail-1", kNow - kDay);
  ASSERT_EQ((*e->PrepareReports(kNow))->reports.size(), 1u);
  auto r = e->CommitReports({"00000000000000000000000000000000"}, kNow);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(e->privacy().ledger().empty());
  EXPECT_TRUE(e->privacy().outbox().empty());
}

TEST(PrivacyTest, DenyingMeasurementDropsUnsentReportsButKeepsTheLedger) {
  auto e = ShopEngine();
  Grant(*e, Purpose::kMeasurement, kNow);
  View(*e, "trail-1", kNow - kDay);
  ASSERT_TRUE(e->CommitReports(Ids(**e->PrepareReports(kNow)), kNow).ok());
  ASSERT_TRUE(e->SetConsent(Purpose::kMeasurement, ConsentState::kDenied, ConsentSource::kGpc, kNow).ok());
  EXPECT_TRUE(e->privacy().outbox().empty());
  EXPECT_TRUE(e->privacy().activity().empty());
  EXPECT_EQ(e->privacy().ledger().size(), 1u);
  View(*e, "trail-2", kNow);
  EXPECT_TRUE(e->privacy().activity().empty());  // nothing kept while denied
}

TEST(PrivacyTest, InterestReportsCarryTheStrongestTopLevelCategory) {
  auto e = ShopEngine();
  ASSERT_TRUE(e->SetPrivacyPolicy(
                   R"({"epsilonPerDay":10,"types":{"interests":{"epsilon":10,"weight":1},"bandit":{"weight":0},"engagement":{"weight":0}}})")
                  .ok());
  Grant(*e, Purpose::kMeasurement, kNow);
  for (int i = 0; i < 3; ++i) View(*e, "tent-1", kNow - kDay);
  View(*e, "trail-1", kNow - kDay);
  const ReportInputs in = e->ReportInputsAt(kNow);
  EXPECT_THAT(in.taxonomy, ::testing::ElementsAre("apparel", "camping", "shoes"));
  EXPECT_EQ(in.top_interest, 1);
  const PreparedRound round = **e->PrepareReports(kNow);
  ASSERT_EQ(round.reports.size(), 1u);
  EXPECT_EQ(round.reports[0].type, ReportType::kInterests);
  EXPECT_FALSE(round.reports[0].unary);
  // At ε = 10 the truth is kept with probability e^10 / (e^10 + 3) > 0.9998.
  EXPECT_EQ(round.reports[0].value, 1);
}

TEST(PrivacyTest, CampaignReportsCarryExposureAndConversionPerArm) {
  PrivacyState p;
  p.set_policy(*ParsePrivacyPolicy(
      R"({"epsilonPerDay":10,"maxCampaigns":2,"types":{"campaign":{"epsilon":10,"weight":1},"interests":{"weight":0},)"
      R"("bandit":{"weight":0},"engagement":{"weight":0}}})"));
  p.mutable_consent().Set(Purpose::kMeasurement, ConsentState::kGranted, ConsentSource::kApi, kNow);
  RankState rank;
  const int64_t today = DayOf(kNow);
  for (int64_t d = today - 3; d < today; ++d) p.Observe(EventType::kView, d * kDay + 1, rank);
  ReportInputs in;
  in.sdk = "0.1.0";
  in.campaigns = {{"spring", "treatment"}};
  in.campaign_days = {{"spring", "treatment", today - 3, 2, 1},   // exposed, converted → 2
                      {"spring", "treatment", today - 2, 1, 0},   // exposed only → 1
                      {"spring", "holdout", today - 1, 1, 1}};    // another arm's row: not this device's → 0
  Rng rng(5);
  uint64_t revision = 0;
  const PreparedRound& round = p.Prepare(kNow, in, &rng, &revision);
  ASSERT_EQ(round.reports.size(), 3u);
  const int expected[] = {2, 1, 0};
  for (int i = 0; i < 3; ++i) {
    SCOPED_TRACE(i);
    const Report& r = round.reports[i];
    EXPECT_EQ(r.type, ReportType::kCampaign);
    ASSERT_EQ(r.campaigns.size(), 1u);
    EXPECT_EQ(r.campaigns[0].arm, "treatment");
    // At ε = 10 the truth is kept with probability e^10 / (e^10 + 2) > 0.9999.
    EXPECT_EQ(r.campaigns[0].value, expected[i]);
    EXPECT_TRUE(ValidateReport(*ParseReport(round.json[i]), p.policy()).ok());
  }
  // More campaigns than the policy allows: the first maxCampaigns, each with ε / m.
  in.campaigns = {{"a", "holdout"}, {"b", "treatment"}, {"c", "treatment"}};
  p.Invalidate();
  const PreparedRound& capped = p.Prepare(kNow, in, &rng, &revision);
  ASSERT_FALSE(capped.reports.empty());
  EXPECT_EQ(capped.reports[0].campaigns.size(), 2u);
  EXPECT_EQ(capped.reports[0].epsilon.micros(), 10 * Epsilon::kMicros);
}

TEST(PrivacyTest, BanditAndEngagementCountsAreBoundedBeforeNoise) {
  // At ε = 10 with Δ = 12 the noise is small; over many devices the mean of
  // the noisy shows is the mean of the clipped ones (at most 4 in total).
  double shows = 0, views = 0;
  constexpr int kDevices = 400;
  for (int d = 0; d < kDevices; ++d) {
    auto e = ShopEngine();
    e->Seed(1000 + d);
    ASSERT_TRUE(e->SetPrivacyPolicy(R"({"epsilonPerDay":10,"maxReportsPerDay":2,"types":{"interests":{"weight":0},)"
                                    R"("bandit":{"epsilon":5,"weight":0.5},"engagement":{"epsilon":5,"weight":0.5}}})")
                    .ok());
    Grant(*e, Purpose::kMeasurement, kNow);
    for (int i = 0; i < 10; ++i) {
      RecommendRequest req;
      req.count = 2;
      req.now_ms = kNow - kDay + i;
      ASSERT_TRUE(e->Recommend(req).ok());
      View(*e, "trail-1", kNow - kDay + i);  // 10 views, and 9 resolved shows
    }
    const PreparedRound round = **e->PrepareReports(kNow);
    ASSERT_EQ(round.reports.size(), 2u);
    for (const Report& r : round.reports) {
      if (r.type == ReportType::kBandit)
        for (int64_t s : r.shows) shows += static_cast<double>(s);
      else views += static_cast<double>(r.counts[0]);
    }
  }
  const double sd_shows = std::sqrt(kBanditCells * DiscreteLaplaceVariance(Epsilon::FromDouble(5), 12) / kDevices);
  const double sd_views = std::sqrt(DiscreteLaplaceVariance(Epsilon::FromDouble(5), 14) / kDevices);
  EXPECT_NEAR(shows / kDevices, kBanditShowBound, 5.3 * sd_shows);
  EXPECT_NEAR(views / kDevices, kEngagementBounds[0], 5.3 * sd_views);
}

// Property: whatever the sequence of events, builds, commits, saves, crashes
// (restore of the last saved snapshot), sends and acks, the ε of the reports
// ever released for a day never exceeds the budget — the host sends only
// after saving the state that records the spend.
TEST(PrivacyTest, ReleasedEpsilonNeverExceedsTheBudgetAcrossRestarts) {
  size_t total_released = 0;
  for (uint64_t seed = 1; seed <= 40; ++seed) {
    SCOPED_TRACE(seed);
    Rng ops(seed);
    auto e = ShopEngine();
    e->Seed(seed);
    const int per_day = 1 + static_cast<int>(ops.Next() % 4);
    const std::string policy = absl::StrCat(R"({"epsilonPerDay":1,"maxReportsPerDay":)", per_day,
                                            R"(,"types":{"interests":{"epsilon":0.5},"bandit":{"epsilon":0.3},)"
                                            R"("engagement":{"epsilon":0.7}}})");
    ASSERT_TRUE(e->SetPrivacyPolicy(policy).ok());
    Grant(*e, Purpose::kMeasurement, kNow);
    std::string saved = e->ExportSnapshot();
    std::map<std::string, std::pair<std::string, int64_t>> released;  // id → period, micros
    int64_t now = kNow;
    for (int step = 0; step < 300; ++step) {
      switch (ops.Next() % 7) {
        case 0:
        case 1:
          View(*e, "trail-1", now);
          break;
        case 2:
          now += static_cast<int64_t>(ops.Next() % (kDay / 2));
          break;
        case 3: {  // build + commit
          auto round = e->PrepareReports(static_cast<double>(now));
          ASSERT_TRUE(round.ok());
          if (!(*round)->reports.empty()) ASSERT_TRUE(e->CommitReports(Ids(**round), static_cast<double>(now)).ok());
          break;
        }
        case 4:
          saved = e->ExportSnapshot();
          break;
        case 5: {  // crash: the next start restores what was saved
          auto fresh = ShopEngine();
          ASSERT_TRUE(fresh->SetPrivacyPolicy(policy).ok());
          ASSERT_TRUE(fresh->RestoreSnapshot(saved).ok());
          e = std::move(fresh);
          break;
        }
        case 6: {  // sync: save, then send the outbox, then ack some
          saved = e->ExportSnapshot();
          std::vector<std::string> acked;
          for (const QueuedReport& q : e->privacy().outbox()) {
            auto r = ParseReport(q.json);
            ASSERT_TRUE(r.ok());
            released[q.id] = {r->period, r->epsilon.micros()};
            if (ops.Next() % 2) acked.push_back(q.id);
          }
          e->AckReports(acked);
          break;
        }
      }
      std::map<std::string, int64_t> per_period;
      for (const auto& [id, v] : released) per_period[v.first] += v.second;
      for (const auto& [period, micros] : per_period) ASSERT_LE(micros, Epsilon::kMicros) << period;
      for (const LedgerEntry& l : e->privacy().ledger()) ASSERT_LE(e->privacy().SpentOn(l.day).micros(), Epsilon::kMicros);
    }
    total_released += released.size();
  }
  EXPECT_GT(total_released, 100u) << "the property must have been exercised";
}

TEST(PrivacyTest, PersonalizationDeniedErasesTheProfileAndGivesPopularPicks) {
  auto e = ShopEngine();
  View(*e, "trail-1", kNow);
  RecommendRequest req;
  req.now_ms = kNow;
  ASSERT_TRUE(e->Recommend(req).ok());
  ASSERT_FALSE(e->profile().affinities().empty());
  ASSERT_TRUE(e->SetConsent(Purpose::kPersonalization, ConsentState::kDenied, ConsentSource::kApi, kNow).ok());
  EXPECT_TRUE(e->profile().affinities().empty());
  EXPECT_TRUE(e->rank_state().impressions.empty());
  View(*e, "trail-2", kNow);
  EXPECT_TRUE(e->profile().affinities().empty()) << "a denied profile learns nothing";
  auto picks = e->Recommend(req);
  ASSERT_TRUE(picks.ok());
  EXPECT_FALSE(picks->empty());
  EXPECT_TRUE(e->rank_state().impressions.empty()) << "no ranking memory is kept either";
  EXPECT_EQ(e->consent().get(Purpose::kPersonalization).source, ConsentSource::kApi);
}

TEST(PrivacyTest, SnapshotsKeepConsentLedgerAndOutbox) {
  auto e = ShopEngine();
  Grant(*e, Purpose::kMeasurement, kNow);
  ASSERT_TRUE(e->SetConsent(Purpose::kGamification, ConsentState::kDenied, ConsentSource::kTcf, kNow).ok());
  View(*e, "trail-1", kNow - kDay);
  View(*e, "trail-1", kNow);
  ASSERT_TRUE(e->CommitReports(Ids(**e->PrepareReports(kNow)), kNow).ok());
  const std::string blob = e->ExportSnapshot();
  auto back = ShopEngine();
  ASSERT_TRUE(back->RestoreSnapshot(blob).ok());
  EXPECT_TRUE(back->consent() == e->consent());
  ASSERT_EQ(back->privacy().ledger().size(), 1u);
  EXPECT_EQ(back->privacy().ledger()[0].report_id, e->privacy().ledger()[0].report_id);
  ASSERT_EQ(back->privacy().outbox().size(), 1u);
  EXPECT_EQ(back->privacy().outbox()[0].json, e->privacy().outbox()[0].json);
  EXPECT_EQ(back->privacy().activity().size(), e->privacy().activity().size());
  EXPECT_EQ(back->ExportSnapshot(), blob);
}

TEST(PrivacyTest, ActivityIsNotSavedWhileMeasurementIsPending) {
  auto e = ShopEngine();
  View(*e, "trail-1", kNow - kDay);
  ASSERT_EQ(e->privacy().activity().size(), 1u);  // kept in memory
  auto back = ShopEngine();
  ASSERT_TRUE(back->RestoreSnapshot(e->ExportSnapshot()).ok());
  EXPECT_TRUE(back->privacy().activity().empty());
  Grant(*e, Purpose::kMeasurement, kNow);
  ASSERT_TRUE(back->RestoreSnapshot(e->ExportSnapshot()).ok());
  EXPECT_EQ(back->privacy().activity().size(), 1u);
}

TEST(PrivacyTest, EraseKeepsConsentAndTheLedger) {
  auto e = ShopEngine();
  Grant(*e, Purpose::kMeasurement, kNow);
  View(*e, "trail-1", kNow - kDay);
  ASSERT_TRUE(e->CommitReports(Ids(**e->PrepareReports(kNow)), kNow).ok());
  e->Erase();
  EXPECT_TRUE(e->consent().granted(Purpose::kMeasurement));
  EXPECT_EQ(e->privacy().ledger().size(), 1u) << "erasing must not let a day be charged twice";
  EXPECT_TRUE(e->privacy().outbox().empty());
  EXPECT_TRUE(e->privacy().activity().empty());
}

TEST(PrivacyTest, TheUserExportListsConsentAndEverySpend) {
  auto e = ShopEngine();
  Grant(*e, Purpose::kMeasurement, kNow);
  View(*e, "trail-1", kNow - kDay);
  ASSERT_TRUE(e->CommitReports(Ids(**e->PrepareReports(kNow)), kNow).ok());
  const std::string json = e->ExportJson(kNow);
  EXPECT_THAT(json, HasSubstr(R"("measurement":{"state":"granted")"));
  EXPECT_THAT(json, HasSubstr(absl::StrCat(R"("report_id":")", e->privacy().ledger()[0].report_id)));
  EXPECT_THAT(json, HasSubstr("\"reports_queued\":[\"{"));
}

}  // namespace
}  // namespace hearth
