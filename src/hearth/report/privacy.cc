#include "hearth/report/privacy.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace hearth {
namespace {

absl::Status Corrupt(std::string_view what) {
  return absl::DataLossError(
      absl::StrCat("snapshot is corrupt (", what, "); it was not restored and the current state is unchanged"));
}

std::string RandomId(Rng* rng) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id;
  id.reserve(kReportIdHexChars);
  for (int w = 0; w < 2; ++w) {
    uint64_t x = rng->Next();
    for (int i = 0; i < 16; ++i, x >>= 4) id.push_back(kHex[x & 15]);
  }
  return id;
}

bool IsHexId(const std::string& id) {
  return id.size() == kReportIdHexChars &&
         std::all_of(id.begin(), id.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// Cumulative shows and clicks per bandit cell: each resolved show adds one to
// alpha (clicked) or beta (not clicked) of its arm's posterior.
void BanditTotals(const RankState& rank, std::array<uint64_t, kBanditCells>* shows,
                  std::array<uint64_t, kBanditCells>* clicks) {
  for (int s = 0; s < kSlots; ++s)
    for (int a = 0; a < kArms; ++a) {
      const ArmStats& st = rank.arms[s][a];
      const uint64_t c = static_cast<uint64_t>(std::max(0.0, st.alpha - 1));
      const uint64_t n = static_cast<uint64_t>(std::max(0.0, st.beta - 1));
      (*shows)[s * kArms + a] = c + n;
      (*clicks)[s * kArms + a] = c;
    }
}

}  // namespace

ActivityDay& PrivacyState::Day(int64_t day) {
  if (!activity_.empty() && activity_.back().day == day) return activity_.back();
  auto it = std::find_if(activity_.begin(), activity_.end(), [&](const ActivityDay& d) { return d.day == day; });
  if (it != activity_.end()) return *it;
  ActivityDay fresh;
  fresh.day = day;
  it = std::upper_bound(activity_.begin(), activity_.end(), day,
                        [](int64_t d, const ActivityDay& a) { return d < a.day; });
  const size_t at = static_cast<size_t>(it - activity_.begin());
  activity_.insert(it, fresh);
  size_t index = at;
  while (activity_.size() > kMaxActivityDays) {
    activity_.erase(activity_.begin());
    if (index > 0) --index;
  }
  return activity_[index];
}

void PrivacyState::ObserveBandit(int64_t now_ms, const RankState& rank) {
  std::array<uint64_t, kBanditCells> shows, clicks;
  BanditTotals(rank, &shows, &clicks);
  const bool record = !consent_.denied(Purpose::kMeasurement);
  ActivityDay* day = nullptr;
  for (int i = 0; i < kBanditCells; ++i) {
    // Totals below what was seen mean the bandit was reset (erase): restart.
    const uint64_t ds = shows[i] >= seen_shows_[i] ? shows[i] - seen_shows_[i] : shows[i];
    const uint64_t dc = clicks[i] >= seen_clicks_[i] ? clicks[i] - seen_clicks_[i] : clicks[i];
    if (record && (ds > 0 || dc > 0)) {
      if (day == nullptr) day = &Day(DayOf(now_ms));
      day->shows[i] = static_cast<uint32_t>(std::min<uint64_t>(day->shows[i] + ds, UINT32_MAX));
      day->clicks[i] = static_cast<uint32_t>(std::min<uint64_t>(day->clicks[i] + dc, UINT32_MAX));
    }
  }
  seen_shows_ = shows;
  seen_clicks_ = clicks;
}

void PrivacyState::Observe(EventType type, int64_t now_ms, const RankState& rank) {
  ObserveBandit(now_ms, rank);
  if (consent_.denied(Purpose::kMeasurement)) return;
  uint32_t& n = Day(DayOf(now_ms)).events[static_cast<int>(type)];
  if (n < UINT32_MAX) ++n;
}

void PrivacyState::AddRewards(int64_t now_ms, uint32_t n) {
  if (consent_.denied(Purpose::kMeasurement)) return;
  uint32_t& r = Day(DayOf(now_ms)).rewards;
  r = static_cast<uint32_t>(std::min<uint64_t>(uint64_t{r} + n, UINT32_MAX));
}

Epsilon PrivacyState::SpentOn(int64_t day) const {
  int64_t micros = 0;
  for (const LedgerEntry& e : ledger_)
    if (e.day == day) micros += e.epsilon.micros();
  return Epsilon::FromMicros(micros);
}

Report PrivacyState::Build(ReportType type, int64_t day, const ReportInputs& in, Rng* rng) const {
  Report r;
  r.id = RandomId(rng);
  r.period = DayString(day);
  r.type = type;
  r.epsilon = policy_.types[static_cast<int>(type)].epsilon;
  r.sdk = in.sdk;
  const ActivityDay* act = nullptr;
  for (const ActivityDay& a : activity_)
    if (a.day == day) act = &a;
  static const ActivityDay kNone;
  if (act == nullptr) act = &kNone;
  switch (type) {
    case ReportType::kInterests: {
      r.keys = in.taxonomy;
      const int k = static_cast<int>(r.keys.size());
      const int truth = in.top_interest >= 0 && in.top_interest < k ? in.top_interest : k;  // k: none
      r.unary = UseUnaryEncoding(r.keys.size(), r.epsilon, policy_.interests_mechanism);
      if (r.unary) r.bits = UnaryEncode(truth, k, r.epsilon, rng);
      else r.value = RandomizedResponse(truth, k + 1, r.epsilon, rng);
      break;
    }
    case ReportType::kCampaign: {
      const size_t m = std::min(in.campaigns.size(), static_cast<size_t>(policy_.max_campaigns));
      // Each campaign gets an equal share of ε (sequential composition).
      const Epsilon share = Epsilon::FromMicros(r.epsilon.micros() / static_cast<int64_t>(m));
      for (size_t i = 0; i < m; ++i) {
        const ReportCampaign& c = in.campaigns[i];
        int truth = 0;
        for (const ReportCampaignDay& s : in.campaign_days)
          if (s.campaign_id == c.id && s.arm == c.arm && s.day == day && s.exposed > 0)
            truth = std::max(truth, s.converted > 0 ? 2 : 1);
        r.campaigns.push_back({c.id, c.arm, RandomizedResponse(truth, kCampaignValues, share, rng)});
      }
      break;
    }
    case ReportType::kBandit: {
      // Contribution bounding: a uniform sample (without replacement) of at
      // most kBanditShowBound of the day's shows, then of at most
      // kBanditClickBound of the clicks among them.
      std::array<uint64_t, kBanditCells> clicked{}, unclicked{};
      uint64_t total = 0;
      for (int i = 0; i < kBanditCells; ++i) {
        clicked[i] = std::min(act->clicks[i], act->shows[i]);
        unclicked[i] = act->shows[i] - clicked[i];
        total += act->shows[i];
      }
      std::array<int64_t, kBanditCells> shows{}, clicks{};
      for (int64_t k = 0; k < kBanditShowBound && total > 0; ++k, --total) {
        uint64_t u = UniformBelow(total, rng);
        for (int i = 0; i < kBanditCells; ++i) {
          if (u < clicked[i]) {
            --clicked[i];
            ++shows[i];
            ++clicks[i];
            break;
          }
          u -= clicked[i];
          if (u < unclicked[i]) {
            --unclicked[i];
            ++shows[i];
            break;
          }
          u -= unclicked[i];
        }
      }
      int64_t n_clicks = 0;
      for (int64_t c : clicks) n_clicks += c;
      while (n_clicks > kBanditClickBound) {  // drop a uniformly chosen sampled click
        uint64_t u = UniformBelow(static_cast<uint64_t>(n_clicks), rng);
        for (int i = 0; i < kBanditCells; ++i) {
          if (u < static_cast<uint64_t>(clicks[i])) {
            --clicks[i];
            break;
          }
          u -= static_cast<uint64_t>(clicks[i]);
        }
        --n_clicks;
      }
      for (int i = 0; i < kBanditCells; ++i) {
        r.shows[i] = shows[i] + DiscreteLaplace(r.epsilon, kBanditSensitivity, rng);
        r.clicks[i] = clicks[i] + DiscreteLaplace(r.epsilon, kBanditSensitivity, rng);
      }
      break;
    }
    case ReportType::kEngagement: {
      static constexpr EventType kSources[kEngagementKeys - 1] = {EventType::kView,     EventType::kClick,
                                                                  EventType::kAddToCart, EventType::kPurchase,
                                                                  EventType::kSearch,   EventType::kDismiss};
      for (int i = 0; i < kEngagementKeys; ++i) {
        const int64_t raw = i < kEngagementKeys - 1 ? act->events[static_cast<int>(kSources[i])] : act->rewards;
        r.counts[i] = std::min(raw, kEngagementBounds[i]) + DiscreteLaplace(r.epsilon, kEngagementSensitivity, rng);
      }
      break;
    }
  }
  return r;
}

const PreparedRound& PrivacyState::Prepare(int64_t now_ms, const ReportInputs& in, Rng* rng, uint64_t* revision) {
  prepared_.emplace();
  const int64_t today = DayOf(now_ms);
  prepared_day_ = today;
  prepared_revision_ = *revision;
  if (!consent_.granted(Purpose::kMeasurement)) return *prepared_;
  // The generator's state is saved state: when it moved, the state changed.
  const std::array<uint64_t, 4> rng_before = rng->state();
  struct Bump {
    PrivacyState* self;
    Rng* rng;
    std::array<uint64_t, 4> before;
    uint64_t* revision;
    ~Bump() {
      if (rng->state() != before) self->prepared_revision_ = ++*revision;
    }
  } bump{this, rng, rng_before, revision};
  bool available[kReportTypes] = {in.taxonomy.size() >= 2, !in.campaigns.empty(), true, true};
  size_t room = kMaxOutbox > outbox_.size() ? kMaxOutbox - outbox_.size() : 0;
  for (const ActivityDay& act : activity_) {
    const int64_t day = act.day;
    if (day >= today || day < today - kReportableDays) continue;
    if (SpentOn(day).micros() > 0) continue;  // that day's round was sent already
    int64_t left = policy_.epsilon_per_day.micros();
    bool drawn[kReportTypes] = {};
    for (int n = 0; n < policy_.max_reports_per_day && room > 0; ++n) {
      // Weighted lottery over the types still undrawn: data-independent.
      uint64_t total = 0;
      for (int t = 0; t < kReportTypes; ++t)
        if (available[t] && !drawn[t]) total += policy_.types[t].weight_micros;
      if (total == 0) break;
      uint64_t u = UniformBelow(total, rng);
      int pick = 0;
      for (int t = 0; t < kReportTypes; ++t) {
        if (!available[t] || drawn[t]) continue;
        if (u < policy_.types[t].weight_micros) {
          pick = t;
          break;
        }
        u -= policy_.types[t].weight_micros;
      }
      drawn[pick] = true;
      const int64_t cost = policy_.types[pick].epsilon.micros();
      if (cost > left) continue;
      left -= cost;
      Report r = Build(static_cast<ReportType>(pick), day, in, rng);
      prepared_->json.push_back(SerializeReport(r));
      prepared_->reports.push_back(std::move(r));
      --room;
    }
  }
  return *prepared_;
}

absl::StatusOr<std::vector<LedgerEntry>> PrivacyState::Commit(const std::vector<std::string>& ids, int64_t now_ms) {
  if (!prepared_ || prepared_->reports.size() != ids.size())
    return absl::FailedPreconditionError("no prepared round matches these report ids; call buildReports() again");
  for (size_t i = 0; i < ids.size(); ++i)
    if (prepared_->reports[i].id != ids[i])
      return absl::FailedPreconditionError(
          absl::StrCat("report id ", i, " is not the one prepared; call buildReports() again"));
  if (!consent_.granted(Purpose::kMeasurement))
    return absl::FailedPreconditionError("measurement consent is not granted; nothing was charged or queued");
  // Check every day's budget before changing anything.
  std::vector<std::pair<int64_t, int64_t>> added;  // day, micros
  for (const Report& r : prepared_->reports) {
    int64_t day;
    ParseDay(r.period, &day);
    auto it = std::find_if(added.begin(), added.end(), [&](const auto& p) { return p.first == day; });
    if (it == added.end()) it = added.insert(added.end(), {day, 0});
    it->second += r.epsilon.micros();
    if (SpentOn(day).micros() + it->second > policy_.epsilon_per_day.micros())
      return absl::FailedPreconditionError(absl::StrCat("committing would spend more than epsilonPerDay on ", r.period,
                                                        "; nothing was charged or queued"));
  }
  std::vector<LedgerEntry> entries;
  for (size_t i = 0; i < prepared_->reports.size(); ++i) {
    const Report& r = prepared_->reports[i];
    LedgerEntry e;
    e.ts_ms = now_ms;
    ParseDay(r.period, &e.day);
    e.type = r.type;
    e.epsilon = r.epsilon;
    e.report_id = r.id;
    ledger_.push_back(e);
    entries.push_back(e);
    outbox_.push_back({r.id, e.day, prepared_->json[i]});
  }
  // Bounded: old periods can never be reported again (kReportableDays), so
  // their entries only inform the user; the oldest go first.
  const int64_t keep_from = DayOf(now_ms) - kLedgerKeepDays;
  ledger_.erase(std::remove_if(ledger_.begin(), ledger_.end(), [&](const LedgerEntry& e) { return e.day < keep_from; }),
                ledger_.end());
  if (ledger_.size() > kMaxLedgerEntries) ledger_.erase(ledger_.begin(), ledger_.end() - kMaxLedgerEntries);
  if (outbox_.size() > kMaxOutbox) outbox_.erase(outbox_.begin(), outbox_.end() - kMaxOutbox);
  prepared_.reset();
  return entries;
}

size_t PrivacyState::Ack(const std::vector<std::string>& ids) {
  const size_t before = outbox_.size();
  outbox_.erase(std::remove_if(outbox_.begin(), outbox_.end(),
                               [&](const QueuedReport& q) { return std::find(ids.begin(), ids.end(), q.id) != ids.end(); }),
                outbox_.end());
  if (outbox_.size() != before) prepared_.reset();
  return before - outbox_.size();
}

void PrivacyState::DropMeasurementData() {
  outbox_.clear();
  activity_.clear();
  prepared_.reset();
}

void PrivacyState::EncodeReports(ByteWriter* w) const {
  w->U32(static_cast<uint32_t>(ledger_.size()));
  for (const LedgerEntry& e : ledger_) {
    w->I64(e.ts_ms);
    w->I64(e.day);
    w->U8(static_cast<uint8_t>(e.type));
    w->I64(e.epsilon.micros());
    w->Str(e.report_id);
  }
  w->U32(static_cast<uint32_t>(outbox_.size()));
  for (const QueuedReport& q : outbox_) {
    w->Str(q.id);
    w->I64(q.day);
    w->Str(q.json);
  }
  // Pending measurement: the day's counts stay in memory only (nothing about
  // a purpose the user has not answered is written).
  static const std::vector<ActivityDay> kNothing;
  const std::vector<ActivityDay>& days = consent_.granted(Purpose::kMeasurement) ? activity_ : kNothing;
  w->U32(static_cast<uint32_t>(days.size()));
  for (const ActivityDay& a : days) {
    w->I64(a.day);
    for (uint32_t v : a.events) w->U32(v);
    for (uint32_t v : a.shows) w->U32(v);
    for (uint32_t v : a.clicks) w->U32(v);
    w->U32(a.rewards);
  }
  for (uint64_t v : seen_shows_) w->U64(v);
  for (uint64_t v : seen_clicks_) w->U64(v);
}

absl::Status PrivacyState::DecodeReports(ByteReader* r, PrivacyState* out) {
  constexpr int64_t kMaxDay = 2932896;  // 9999-12-31
  PrivacyState s;
  uint32_t n;
  if (!r->U32(&n) || n > kMaxLedgerEntries) return Corrupt("privacy ledger too long or truncated");
  for (uint32_t i = 0; i < n; ++i) {
    LedgerEntry e;
    uint8_t type;
    int64_t micros;
    if (!r->I64(&e.ts_ms) || !r->I64(&e.day) || !r->U8(&type) || !r->I64(&micros) ||
        !r->Str(&e.report_id, kReportIdHexChars))
      return Corrupt("truncated privacy ledger entry");
    if (type >= kReportTypes || micros <= 0 || micros > 10 * Epsilon::kMicros || e.day < 0 || e.day > kMaxDay ||
        e.ts_ms < 0 || !IsHexId(e.report_id))
      return Corrupt("privacy ledger entry out of range");
    e.type = static_cast<ReportType>(type);
    e.epsilon = Epsilon::FromMicros(micros);
    s.ledger_.push_back(std::move(e));
  }
  if (!r->U32(&n) || n > kMaxOutbox) return Corrupt("report outbox too long or truncated");
  for (uint32_t i = 0; i < n; ++i) {
    QueuedReport q;
    if (!r->Str(&q.id, kReportIdHexChars) || !r->I64(&q.day) || !r->Str(&q.json, kMaxReportBytes))
      return Corrupt("truncated queued report");
    auto parsed = ParseReport(q.json);
    if (!IsHexId(q.id) || !parsed.ok() || parsed->id != q.id) return Corrupt("queued report is not a valid report");
    s.outbox_.push_back(std::move(q));
  }
  if (!r->U32(&n) || n > kMaxActivityDays) return Corrupt("activity days too many or truncated");
  for (uint32_t i = 0; i < n; ++i) {
    ActivityDay a;
    bool ok = r->I64(&a.day);
    for (uint32_t& v : a.events) ok = ok && r->U32(&v);
    for (uint32_t& v : a.shows) ok = ok && r->U32(&v);
    for (uint32_t& v : a.clicks) ok = ok && r->U32(&v);
    ok = ok && r->U32(&a.rewards);
    if (!ok) return Corrupt("truncated activity day");
    if (a.day < 0 || a.day > kMaxDay || (!s.activity_.empty() && s.activity_.back().day >= a.day))
      return Corrupt("activity days out of order");
    s.activity_.push_back(a);
  }
  for (uint64_t& v : s.seen_shows_)
    if (!r->U64(&v)) return Corrupt("truncated bandit baseline");
  for (uint64_t& v : s.seen_clicks_)
    if (!r->U64(&v)) return Corrupt("truncated bandit baseline");
  out->ledger_ = std::move(s.ledger_);
  out->outbox_ = std::move(s.outbox_);
  out->activity_ = std::move(s.activity_);
  out->seen_shows_ = s.seen_shows_;
  out->seen_clicks_ = s.seen_clicks_;
  out->prepared_.reset();
  return absl::OkStatus();
}

}  // namespace hearth
