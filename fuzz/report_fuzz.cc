// Collector report parsing: the text the collector hands to the core's
// validateReport (bindings/privacy_bindings.cc ValidateReportText, used by
// demo/collector/validate.mjs): ParsePrivacyPolicy, ParseReport and
// ValidateReport. The same bytes are also read as a privacy policy, the other
// JSON both the device and the collector parse.
//
// Asserts: a parsed report serializes to text that parses again to the same
// serialization (SerializeReport ∘ ParseReport is a fixed point) and that
// validates the same way under the default and a strict policy; a parsed
// policy serializes and re-parses to the same serialization.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz/harness.h"
#include "hearth/report/report.h"

namespace hearth::fuzz {
namespace {

// Every type's epsilon within the daily budget: the policy must parse (the
// first version of this target named only two types, so the strict policy
// never parsed and every "strict" verdict was that parse error).
constexpr char kStrictPolicy[] = R"({"epsilonPerDay": 0.5, "maxReportsPerDay": 1, "interestsMechanism": "oue",
  "maxCampaigns": 2, "types": {"interests": {"epsilon": 0.5, "weight": 0.5}, "campaign": {"epsilon": 0.25},
  "bandit": {"epsilon": 0.25}, "engagement": {"epsilon": 0.125}}})";

// A policy the target needs: a parse error is a bug of the target, said.
hearth::PrivacyPolicy MustParse(std::string_view json) {
  auto p = ParsePrivacyPolicy(json);
  if (!p.ok()) std::fprintf(stderr, "fuzz_report: policy %s: %s\n", std::string(json).c_str(), std::string(p.status().message()).c_str());
  HEARTH_FUZZ_CHECK(p.ok());
  return *p;
}

// ValidateReportText of bindings/privacy_bindings.cc, as a status. The two
// policies are constants: parsed once, not per input (the policy parser is
// fuzzed below on the input itself).
absl::Status ValidateText(std::string_view text, bool strict) {
  static const hearth::PrivacyPolicy kDefault = MustParse("{}");
  static const hearth::PrivacyPolicy kStrict = MustParse(kStrictPolicy);
  auto report = ParseReport(text);
  if (!report.ok()) return report.status();
  return ValidateReport(*report, strict ? kStrict : kDefault);
}

}  // namespace
}  // namespace hearth::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace hearth::fuzz;
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  const absl::Status loose = ValidateText(text, false);
  const absl::Status strict = ValidateText(text, true);
  auto report = hearth::ParseReport(text);
  if (report.ok()) {
    const std::string once = hearth::SerializeReport(*report);
    auto again = hearth::ParseReport(once);
    HEARTH_FUZZ_CHECK(again.ok());
    HEARTH_FUZZ_CHECK(hearth::SerializeReport(*again) == once);
    HEARTH_FUZZ_CHECK(ValidateText(once, false).code() == loose.code());
    HEARTH_FUZZ_CHECK(ValidateText(once, true).code() == strict.code());
    const std::string envelope = hearth::SerializeEnvelope({once, once});
    HEARTH_FUZZ_CHECK(envelope.size() > 2 * once.size());
  } else {
    HEARTH_FUZZ_CHECK(!loose.ok() && !strict.ok());
  }

  auto policy = hearth::ParsePrivacyPolicy(text);
  if (policy.ok()) {
    const std::string once = hearth::SerializePrivacyPolicy(*policy);
    auto again = hearth::ParsePrivacyPolicy(once);
    HEARTH_FUZZ_CHECK(again.ok());
    HEARTH_FUZZ_CHECK(hearth::SerializePrivacyPolicy(*again) == once);
  }
  return 0;
}
