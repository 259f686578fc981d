#include "hearth/report/report.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "absl/strings/str_cat.h"

namespace hearth {
namespace {

using ::testing::HasSubstr;

constexpr char kId[] = "0123456789abcdef0123456789abcdef";

std::string Wrap(std::string_view type, std::string_view data, std::string_view eps = "1") {
  return absl::StrCat(R"({"v":1,"id":")", kId, R"(","period":"2026-11-24","type":")", type, R"(","epsilon":)", eps,
                      R"(,"sdk":"0.1.0","data":)", data, "}");
}

TEST(ReportTest, EveryTypeRoundTripsThroughTheWireFormat) {
  const std::string cases[] = {
      Wrap("interests", R"({"mech":"krr","keys":["apparel","shoes"],"value":2})"),
      Wrap("interests", R"({"mech":"oue","keys":["a","b","c"],"bits":"010"})"),
      Wrap("campaign", R"({"campaigns":[{"id":"spring","arm":"holdout","value":1}]})"),
      Wrap("bandit", R"({"shows":[1,0,-3,2,0,0],"clicks":[0,0,0,1,-1,0]})"),
      Wrap("engagement", R"({"counts":[5,-2,0,1,0,0,17]})"),
  };
  for (const std::string& text : cases) {
    SCOPED_TRACE(text);
    auto r = ParseReport(text);
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(SerializeReport(*r), text);
    EXPECT_TRUE(ValidateReport(*r, DefaultPrivacyPolicy()).ok());
  }
}

struct BadCase {
  const char* name;
  std::string text;
  const char* message;
};

TEST(ReportTest, RejectsMalformedReportsNamingTheField) {
  const BadCase cases[] = {
      {"not json", "{", "JSON"},
      {"array", "[]", "JSON object"},
      {"missing data", absl::StrCat(R"({"v":1,"id":")", kId, R"(","period":"2026-11-24","type":"bandit","epsilon":1,"sdk":"x"})"), "report.data is required"},
      {"version", absl::StrCat(R"({"v":2,"id":")", kId, R"("})"), "report.v"},
      {"short id", R"({"v":1,"id":"abc"})", "report.id"},
      {"upper-case id", R"({"v":1,"id":"0123456789ABCDEF0123456789ABCDEF"})", "report.id"},
      {"bad date", R"({"period":"2026-02-30"})", "report.period"},
      {"unknown type", R"({"type":"raw_events"})", "report.type"},
      {"unknown field", R"({"user":"alice"})", "report.user is not a report field"},
      {"repeated field", absl::StrCat(R"({"id":")", kId, R"(","id":")", kId, R"("})"), "report.id is not a report field (or is repeated)"},
      {"negative epsilon", R"({"epsilon":-1})", "report.epsilon"},
      {"epsilon with too many digits", R"({"epsilon":0.0000001})", "report.epsilon"},
      {"trailing content", Wrap("bandit", R"({"shows":[0,0,0,0,0,0],"clicks":[0,0,0,0,0,0]})") + "x", "JSON object"},
      {"wrong data for type", Wrap("bandit", R"({"counts":[0,0,0,0,0,0,0]})"), "does not have the fields"},
      {"too few counts", Wrap("engagement", R"({"counts":[0,0]})"), "report.data.counts must hold exactly 7"},
      {"huge count", Wrap("engagement", R"({"counts":[0,0,0,0,0,0,2000000]})"), "report.data.counts[6]"},
      {"fractional count", Wrap("engagement", R"({"counts":[0.5,0,0,0,0,0,0]})"), "report.data.counts[0]"},
      {"repeated key", Wrap("interests", R"({"mech":"krr","keys":["a","a"],"value":0})"), "report.data.keys[1] repeats 'a'"},
      {"unnormalized key", Wrap("interests", R"({"mech":"krr","keys":["Shoes","a"],"value":0})"), "report.data.keys[0]"},
      {"value past none", Wrap("interests", R"({"mech":"krr","keys":["a","b"],"value":3})"), "report.data.value"},
      {"bits length", Wrap("interests", R"({"mech":"oue","keys":["a","b"],"bits":"1"})"), "one bit per key"},
      {"bits alphabet", Wrap("interests", R"({"mech":"oue","keys":["a","b"],"bits":"12"})"), "report.data.bits"},
      {"campaign arm", Wrap("campaign", R"({"campaigns":[{"id":"x","arm":"control","value":0}]})"), "report.data.campaigns[0].arm"},
      {"campaign value", Wrap("campaign", R"({"campaigns":[{"id":"x","arm":"holdout","value":3}]})"), "report.data.campaigns[0].value"},
      {"campaign repeated", Wrap("campaign", R"({"campaigns":[{"id":"x","arm":"holdout","value":0},{"id":"x","arm":"holdout","value":0}]})"), "repeats campaign"},
      {"no campaigns", Wrap("campaign", R"({"campaigns":[]})"), "at least one"},
  };
  for (const BadCase& c : cases) {
    SCOPED_TRACE(c.name);
    auto r = ParseReport(c.text);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(r.status().message()), HasSubstr(c.message));
  }
}

TEST(ReportTest, PolicyCapsTheClaimedEpsilonAndTheCampaignCount) {
  auto policy = ParsePrivacyPolicy(R"({"epsilonPerDay":2,"maxCampaigns":1,"types":{"bandit":{"epsilon":0.5}}})");
  ASSERT_TRUE(policy.ok()) << policy.status();
  auto bandit = ParseReport(Wrap("bandit", R"({"shows":[0,0,0,0,0,0],"clicks":[0,0,0,0,0,0]})", "0.75"));
  ASSERT_TRUE(bandit.ok());
  EXPECT_THAT(std::string(ValidateReport(*bandit, *policy).message()), HasSubstr("0.5 the policy allows for bandit"));
  auto two = ParseReport(Wrap("campaign", R"({"campaigns":[{"id":"a","arm":"holdout","value":0},{"id":"b","arm":"treatment","value":2}]})"));
  ASSERT_TRUE(two.ok());
  EXPECT_THAT(std::string(ValidateReport(*two, *policy).message()), HasSubstr("allows 1"));
}

TEST(ReportTest, PolicyRoundTripsAndRejectsNonsense) {
  const PrivacyPolicy d = DefaultPrivacyPolicy();
  auto again = ParsePrivacyPolicy(SerializePrivacyPolicy(d));
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(SerializePrivacyPolicy(*again), SerializePrivacyPolicy(d));
  const std::pair<const char*, const char*> bad[] = {
      {R"({"epsilonPerDay":0})", "epsilonPerDay"},
      {R"({"epsilonPerDay":0.5})", "must not exceed epsilonPerDay"},
      {R"({"types":{"raw":{}}})", "types.raw"},
      {R"({"types":{"bandit":{"weight":2}}})", "types.bandit.weight"},
      {R"({"interestsMechanism":"laplace"})", "interestsMechanism"},
      {R"({"maxReportsPerDay":0})", "maxReportsPerDay"},
      {R"([1])", "JSON object"},
  };
  for (const auto& [json, message] : bad) {
    SCOPED_TRACE(json);
    auto p = ParsePrivacyPolicy(json);
    ASSERT_FALSE(p.ok());
    EXPECT_THAT(std::string(p.status().message()), HasSubstr(message));
  }
}

TEST(ReportTest, DaysRoundTripThroughDates) {
  int64_t day;
  ASSERT_TRUE(ParseDay("2026-11-24", &day));
  EXPECT_EQ(DayString(day), "2026-11-24");
  EXPECT_EQ(DayString(0), "1970-01-01");
  EXPECT_EQ(DayOf(86'400'000 - 1), 0);
  EXPECT_FALSE(ParseDay("2026-11-24T00:00Z", &day));
  EXPECT_FALSE(ParseDay("2026-13-01", &day));
}

TEST(ReportTest, InterestsUseUnaryEncodingOnlyForLargeTaxonomies) {
  const Epsilon one = Epsilon::FromDouble(1);
  EXPECT_FALSE(UseUnaryEncoding(8, one, InterestMechanism::kAuto));   // d = 9 < 3e + 2
  EXPECT_TRUE(UseUnaryEncoding(12, one, InterestMechanism::kAuto));   // d = 13 >= 10.15
  EXPECT_TRUE(UseUnaryEncoding(2, one, InterestMechanism::kUnary));
  EXPECT_FALSE(UseUnaryEncoding(30, one, InterestMechanism::kKaryRr));
}

}  // namespace
}  // namespace hearth
