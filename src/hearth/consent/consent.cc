#include "hearth/consent/consent.h"

namespace hearth {
namespace {

constexpr std::string_view kPurposeNames[kPurposes] = {"personalization", "gamification", "measurement"};
constexpr std::string_view kStateNames[3] = {"pending", "granted", "denied"};
constexpr std::string_view kSourceNames[kConsentSources] = {"default", "api", "gpc", "consent_mode", "tcf"};

template <typename E, size_t N>
bool Lookup(const std::string_view (&names)[N], std::string_view name, E* out) {
  for (size_t i = 0; i < N; ++i)
    if (names[i] == name) {
      *out = static_cast<E>(i);
      return true;
    }
  return false;
}

}  // namespace

std::string_view PurposeName(Purpose p) { return kPurposeNames[static_cast<int>(p)]; }
std::string_view ConsentStateName(ConsentState s) { return kStateNames[static_cast<int>(s)]; }
std::string_view ConsentSourceName(ConsentSource s) { return kSourceNames[static_cast<int>(s)]; }
bool ParsePurpose(std::string_view name, Purpose* out) { return Lookup(kPurposeNames, name, out); }
bool ParseConsentState(std::string_view name, ConsentState* out) { return Lookup(kStateNames, name, out); }
bool ParseConsentSource(std::string_view name, ConsentSource* out) { return Lookup(kSourceNames, name, out); }

void Consent::Encode(ByteWriter* w) const {
  w->U8(kPurposes);
  for (const PurposeConsent& p : purposes_) {
    w->U8(static_cast<uint8_t>(p.state));
    w->U8(static_cast<uint8_t>(p.source));
    w->I64(p.ts_ms);
  }
}

absl::Status Consent::Decode(ByteReader* r, Consent* out) {
  Consent staged;
  uint8_t n;
  if (!r->U8(&n) || n != kPurposes) return absl::DataLossError("snapshot is corrupt (consent purpose count)");
  for (PurposeConsent& p : staged.purposes_) {
    uint8_t state, source;
    if (!r->U8(&state) || !r->U8(&source) || !r->I64(&p.ts_ms))
      return absl::DataLossError("snapshot is corrupt (truncated consent)");
    if (state > 2 || source >= kConsentSources || p.ts_ms < -1 || p.ts_ms > 253402300799999LL)
      return absl::DataLossError("snapshot is corrupt (consent out of range)");
    p.state = static_cast<ConsentState>(state);
    p.source = static_cast<ConsentSource>(source);
  }
  *out = staged;
  return absl::OkStatus();
}

bool Consent::operator==(const Consent& o) const {
  for (int i = 0; i < kPurposes; ++i) {
    const PurposeConsent &a = purposes_[i], &b = o.purposes_[i];
    if (a.state != b.state || a.ts_ms != b.ts_ms || a.source != b.source) return false;
  }
  return true;
}

}  // namespace hearth
