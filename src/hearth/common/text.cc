#include "hearth/common/text.h"

#include <cmath>
#include <cstdio>

namespace hearth {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool Digits(std::string_view s, size_t pos, size_t n, int* out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

}  // namespace

std::string NormalizeKey(std::string_view s) {
  std::string out;
  AppendNormalizedKey(s, &out);
  return out;
}

void AppendNormalizedKey(std::string_view s, std::string* out) {
  // Short inputs (every catalog name is) go through a stack buffer and one
  // append; longer ones are sized once and trimmed. No per-byte capacity
  // checks either way (the output is never longer than the input).
  char small[256];
  std::string_view::size_type base = out->size();
  char* begin;
  if (s.size() <= sizeof small) {
    begin = small;
  } else {
    out->resize(base + s.size());
    begin = &(*out)[0] + base;
  }
  char* w = begin;
  bool pending_space = false;
  for (char c : s) {
    if (IsSpace(c)) {
      pending_space = w != begin;
      continue;
    }
    if (pending_space) *w++ = ' ';
    pending_space = false;
    *w++ = Lower(c);
  }
  const size_t n = static_cast<size_t>(w - begin);
  if (begin == small) {
    out->append(small, n);
  } else {
    out->resize(base + n);
  }
}

std::vector<std::string> Tokenize(std::string_view s) {
  std::vector<std::string> tokens;
  std::string cur;
  for (char c : s) {
    unsigned char u = static_cast<unsigned char>(c);
    bool word = u >= 0x80 || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
                (c >= 'A' && c <= 'Z') || c == '-';
    if (word) {
      cur.push_back(Lower(c));
    } else if (!cur.empty()) {
      tokens.push_back(std::move(cur));
      cur.clear();
    }
  }
  if (!cur.empty()) tokens.push_back(std::move(cur));
  return tokens;
}

int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

bool ParseTimestamp(std::string_view s, int64_t* ms) {
  int y, mo, d;
  if (!Digits(s, 0, 4, &y) || s.size() < 10 || s[4] != '-' || !Digits(s, 5, 2, &mo) ||
      s[7] != '-' || !Digits(s, 8, 2, &d))
    return false;
  static constexpr int kDaysIn[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (mo < 1 || mo > 12 || d < 1 || d > kDaysIn[mo - 1]) return false;
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (mo == 2 && d == 29 && !leap) return false;
  int64_t total_ms = DaysFromCivil(y, mo, d) * 86400000LL;
  if (s.size() == 10) {
    *ms = total_ms;
    return true;
  }
  int hh, mm, ss = 0, frac = 0;
  if ((s[10] != 'T' && s[10] != ' ') || !Digits(s, 11, 2, &hh) || s.size() < 16 ||
      s[13] != ':' || !Digits(s, 14, 2, &mm))
    return false;
  size_t pos = 16;
  if (pos < s.size() && s[pos] == ':') {
    if (!Digits(s, pos + 1, 2, &ss)) return false;
    pos += 3;
    if (pos < s.size() && s[pos] == '.') {
      size_t start = ++pos;
      while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') ++pos;
      size_t n = pos - start;
      if (n == 0 || n > 9) return false;
      int scale = 1;
      int digits = 0;
      for (size_t i = start; i < start + 3 && i < pos; ++i) {
        frac = frac * 10 + (s[i] - '0');
        ++digits;
      }
      for (int i = digits; i < 3; ++i) scale *= 10;
      frac *= scale;
    }
  }
  if (hh > 23 || mm > 59 || ss > 60) return false;
  int offset_min = 0;
  if (pos >= s.size()) return false;  // a time without a zone is ambiguous
  if (s[pos] == 'Z' || s[pos] == 'z') {
    ++pos;
  } else if (s[pos] == '+' || s[pos] == '-') {
    int oh, om;
    if (!Digits(s, pos + 1, 2, &oh) || pos + 3 >= s.size() || s[pos + 3] != ':' ||
        !Digits(s, pos + 4, 2, &om) || oh > 23 || om > 59)
      return false;
    offset_min = (oh * 60 + om) * (s[pos] == '-' ? -1 : 1);
    pos += 6;
  } else {
    return false;
  }
  if (pos != s.size()) return false;
  total_ms += ((hh * 60LL + mm - offset_min) * 60 + ss) * 1000 + frac;
  *ms = total_ms;
  return true;
}

void JsonWriter::Separator() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (!has_value_.empty()) {
    if (has_value_.back()) out_.push_back(',');
    has_value_.back() = true;
  }
}

void JsonWriter::BeginObject() {
  Separator();
  out_.push_back('{');
  has_value_.push_back(false);
}
void JsonWriter::EndObject() {
  out_.push_back('}');
  has_value_.pop_back();
}
void JsonWriter::BeginArray() {
  Separator();
  out_.push_back('[');
  has_value_.push_back(false);
}
void JsonWriter::EndArray() {
  out_.push_back(']');
  has_value_.pop_back();
}
void JsonWriter::Key(std::string_view k) {
  String(k);
  out_.push_back(':');
  after_key_ = true;
}
void JsonWriter::String(std::string_view s) {
  Separator();
  out_.push_back('"');
  for (char c : s) {
    unsigned char u = static_cast<unsigned char>(c);
    switch (c) {
      case '"': out_ += "\\\""; break;
      case '\\': out_ += "\\\\"; break;
      case '\n': out_ += "\\n"; break;
      case '\r': out_ += "\\r"; break;
      case '\t': out_ += "\\t"; break;
      default:
        if (u < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", u);
          out_ += buf;
        } else {
          out_.push_back(c);
        }
    }
  }
  out_.push_back('"');
}
void JsonWriter::Int(int64_t v) {
  Separator();
  out_ += std::to_string(v);
}
void JsonWriter::Double(double v) {
  Separator();
  if (!std::isfinite(v)) {
    out_ += "null";
    return;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  out_ += buf;
}
void JsonWriter::Bool(bool v) {
  Separator();
  out_ += v ? "true" : "false";
}
void JsonWriter::Null() {
  Separator();
  out_ += "null";
}

}  // namespace hearth
