#include "hearth/common/text.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hearth/common/bytes.h"
#include "hearth/common/hash.h"

namespace hearth {
namespace {

struct TimeCase {
  const char* text;
  bool ok;
  int64_t ms;
};

TEST(ParseTimestampTest, AcceptsIsoDatesAndRejectsTheRest) {
  constexpr TimeCase kCases[] = {
      {"1970-01-01", true, 0},
      {"2026-11-25", true, 1795564800000},
      {"2026-11-25T10:00:00Z", true, 1795600800000},
      {"2026-11-25T10:00Z", true, 1795600800000},
      {"2026-11-25T10:00:00.250Z", true, 1795600800250},
      {"2026-11-25T12:00:00+02:00", true, 1795600800000},
      {"2026-11-25T05:30:00-04:30", true, 1795600800000},
      {"2024-02-29", true, 1709164800000},
      {"2023-02-29", false, 0},
      {"2026-13-01", false, 0},
      {"2026-11-25T10:00:00", false, 0},  // no zone: ambiguous
      {"2026-11-25T24:00:00Z", false, 0},
      {"25/11/2026", false, 0},
      {"", false, 0},
      {"2026-11-25Tjunk", false, 0},
  };
  for (const TimeCase& c : kCases) {
    SCOPED_TRACE(c.text);
    int64_t ms = -1;
    EXPECT_EQ(ParseTimestamp(c.text, &ms), c.ok);
    if (c.ok) {
      EXPECT_EQ(ms, c.ms);
    }
  }
}

TEST(TextTest, NormalisesKeysAndTokenisesQueries) {
  EXPECT_EQ(NormalizeKey("  Trail   Shoes\t"), "trail shoes");
  EXPECT_THAT(Tokenize("Waterproof, TRAIL-running shoes!"),
              ::testing::ElementsAre("waterproof", "trail-running", "shoes"));
}

TEST(AppendNormalizedKeyTest, AppendsWhatNormalizeKeyReturns) {
  struct Case {
    const char* prefix;
    const char* input;
  };
  // Spaces at the start are dropped relative to the appended part, not to
  // the whole buffer; the long input takes the no-stack-buffer path.
  static const std::string kLong = "  Very " + std::string(300, 'X') + "  Long\t";
  const Case kCases[] = {
      {"tag:", "  Trail   Shoes\t"}, {"cat:shoes/", " Trail"}, {"", "ALREADY lower"},
      {"brand:", "   "},             {"brand:", ""},          {"x:", kLong.c_str()},
  };
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.input);
    std::string out = c.prefix;
    AppendNormalizedKey(c.input, &out);
    EXPECT_EQ(out, std::string(c.prefix) + NormalizeKey(c.input));
  }
}

TEST(JsonWriterTest, EscapesStrings) {
  JsonWriter j;
  j.BeginObject();
  j.Key("a\"b");
  j.String("line\nbreak\x01");
  j.Key("n");
  j.Double(NAN);
  j.EndObject();
  EXPECT_EQ(j.str(), R"({"a\"b":"line\nbreak\u0001","n":null})");
}

TEST(HashTest, MatchesPublishedVectors) {
  EXPECT_EQ(Crc32("123456789"), 0xCBF43926u);
  EXPECT_EQ(Crc32(""), 0u);
  EXPECT_EQ(Fnv1a64(""), 0xcbf29ce484222325ull);
  EXPECT_EQ(Fnv1a64("a"), 0xaf63dc4c8601ec8cull);
}

TEST(HashTest, SlicedCrcMatchesTheBitwiseDefinitionAtEveryLength) {
  auto bitwise = [](std::string_view d) {
    uint32_t c = 0xFFFFFFFFu;
    for (char ch : d) {
      c ^= static_cast<uint8_t>(ch);
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    }
    return c ^ 0xFFFFFFFFu;
  };
  std::string data;
  for (int i = 0; i < 67; ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(Crc32(data), bitwise(data));
    data.push_back(static_cast<char>(i * 37 + 11));
  }
}

TEST(BytesTest, WritesLittleEndianAndReadsItBack) {
  ByteWriter w;
  w.U8(0xAB);
  w.U16(0x1234);
  w.U32(0xDEADBEEF);
  w.U64(0x0102030405060708ull);
  w.I64(-2);
  w.F32(1.5f);
  w.F64(-0.25);
  const size_t patch = w.size();
  w.U32(0);
  w.PatchU32(patch, 0xCAFEF00D);
  const std::string expected_prefix("\xAB\x34\x12\xEF\xBE\xAD\xDE\x08\x07\x06\x05\x04\x03\x02\x01", 15);
  EXPECT_EQ(w.data().substr(0, 15), expected_prefix);

  ByteReader r(w.data());
  uint8_t u8;
  uint16_t u16;
  uint32_t u32, patched;
  uint64_t u64;
  int64_t i64;
  float f32;
  double f64;
  ASSERT_TRUE(r.U8(&u8) && r.U16(&u16) && r.U32(&u32) && r.U64(&u64) && r.I64(&i64) && r.F32(&f32) &&
              r.F64(&f64) && r.U32(&patched));
  EXPECT_EQ(u8, 0xAB);
  EXPECT_EQ(u16, 0x1234);
  EXPECT_EQ(u32, 0xDEADBEEFu);
  EXPECT_EQ(u64, 0x0102030405060708ull);
  EXPECT_EQ(i64, -2);
  EXPECT_EQ(f32, 1.5f);
  EXPECT_EQ(f64, -0.25);
  EXPECT_EQ(patched, 0xCAFEF00Du);
  EXPECT_TRUE(r.done());
}

TEST(BytesTest, ReaderNeverReadsPastTheEnd) {
  ByteWriter w;
  w.U32(5);
  w.Str("hello");
  ByteReader r(std::string_view(w.data()).substr(0, 7));
  uint32_t n;
  std::string s;
  EXPECT_TRUE(r.U32(&n));
  EXPECT_FALSE(r.Str(&s, 100));
  const std::string tail = w.data().substr(4);
  ByteReader limited(tail);
  EXPECT_FALSE(limited.Str(&s, 4));  // over the caller's limit
}

}  // namespace
}  // namespace hearth
