#include "hearth/report/report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "hearth/common/json.h"
#include "hearth/common/text.h"
#include "simdjson.h"

namespace hearth {
namespace {

namespace od = simdjson::ondemand;

constexpr std::string_view kTypeNames[kReportTypes] = {"interests", "campaign", "bandit", "engagement"};
constexpr int64_t kMaxEpsilonMicros = 10 * Epsilon::kMicros;
constexpr size_t kMaxSdkBytes = 32;

absl::Status Bad(std::string_view field, std::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("report.", field, " ", what));
}

absl::Status ReadString(od::value v, std::string_view field, size_t limit, std::string* out) {
  std::string_view s;
  if (v.get_string().get(s)) return Bad(field, "must be a string");
  if (s.size() > limit) return Bad(field, absl::StrCat("is longer than ", limit, " bytes"));
  out->assign(s);
  return absl::OkStatus();
}

absl::Status ReadInt(od::value v, std::string_view field, int64_t lo, int64_t hi, int64_t* out) {
  if (v.get_int64().get(*out)) return Bad(field, "must be a whole number");
  if (*out < lo || *out > hi) return Bad(field, absl::StrCat("must be between ", lo, " and ", hi));
  return absl::OkStatus();
}

template <size_t N>
absl::Status ReadCounts(od::value v, std::string_view field, std::array<int64_t, N>* out) {
  od::array arr;
  if (v.get_array().get(arr)) return Bad(field, absl::StrCat("must be an array of ", N, " whole numbers"));
  size_t i = 0;
  for (auto e : arr) {
    od::value ev;
    if (e.get(ev)) return Bad(field, "is not valid JSON");
    if (i == N) return Bad(field, absl::StrCat("must hold exactly ", N, " numbers"));
    if (auto s = ReadInt(ev, absl::StrCat(field, "[", i, "]"), -kMaxNoisyCount, kMaxNoisyCount, &(*out)[i]); !s.ok())
      return s;
    ++i;
  }
  if (i != N) return Bad(field, absl::StrCat("must hold exactly ", N, " numbers"));
  return absl::OkStatus();
}

absl::Status ReadKeys(od::value v, std::vector<std::string>* keys) {
  od::array arr;
  if (v.get_array().get(arr)) return Bad("data.keys", "must be an array of category keys");
  absl::flat_hash_set<std::string> seen;
  for (auto e : arr) {
    od::value ev;
    if (e.get(ev)) return Bad("data.keys", "is not valid JSON");
    const std::string where = absl::StrCat("data.keys[", keys->size(), "]");
    if (keys->size() == kMaxTaxonomy) return Bad("data.keys", absl::StrCat("has more than ", kMaxTaxonomy, " keys"));
    std::string key;
    if (auto s = ReadString(ev, where, kMaxTaxonomyKeyBytes, &key); !s.ok()) return s;
    if (key.empty() || NormalizeKey(key) != key) return Bad(where, "must be a non-empty normalized category key");
    if (!seen.insert(key).second) return Bad(where, absl::StrCat("repeats '", key, "'"));
    keys->push_back(std::move(key));
  }
  if (keys->size() < 2) return Bad("data.keys", "must hold at least 2 keys");
  return absl::OkStatus();
}

absl::Status ReadCampaigns(od::value v, std::vector<CampaignEntry>* out) {
  od::array arr;
  if (v.get_array().get(arr)) return Bad("data.campaigns", "must be an array");
  absl::flat_hash_set<std::string> seen;
  for (auto e : arr) {
    od::value ev;
    od::object obj;
    const std::string where = absl::StrCat("data.campaigns[", out->size(), "]");
    if (out->size() == kMaxCampaignsPerReport)
      return Bad("data.campaigns", absl::StrCat("has more than ", kMaxCampaignsPerReport, " campaigns"));
    if (e.get(ev) || ev.get_object().get(obj)) return Bad(where, "must be an object {id, arm, value}");
    CampaignEntry c;
    bool have_id = false, have_arm = false, have_value = false;
    for (auto f : obj) {
      std::string_view key;
      od::value fv;
      if (f.unescaped_key().get(key) || f.value().get(fv)) return Bad(where, "is not valid JSON");
      absl::Status s;
      if (key == "id" && !have_id) {
        s = ReadString(fv, where + ".id", kMaxCampaignIdBytes, &c.id);
        if (s.ok() && c.id.empty()) s = Bad(where + ".id", "must not be empty");
        have_id = true;
      } else if (key == "arm" && !have_arm) {
        s = ReadString(fv, where + ".arm", 16, &c.arm);
        if (s.ok() && c.arm != "treatment" && c.arm != "holdout") s = Bad(where + ".arm", "must be treatment or holdout");
        have_arm = true;
      } else if (key == "value" && !have_value) {
        int64_t x;
        s = ReadInt(fv, where + ".value", 0, kCampaignValues - 1, &x);
        c.value = static_cast<int>(x);
        have_value = true;
      } else {
        s = Bad(absl::StrCat(where, ".", key.substr(0, 40)), "is not a campaign field (or is repeated)");
      }
      if (!s.ok()) return s;
    }
    if (!have_id || !have_arm || !have_value) return Bad(where, "needs id, arm and value");
    if (!seen.insert(c.id).second) return Bad(where + ".id", absl::StrCat("repeats campaign '", c.id, "'"));
    out->push_back(std::move(c));
  }
  if (out->empty()) return Bad("data.campaigns", "must hold at least one campaign");
  return absl::OkStatus();
}

void WriteCounts(JsonWriter* j, const int64_t* v, size_t n) {
  j->BeginArray();
  for (size_t i = 0; i < n; ++i) j->Int(v[i]);
  j->EndArray();
}

}  // namespace

std::string_view ReportTypeName(ReportType t) { return kTypeNames[static_cast<int>(t)]; }

bool ParseReportType(std::string_view name, ReportType* out) {
  for (int i = 0; i < kReportTypes; ++i)
    if (kTypeNames[i] == name) {
      *out = static_cast<ReportType>(i);
      return true;
    }
  return false;
}

std::string DayString(int64_t day) {
  // Howard Hinnant's civil_from_days.
  const int64_t z = day + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int64_t d = doy - (153 * mp + 2) / 5 + 1;
  const int64_t m = mp < 10 ? mp + 3 : mp - 9;
  const int64_t y = yoe + era * 400 + (m <= 2);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", static_cast<int>(y), static_cast<int>(m), static_cast<int>(d));
  return buf;
}

bool ParseDay(std::string_view s, int64_t* day) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  int64_t ms;
  if (!ParseTimestamp(s, &ms)) return false;
  *day = DayOf(ms);
  return DayString(*day) == s;  // rejects 2026-02-30
}

bool UseUnaryEncoding(size_t keys, Epsilon eps, InterestMechanism m) {
  if (m != InterestMechanism::kAuto) return m == InterestMechanism::kUnary;
  // Variances (Wang et al. 2017): k-RR grows with d = K + 1, OUE does not.
  return static_cast<double>(keys + 1) >= 3 * std::exp(eps.value()) + 2;
}

PrivacyPolicy DefaultPrivacyPolicy() {
  PrivacyPolicy p;
  // Interests 0.4, campaign 0.5: chosen by the fleet simulation (docs/privacy.md,
  // "Choosing the default"): lift CI ±1.91 pp at 50k devices, histogram L1 3.5% at 10k.
  const uint32_t weights[kReportTypes] = {400'000, 500'000, 50'000, 50'000};
  for (int i = 0; i < kReportTypes; ++i) {
    p.types[i].epsilon = Epsilon::FromMicros(Epsilon::kMicros);
    p.types[i].weight_micros = weights[i];
  }
  return p;
}

absl::StatusOr<PrivacyPolicy> ParsePrivacyPolicy(std::string_view json) {
  auto bad = [](std::string_view field, std::string_view what) {
    return absl::InvalidArgumentError(absl::StrCat("privacy policy ", field, " ", what, "; the policy was not changed"));
  };
  auto epsilon = [&](od::value v, std::string_view field, Epsilon* out) -> absl::Status {
    double d;
    if (v.get_double().get(d) || !std::isfinite(d) || d <= 0 || d > 10)
      return bad(field, "must be a number in (0, 10]");
    *out = Epsilon::FromDouble(d);
    if (out->micros() <= 0) return bad(field, "must be at least 0.000001");
    return absl::OkStatus();
  };
  PrivacyPolicy p = DefaultPrivacyPolicy();
  if (json.size() > 4096) return bad("", "is longer than 4096 bytes");
  simdjson::padded_string padded(json);
  od::parser parser;
  od::document doc;
  od::object obj;
  if (parser.iterate(padded).get(doc) || doc.get_object().get(obj)) return bad("", "must be a JSON object");
  for (auto f : obj) {
    std::string_view key;
    od::value v;
    if (f.unescaped_key().get(key) || f.value().get(v)) return bad("", "is not valid JSON");
    absl::Status s;
    if (key == "epsilonPerDay") {
      s = epsilon(v, key, &p.epsilon_per_day);
    } else if (key == "maxReportsPerDay" || key == "maxCampaigns") {
      int64_t n;
      if (v.get_int64().get(n) || n < 1 || n > static_cast<int64_t>(kMaxCampaignsPerReport))
        s = bad(key, absl::StrCat("must be a whole number from 1 to ", kMaxCampaignsPerReport));
      else if (key == "maxReportsPerDay") p.max_reports_per_day = static_cast<int>(n);
      else p.max_campaigns = static_cast<int>(n);
    } else if (key == "interestsMechanism") {
      std::string_view m;
      if (v.get_string().get(m) || (m != "auto" && m != "krr" && m != "oue")) s = bad(key, "must be auto, krr or oue");
      else p.interests_mechanism = m == "auto" ? InterestMechanism::kAuto
                                   : m == "krr" ? InterestMechanism::kKaryRr
                                                : InterestMechanism::kUnary;
    } else if (key == "types") {
      od::object types;
      if (v.get_object().get(types)) return bad("types", "must be an object keyed by report type");
      for (auto tf : types) {
        std::string_view tname;
        od::value tv;
        od::object tobj;
        if (tf.unescaped_key().get(tname) || tf.value().get(tv)) return bad("types", "is not valid JSON");
        ReportType t;
        if (!ParseReportType(tname, &t))
          return bad(absl::StrCat("types.", tname.substr(0, 40)), "is not a report type (interests, campaign, bandit, engagement)");
        if (tv.get_object().get(tobj)) return bad(absl::StrCat("types.", tname), "must be {epsilon, weight}");
        for (auto ff : tobj) {
          std::string_view fk;
          od::value fv;
          if (ff.unescaped_key().get(fk) || ff.value().get(fv)) return bad("types", "is not valid JSON");
          const std::string where = absl::StrCat("types.", tname, ".", fk.substr(0, 40));
          absl::Status fs;
          if (fk == "epsilon") {
            fs = epsilon(fv, where, &p.types[static_cast<int>(t)].epsilon);
          } else if (fk == "weight") {
            double w;
            if (fv.get_double().get(w) || !(w >= 0 && w <= 1)) fs = bad(where, "must be a number in [0, 1]");
            else p.types[static_cast<int>(t)].weight_micros = static_cast<uint32_t>(std::llround(w * 1e6));
          } else {
            fs = bad(where, "is not a policy field (epsilon, weight)");
          }
          if (!fs.ok()) return fs;
        }
      }
    } else {
      s = bad(key.substr(0, 40), "is not a policy field");
    }
    if (!s.ok()) return s;
  }
  if (const char* rest; doc.current_location().get(rest) == simdjson::SUCCESS) return bad("", "has trailing content");
  for (int i = 0; i < kReportTypes; ++i)
    if (p.types[i].epsilon.micros() > p.epsilon_per_day.micros())
      return bad(absl::StrCat("types.", kTypeNames[i], ".epsilon"), "must not exceed epsilonPerDay");
  return p;
}

std::string SerializePrivacyPolicy(const PrivacyPolicy& p) {
  JsonWriter j;
  j.BeginObject();
  j.Key("epsilonPerDay");
  j.Double(p.epsilon_per_day.value());
  j.Key("maxReportsPerDay");
  j.Int(p.max_reports_per_day);
  j.Key("interestsMechanism");
  j.String(p.interests_mechanism == InterestMechanism::kAuto     ? "auto"
           : p.interests_mechanism == InterestMechanism::kKaryRr ? "krr"
                                                                 : "oue");
  j.Key("maxCampaigns");
  j.Int(p.max_campaigns);
  j.Key("types");
  j.BeginObject();
  for (int i = 0; i < kReportTypes; ++i) {
    j.Key(kTypeNames[i]);
    j.BeginObject();
    j.Key("epsilon");
    j.Double(p.types[i].epsilon.value());
    j.Key("weight");
    j.Double(p.types[i].weight_micros / 1e6);
    j.EndObject();
  }
  j.EndObject();
  j.EndObject();
  return j.str();
}

std::string SerializeReport(const Report& r) {
  JsonWriter j;
  j.BeginObject();
  j.Key("v");
  j.Int(kReportVersion);
  j.Key("id");
  j.String(r.id);
  j.Key("period");
  j.String(r.period);
  j.Key("type");
  j.String(ReportTypeName(r.type));
  j.Key("epsilon");
  j.Double(r.epsilon.value());
  j.Key("sdk");
  j.String(r.sdk);
  j.Key("data");
  j.BeginObject();
  switch (r.type) {
    case ReportType::kInterests:
      j.Key("mech");
      j.String(r.unary ? "oue" : "krr");
      j.Key("keys");
      j.BeginArray();
      for (const std::string& k : r.keys) j.String(k);
      j.EndArray();
      if (r.unary) {
        j.Key("bits");
        j.String(r.bits);
      } else {
        j.Key("value");
        j.Int(r.value);
      }
      break;
    case ReportType::kCampaign:
      j.Key("campaigns");
      j.BeginArray();
      for (const CampaignEntry& c : r.campaigns) {
        j.BeginObject();
        j.Key("id");
        j.String(c.id);
        j.Key("arm");
        j.String(c.arm);
        j.Key("value");
        j.Int(c.value);
        j.EndObject();
      }
      j.EndArray();
      break;
    case ReportType::kBandit:
      j.Key("shows");
      WriteCounts(&j, r.shows.data(), r.shows.size());
      j.Key("clicks");
      WriteCounts(&j, r.clicks.data(), r.clicks.size());
      break;
    case ReportType::kEngagement:
      j.Key("counts");
      WriteCounts(&j, r.counts.data(), r.counts.size());
      break;
  }
  j.EndObject();
  j.EndObject();
  return j.str();
}

std::string SerializeEnvelope(const std::vector<std::string>& reports) {
  std::string out = "{\"reports\":[";
  for (size_t i = 0; i < reports.size(); ++i) {
    if (i > 0) out += ',';
    out += reports[i];
  }
  out += "]}";
  return out;
}

absl::StatusOr<Report> ParseReport(std::string_view json) {
  if (json.size() > kMaxReportBytes) return Bad("", absl::StrCat("is longer than ", kMaxReportBytes, " bytes"));
  simdjson::padded_string padded(json);
  od::parser parser;
  od::document doc;
  od::object obj;
  if (parser.iterate(padded).get(doc) || doc.get_object().get(obj))
    return absl::InvalidArgumentError("report must be one JSON object (invalid JSON or trailing content)");
  Report r;
  enum : unsigned { kV = 1, kId = 2, kPeriod = 4, kType = 8, kEps = 16, kSdk = 32, kData = 64 };
  unsigned have = 0;
  // data fields, checked against the type once both are known
  enum : unsigned { kMech = 1, kKeys = 2, kValue = 4, kBits = 8, kCampaigns = 16, kShows = 32, kClicks = 64, kCounts = 128 };
  unsigned data = 0;
  std::string mech;
  for (auto f : obj) {
    std::string_view key;
    od::value v;
    if (f.unescaped_key().get(key) || f.value().get(v)) return absl::InvalidArgumentError("report is not valid JSON");
    auto once = [&](unsigned bit) {
      if (have & bit) return false;
      have |= bit;
      return true;
    };
    absl::Status s;
    if (key == "v" && once(kV)) {
      int64_t version;
      s = ReadInt(v, "v", kReportVersion, kReportVersion, &version);
    } else if (key == "id" && once(kId)) {
      s = ReadString(v, "id", kReportIdHexChars, &r.id);
      if (s.ok() && (r.id.size() != kReportIdHexChars ||
                     !std::all_of(r.id.begin(), r.id.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); })))
        s = Bad("id", "must be 32 lowercase hexadecimal characters");
    } else if (key == "period" && once(kPeriod)) {
      int64_t day;
      s = ReadString(v, "period", 10, &r.period);
      if (s.ok() && !ParseDay(r.period, &day)) s = Bad("period", "must be a UTC date YYYY-MM-DD");
    } else if (key == "type" && once(kType)) {
      std::string t;
      s = ReadString(v, "type", 16, &t);
      if (s.ok() && !ParseReportType(t, &r.type)) s = Bad("type", "must be interests, campaign, bandit or engagement");
    } else if (key == "epsilon" && once(kEps)) {
      double d;
      if (v.get_double().get(d) || !std::isfinite(d) || d <= 0 || d > kMaxEpsilonMicros / 1e6) {
        s = Bad("epsilon", "must be a number in (0, 10]");
      } else {
        r.epsilon = Epsilon::FromDouble(d);
        if (r.epsilon.micros() <= 0 || std::fabs(r.epsilon.value() - d) > 1e-9)
          s = Bad("epsilon", "must be a multiple of 0.000001");
      }
    } else if (key == "sdk" && once(kSdk)) {
      s = ReadString(v, "sdk", kMaxSdkBytes, &r.sdk);
      if (s.ok() && r.sdk.empty()) s = Bad("sdk", "must not be empty");
    } else if (key == "data" && once(kData)) {
      od::object dobj;
      if (v.get_object().get(dobj)) return Bad("data", "must be an object");
      for (auto df : dobj) {
        std::string_view dk;
        od::value dv;
        if (df.unescaped_key().get(dk) || df.value().get(dv)) return Bad("data", "is not valid JSON");
        auto donce = [&](unsigned bit) {
          if (data & bit) return false;
          data |= bit;
          return true;
        };
        absl::Status ds;
        if (dk == "mech" && donce(kMech)) {
          ds = ReadString(dv, "data.mech", 8, &mech);
          if (ds.ok() && mech != "krr" && mech != "oue") ds = Bad("data.mech", "must be krr or oue");
          r.unary = mech == "oue";
        } else if (dk == "keys" && donce(kKeys)) {
          ds = ReadKeys(dv, &r.keys);
        } else if (dk == "value" && donce(kValue)) {
          int64_t x;
          ds = ReadInt(dv, "data.value", 0, static_cast<int64_t>(kMaxTaxonomy), &x);
          r.value = static_cast<int>(x);
        } else if (dk == "bits" && donce(kBits)) {
          ds = ReadString(dv, "data.bits", kMaxTaxonomy, &r.bits);
          if (ds.ok() && !std::all_of(r.bits.begin(), r.bits.end(), [](char c) { return c == '0' || c == '1'; }))
            ds = Bad("data.bits", "must hold only '0' and '1'");
        } else if (dk == "campaigns" && donce(kCampaigns)) {
          ds = ReadCampaigns(dv, &r.campaigns);
        } else if (dk == "shows" && donce(kShows)) {
          ds = ReadCounts(dv, "data.shows", &r.shows);
        } else if (dk == "clicks" && donce(kClicks)) {
          ds = ReadCounts(dv, "data.clicks", &r.clicks);
        } else if (dk == "counts" && donce(kCounts)) {
          ds = ReadCounts(dv, "data.counts", &r.counts);
        } else {
          ds = Bad(absl::StrCat("data.", dk.substr(0, 40)), "is not a data field (or is repeated)");
        }
        if (!ds.ok()) return ds;
      }
    } else {
      s = Bad(key.substr(0, 40), "is not a report field (or is repeated)");
    }
    if (!s.ok()) return s;
  }
  if (const char* rest; doc.current_location().get(rest) == simdjson::SUCCESS)
    return absl::InvalidArgumentError("report has trailing content after the object");
  constexpr std::pair<unsigned, std::string_view> kRequired[] = {{kV, "v"},           {kId, "id"},   {kPeriod, "period"},
                                                                 {kType, "type"},     {kEps, "epsilon"}, {kSdk, "sdk"},
                                                                 {kData, "data"}};
  for (const auto& [bit, name] : kRequired)
    if (!(have & bit)) return Bad(name, "is required");
  unsigned expected = 0;
  switch (r.type) {
    case ReportType::kInterests: expected = kMech | kKeys | (r.unary ? kBits : kValue); break;
    case ReportType::kCampaign: expected = kCampaigns; break;
    case ReportType::kBandit: expected = kShows | kClicks; break;
    case ReportType::kEngagement: expected = kCounts; break;
  }
  if (data != expected)
    return Bad("data", absl::StrCat("does not have the fields of a '", ReportTypeName(r.type),
                                    "' report; see docs/privacy.md"));
  if (r.type == ReportType::kInterests) {
    if (r.unary && r.bits.size() != r.keys.size()) return Bad("data.bits", "must hold one bit per key");
    if (!r.unary && r.value > static_cast<int>(r.keys.size()))
      return Bad("data.value", absl::StrCat("must be an index from 0 to ", r.keys.size(), " (the number of keys: none)"));
  }
  return r;
}

absl::Status ValidateReport(const Report& r, const PrivacyPolicy& policy) {
  const Epsilon allowed = policy.types[static_cast<int>(r.type)].epsilon;
  if (r.epsilon.micros() > allowed.micros() || r.epsilon.micros() > policy.epsilon_per_day.micros())
    return absl::InvalidArgumentError(absl::StrCat("report.epsilon ", r.epsilon.value(), " is more than the ",
                                                   allowed.value(), " the policy allows for ", ReportTypeName(r.type),
                                                   " reports"));
  if (r.type == ReportType::kCampaign && r.campaigns.size() > static_cast<size_t>(policy.max_campaigns))
    return absl::InvalidArgumentError(
        absl::StrCat("report.data.campaigns has ", r.campaigns.size(), " campaigns; the policy allows ", policy.max_campaigns));
  if (r.type == ReportType::kInterests && policy.interests_mechanism != InterestMechanism::kAuto &&
      r.unary != (policy.interests_mechanism == InterestMechanism::kUnary))
    return absl::InvalidArgumentError("report.data.mech is not the interest mechanism the policy asks for");
  return absl::OkStatus();
}

Estimate DebiasRr(double observed, double n, RrProbabilities pq) {
  const double d = pq.p - pq.q;
  Estimate e;
  e.value = (observed - n * pq.q) / d;
  const double c = std::clamp(e.value, 0.0, n);
  e.variance = (c * pq.p * (1 - pq.p) + (n - c) * pq.q * (1 - pq.q)) / (d * d);
  return e;
}

Estimate DebiasLaplaceSum(double noisy_sum, double n, Epsilon eps, int64_t sensitivity) {
  return {noisy_sum, n * DiscreteLaplaceVariance(eps, sensitivity)};
}

}  // namespace hearth
