#include "hearth/consent/consent.h"

#include <string>

#include "gtest/gtest.h"
#include "hearth/common/hash.h"
#include "hearth/engine/engine.h"
#include "hearth/snapshot/snapshot.h"
#include "tests/cpp/engine/test_catalog.h"

namespace hearth {
namespace {

using ::hearth::testing::kNow;
using ::hearth::testing::ShopEngine;

TEST(ConsentTest, NamesRoundTrip) {
  for (int i = 0; i < kPurposes; ++i) {
    Purpose p;
    ASSERT_TRUE(ParsePurpose(PurposeName(static_cast<Purpose>(i)), &p));
    EXPECT_EQ(static_cast<int>(p), i);
  }
  for (int i = 0; i < kConsentSources; ++i) {
    ConsentSource s;
    ASSERT_TRUE(ParseConsentSource(ConsentSourceName(static_cast<ConsentSource>(i)), &s));
    EXPECT_EQ(static_cast<int>(s), i);
  }
  ConsentState st;
  EXPECT_TRUE(ParseConsentState("denied", &st));
  EXPECT_EQ(st, ConsentState::kDenied);
  EXPECT_FALSE(ParseConsentState("yes", &st));
  Purpose p;
  EXPECT_FALSE(ParsePurpose("marketing", &p));
}

TEST(ConsentTest, StartsWithOnDevicePurposesGrantedAndMeasurementPending) {
  Consent c;
  EXPECT_EQ(c.state(Purpose::kPersonalization), ConsentState::kGranted);
  EXPECT_EQ(c.state(Purpose::kGamification), ConsentState::kGranted);
  EXPECT_EQ(c.state(Purpose::kMeasurement), ConsentState::kPending);
  for (int i = 0; i < kPurposes; ++i) {
    EXPECT_EQ(c.get(static_cast<Purpose>(i)).ts_ms, -1);
    EXPECT_EQ(c.get(static_cast<Purpose>(i)).source, ConsentSource::kDefault);
  }
}

TEST(ConsentTest, EncodesAndDecodesAllOrNothing) {
  Consent c;
  c.Set(Purpose::kMeasurement, ConsentState::kDenied, ConsentSource::kGpc, kNow);
  c.Set(Purpose::kPersonalization, ConsentState::kGranted, ConsentSource::kConsentMode, kNow + 1);
  ByteWriter w;
  c.Encode(&w);
  Consent back;
  ByteReader r(w.data());
  ASSERT_TRUE(Consent::Decode(&r, &back).ok());
  EXPECT_TRUE(back == c);

  std::string bad = w.data();
  bad[1] = 7;  // personalization state out of range
  Consent untouched;
  ByteReader rb(bad);
  EXPECT_EQ(Consent::Decode(&rb, &untouched).code(), absl::StatusCode::kDataLoss);
  EXPECT_TRUE(untouched == Consent());
}

// Splits a snapshot payload into its sections and puts it back together, so
// tests can damage or drop one section and still pass the checksum.
struct Sections {
  uint64_t revision = 0;
  std::vector<std::pair<uint16_t, std::string>> list;

  static Sections Of(const std::string& blob) {
    Sections s;
    ByteReader r(std::string_view(blob).substr(kSnapshotHeaderBytes));
    EXPECT_TRUE(r.U64(&s.revision));
    while (!r.done()) {
      uint16_t tag;
      uint32_t len;
      std::string_view body;
      EXPECT_TRUE(r.U16(&tag) && r.U32(&len) && r.Raw(&body, len));
      s.list.emplace_back(tag, std::string(body));
    }
    return s;
  }
  std::string Blob(uint16_t version) const {
    ByteWriter payload;
    payload.U64(revision);
    for (const auto& [tag, body] : list) {
      payload.U16(tag);
      payload.U32(static_cast<uint32_t>(body.size()));
      payload.Raw(body);
    }
    ByteWriter out;
    out.Raw("HRTH");
    out.U16(version);
    out.U16(0);
    out.U32(static_cast<uint32_t>(payload.size()));
    out.U32(Crc32(payload.data()));
    out.Raw(payload.data());
    return out.Take();
  }
};

TEST(ConsentSnapshotTest, AFormat2BlobRestoresWithFreshConsentAndLedger) {
  auto e = ShopEngine();
  ASSERT_TRUE(e->SetConsent(Purpose::kMeasurement, ConsentState::kGranted, ConsentSource::kApi, kNow).ok());
  Sections s = Sections::Of(e->ExportSnapshot());
  ASSERT_EQ(s.list.size(), 5u);
  EXPECT_EQ(s.list[3].first, 6);
  EXPECT_EQ(s.list[4].first, 7);
  s.list.resize(3);  // what format 2 wrote
  auto back = ShopEngine();
  ASSERT_TRUE(back->SetConsent(Purpose::kPersonalization, ConsentState::kDenied, ConsentSource::kApi, kNow).ok());
  ASSERT_TRUE(back->RestoreSnapshot(s.Blob(2)).ok());
  EXPECT_TRUE(back->consent() == Consent());
  EXPECT_TRUE(back->privacy().ledger().empty());
}

TEST(ConsentSnapshotTest, PrivacySectionsInAFormat2BlobAreRejected) {
  auto e = ShopEngine();
  const Sections s = Sections::Of(e->ExportSnapshot());
  auto back = ShopEngine();
  EXPECT_EQ(back->RestoreSnapshot(s.Blob(2)).code(), absl::StatusCode::kDataLoss);
}

TEST(ConsentSnapshotTest, ACorruptPrivacySectionIsRejectedAndChangesNothing) {
  auto e = ShopEngine();
  ASSERT_TRUE(e->SetConsent(Purpose::kMeasurement, ConsentState::kGranted, ConsentSource::kApi, kNow).ok());
  const std::string good = e->ExportSnapshot();
  struct Case {
    const char* name;
    size_t section;
    size_t offset;
    char value;
  };
  constexpr Case kCases[] = {
      {"consent state", 3, 1, 9},
      {"consent source", 3, 2, 9},
      {"ledger count", 4, 3, 0x7f},
      {"outbox count", 4, 7, 0x7f},
  };
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.name);
    Sections s = Sections::Of(good);
    s.list[c.section].second[c.offset] = c.value;
    auto target = ShopEngine();
    ASSERT_TRUE(target->SetConsent(Purpose::kGamification, ConsentState::kDenied, ConsentSource::kTcf, kNow).ok());
    const std::string before = target->ExportSnapshot();
    const absl::Status st = target->RestoreSnapshot(s.Blob(kSnapshotFormat));
    EXPECT_EQ(st.code(), absl::StatusCode::kDataLoss) << st;
    EXPECT_EQ(target->ExportSnapshot(), before);
  }
}

}  // namespace
}  // namespace hearth
