// What the user agreed to: one state per purpose, with when and how it was
// given. The engine consults it on every call that keeps, uses or sends data.
//
// Example:
//   hearth::Consent consent;                       // on-device granted, measurement pending
//   consent.Set(hearth::Purpose::kMeasurement, hearth::ConsentState::kGranted,
//               hearth::ConsentSource::kApi, now_ms);
//   if (consent.granted(hearth::Purpose::kMeasurement)) { /* build reports */ }
//
// Purposes:
//   personalization  keep and use a profile on this device. Denied: the
//                    profile and the ranking memory are erased at once and
//                    picks are non-personalized (popularity).
//   gamification     points, streaks, badges (the game module honours it).
//   measurement      send noised aggregates (report/). Reports are built only
//                    while it is granted; denying it drops unsent reports.
// Pending means "not asked yet / no answer": the engine computes in memory as
// if granted, and the JS layer writes nothing to storage and sends nothing.
// A fresh Consent (source "default", no timestamp) keeps the on-device
// purposes granted and measurement pending: what an SDK that never sends
// anything unasked has always done. Hosts that must ask first set pending.
#ifndef HEARTH_CONSENT_CONSENT_H_
#define HEARTH_CONSENT_CONSENT_H_

#include <array>
#include <cstdint>
#include <string_view>

#include "absl/status/status.h"
#include "hearth/common/bytes.h"

namespace hearth {

enum class Purpose : uint8_t { kPersonalization, kGamification, kMeasurement };
inline constexpr int kPurposes = 3;
enum class ConsentState : uint8_t { kPending, kGranted, kDenied };
enum class ConsentSource : uint8_t { kDefault, kApi, kGpc, kConsentMode, kTcf };
inline constexpr int kConsentSources = 5;

std::string_view PurposeName(Purpose p);
std::string_view ConsentStateName(ConsentState s);
std::string_view ConsentSourceName(ConsentSource s);
bool ParsePurpose(std::string_view name, Purpose* out);
bool ParseConsentState(std::string_view name, ConsentState* out);
bool ParseConsentSource(std::string_view name, ConsentSource* out);

struct PurposeConsent {
  ConsentState state = ConsentState::kPending;
  int64_t ts_ms = -1;  // -1: never set
  ConsentSource source = ConsentSource::kDefault;
};

class Consent {
 public:
  const PurposeConsent& get(Purpose p) const { return purposes_[static_cast<int>(p)]; }
  ConsentState state(Purpose p) const { return get(p).state; }
  bool granted(Purpose p) const { return state(p) == ConsentState::kGranted; }
  bool denied(Purpose p) const { return state(p) == ConsentState::kDenied; }

  // Records a decision. `ts_ms` is when it was made (validated by the caller).
  void Set(Purpose p, ConsentState s, ConsentSource source, int64_t ts_ms) {
    purposes_[static_cast<int>(p)] = PurposeConsent{s, ts_ms, source};
  }

  // Snapshot section body (tag 6): per purpose u8 state, u8 source, i64 ts.
  void Encode(ByteWriter* w) const;
  // All or nothing into `out`; DATA_LOSS naming the damage.
  static absl::Status Decode(ByteReader* r, Consent* out);

  bool operator==(const Consent& o) const;

 private:
  std::array<PurposeConsent, kPurposes> purposes_{
      PurposeConsent{ConsentState::kGranted, -1, ConsentSource::kDefault},
      PurposeConsent{ConsentState::kGranted, -1, ConsentSource::kDefault},
      PurposeConsent{ConsentState::kPending, -1, ConsentSource::kDefault}};
};

}  // namespace hearth

#endif  // HEARTH_CONSENT_CONSENT_H_
