// Engine options from JSON (what createHearth({ profile: {...} }) passes down).
//
// Example:
//   auto config = hearth::ParseProfileConfig(
//       R"({"halfLifeDays": {"view": 3}, "segments": {"lapsedDays": 60}})");
//
// Every key is optional; unknown keys are errors, because a misspelt option
// silently ignored is a bug the integrator never sees.
#ifndef HEARTH_ENGINE_CONFIG_H_
#define HEARTH_ENGINE_CONFIG_H_

#include <string_view>

#include "absl/status/statusor.h"
#include "hearth/profile/profile.h"

namespace hearth {

// Keys: halfLifeDays {<event type>: days}, weights {<event type>: number},
// segments {disengagedDays, lapsedDays, dealMinPurchases, dealShare,
// advocateMinPurchases, advocateBrandShare, multiMinCategories}.
// An empty string means all defaults.
absl::StatusOr<ProfileConfig> ParseProfileConfig(std::string_view json);

}  // namespace hearth

#endif  // HEARTH_ENGINE_CONFIG_H_
