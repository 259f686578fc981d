// Embind glue for consent and private reports: consent get/set, the report
// round (build → commit → ack), the user's privacy report, and the
// collector's validator and estimator helpers (docs/privacy.md).
#include <emscripten/bind.h>

#include "absl/strings/str_cat.h"
#include "bindings/engine_handle.h"
#include "hearth/report/report.h"

namespace hearth::bindings {
namespace {

val LedgerEntryOut(const LedgerEntry& e) {
  val o = val::object();
  o.set("ts", static_cast<double>(e.ts_ms));
  o.set("period", DayString(e.day));
  o.set("type", std::string(ReportTypeName(e.type)));
  o.set("epsilon", e.epsilon.value());
  o.set("reportId", e.report_id);
  return o;
}

std::vector<std::string> Strings(const val& list) { return emscripten::vecFromJSArray<std::string>(list); }

// {personalization: {state, ts, source}, gamification: {…}, measurement: {…}}
val ConsentGet(EngineHandle& h) {
  val out = val::object();
  for (int i = 0; i < kPurposes; ++i) {
    const PurposeConsent& c = h.engine().consent().get(static_cast<Purpose>(i));
    val o = val::object();
    o.set("state", std::string(ConsentStateName(c.state)));
    o.set("ts", c.ts_ms < 0 ? val::null() : val(static_cast<double>(c.ts_ms)));
    o.set("source", std::string(ConsentSourceName(c.source)));
    out.set(std::string(PurposeName(static_cast<Purpose>(i))), o);
  }
  return out;
}

// null or {code, message}.
val ConsentSet(EngineHandle& h, const std::string& purpose, const std::string& state, const std::string& source,
               double now_ms) {
  Purpose p;
  ConsentState s;
  ConsentSource src;
  if (!ParsePurpose(purpose, &p))
    return ErrorOrNull(absl::InvalidArgumentError(absl::StrCat(
        "unknown consent purpose '", purpose.substr(0, 40), "'; use personalization, gamification or measurement")));
  if (!ParseConsentState(state, &s))
    return ErrorOrNull(absl::InvalidArgumentError(
        absl::StrCat("consent for ", purpose, " must be 'granted', 'pending' or 'denied', not '", state.substr(0, 40), "'")));
  if (!ParseConsentSource(source, &src))
    return ErrorOrNull(absl::InvalidArgumentError(absl::StrCat(
        "unknown consent source '", source.substr(0, 40), "'; use api, gpc, consent_mode, tcf or default")));
  return ErrorOrNull(h.engine().SetConsent(p, s, src, now_ms));
}

val SetPrivacyPolicy(EngineHandle& h, const std::string& json) { return ErrorOrNull(h.engine().SetPrivacyPolicy(json)); }
std::string PrivacyPolicyJson(EngineHandle& h) { return SerializePrivacyPolicy(h.engine().privacy().policy()); }

// The next round: {body, bytes, ids, reports: [json text], ledger: [entries
// committing would add], queued: [ids already in the outbox]} or {error}.
// body = {"reports":[queued…, prepared…]}: exactly what the next sync POSTs.
val BuildReports(EngineHandle& h, double now_ms) {
  auto round = h.engine().PrepareReports(now_ms);
  if (!round.ok()) return Failure(round.status());
  std::vector<std::string> all;
  val queued = val::array();
  for (const QueuedReport& q : h.engine().privacy().outbox()) {
    queued.call<void>("push", q.id);
    all.push_back(q.json);
  }
  val ids = val::array(), reports = val::array(), ledger = val::array();
  for (size_t i = 0; i < (*round)->reports.size(); ++i) {
    const Report& r = (*round)->reports[i];
    ids.call<void>("push", r.id);
    reports.call<void>("push", (*round)->json[i]);
    LedgerEntry e;
    e.ts_ms = static_cast<int64_t>(now_ms);
    ParseDay(r.period, &e.day);
    e.type = r.type;
    e.epsilon = r.epsilon;
    e.report_id = r.id;
    ledger.call<void>("push", LedgerEntryOut(e));
    if (all.size() < kMaxEnvelopeReports) all.push_back((*round)->json[i]);
  }
  const std::string body = SerializeEnvelope(all);
  val out = val::object();
  out.set("body", body);
  out.set("bytes", static_cast<double>(body.size()));
  out.set("ids", ids);
  out.set("reports", reports);
  out.set("ledger", ledger);
  out.set("queued", queued);
  return out;
}

// {ledger: [entries]} or {error}: charges the prepared round and queues it.
val CommitReports(EngineHandle& h, const val& ids, double now_ms) {
  auto entries = h.engine().CommitReports(Strings(ids), now_ms);
  if (!entries.ok()) return Failure(entries.status());
  val ledger = val::array();
  for (const LedgerEntry& e : *entries) ledger.call<void>("push", LedgerEntryOut(e));
  val out = val::object();
  out.set("ledger", ledger);
  return out;
}

// How many acknowledged reports left the outbox.
double AckReports(EngineHandle& h, const val& ids) { return static_cast<double>(h.engine().AckReports(Strings(ids))); }

// The queued reports: {body, ids, bytes} (body is {"reports":[…]}).
val Outbox(EngineHandle& h) {
  std::vector<std::string> all;
  val ids = val::array();
  for (const QueuedReport& q : h.engine().privacy().outbox()) {
    ids.call<void>("push", q.id);
    all.push_back(q.json);
  }
  const std::string body = SerializeEnvelope(all);
  val out = val::object();
  out.set("body", body);
  out.set("bytes", static_cast<double>(body.size()));
  out.set("ids", ids);
  return out;
}

// {period, epsilon, spent, remaining, ledger, days: [{period, spent}]} for
// the most recent completed day (the latest a report can describe).
val PrivacyBudget(EngineHandle& h, double now_ms) {
  if (auto s = ValidateNow(now_ms); !s.ok()) return Failure(s);
  const PrivacyState& p = h.engine().privacy();
  const int64_t day = DayOf(static_cast<int64_t>(now_ms)) - 1;
  const double budget = p.policy().epsilon_per_day.value();
  const double spent = p.SpentOn(day).value();
  val out = val::object();
  out.set("period", DayString(day));
  out.set("epsilon", budget);
  out.set("spent", spent);
  out.set("remaining", std::max(0.0, budget - spent));
  val ledger = val::array();
  for (const LedgerEntry& e : p.ledger()) ledger.call<void>("push", LedgerEntryOut(e));
  out.set("ledger", ledger);
  return out;
}

// null when `text` is a valid report under `policy_json` ("" or "{}": the
// default policy), else {code, message} naming the field.
val ValidateReportText(const std::string& text, const std::string& policy_json) {
  auto policy = ParsePrivacyPolicy(policy_json.empty() ? "{}" : policy_json);
  if (!policy.ok()) return ErrorOrNull(policy.status());
  auto report = ParseReport(text);
  if (!report.ok()) return ErrorOrNull(report.status());
  return ErrorOrNull(ValidateReport(*report, *policy));
}

// {p, q} the device realizes: mech 'krr' over d values, or 'oue' (d unused).
val RrProbabilitiesOut(double d, double eps, const std::string& mech) {
  if (!(eps > 0 && eps <= 10)) return Failure(absl::InvalidArgumentError("epsilon must be in (0, 10]"));
  if (mech != "oue" && !(d >= 2 && d <= 1024))
    return Failure(absl::InvalidArgumentError("d must be the number of values, from 2 to 1024"));
  const RrProbabilities pq = mech == "oue" ? OueProbabilities(Epsilon::FromDouble(eps))
                                           : KaryRrProbabilities(static_cast<int>(d), Epsilon::FromDouble(eps));
  val out = val::object();
  out.set("p", pq.p);
  out.set("q", pq.q);
  return out;
}

double LaplaceVariance(double eps, double sensitivity) {
  return DiscreteLaplaceVariance(Epsilon::FromDouble(eps), static_cast<int64_t>(sensitivity));
}

}  // namespace

EMSCRIPTEN_BINDINGS(hearth_privacy) {
  emscripten::function("consentGet", &ConsentGet);
  emscripten::function("consentSet", &ConsentSet);
  emscripten::function("setPrivacyPolicy", &SetPrivacyPolicy);
  emscripten::function("privacyPolicy", &PrivacyPolicyJson);
  emscripten::function("buildReports", &BuildReports);
  emscripten::function("commitReports", &CommitReports);
  emscripten::function("ackReports", &AckReports);
  emscripten::function("reportOutbox", &Outbox);
  emscripten::function("privacyBudget", &PrivacyBudget);
  emscripten::function("validateReport", &ValidateReportText);
  emscripten::function("rrProbabilities", &RrProbabilitiesOut);
  emscripten::function("laplaceVariance", &LaplaceVariance);
}

}  // namespace hearth::bindings
