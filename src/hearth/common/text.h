// Small text helpers shared by the core: feature-key normalisation, ISO-8601
// timestamps and a JSON writer for user-facing exports.
//
// Example:
//   hearth::NormalizeKey("  Trail   Shoes ")    // "trail shoes"
//   hearth::ParseTimestamp("2026-11-25T10:00:00Z", &ms)
//   hearth::JsonWriter j; j.BeginObject(); j.Key("a"); j.Int(1); j.EndObject();
#ifndef HEARTH_COMMON_TEXT_H_
#define HEARTH_COMMON_TEXT_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace hearth {

// Lower-cases ASCII letters, trims, and collapses runs of whitespace into one
// space. Non-ASCII bytes pass through unchanged (feature keys stay UTF-8).
std::string NormalizeKey(std::string_view s);

// NormalizeKey(s) appended to `out`, for callers that build keys such as
// "tag:" + NormalizeKey(tag) in one reused buffer (no temporary string).
void AppendNormalizedKey(std::string_view s, std::string* out);

// Splits `s` into normalised word tokens (separators: whitespace and
// punctuation other than '-'). Used to match search queries to features.
std::vector<std::string> Tokenize(std::string_view s);

// Parses "YYYY-MM-DD", "YYYY-MM-DDTHH:MM[:SS[.fff]]Z" or with a "+HH:MM" /
// "-HH:MM" offset into milliseconds since the Unix epoch. Returns false on
// anything else (no locale, no guessing).
bool ParseTimestamp(std::string_view s, int64_t* ms);

// Days since 1970-01-01 of a proleptic Gregorian civil date (Howard Hinnant).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d);

// Minimal streaming JSON writer. Strings are escaped per RFC 8259; doubles
// that are not finite are written as null.
class JsonWriter {
 public:
  void BeginObject();
  void EndObject();
  void BeginArray();
  void EndArray();
  void Key(std::string_view k);
  void String(std::string_view s);
  void Int(int64_t v);
  void Double(double v);
  void Bool(bool v);
  void Null();
  const std::string& str() const { return out_; }

 private:
  void Separator();
  std::string out_;
  // One flag per open container: has it received a value yet?
  std::vector<bool> has_value_;
  bool after_key_ = false;
};

}  // namespace hearth

#endif  // HEARTH_COMMON_TEXT_H_
