#include "hearth/engine/batch.h"

#include <cmath>
#include <limits>

#include "absl/strings/str_cat.h"
#include "hearth/common/bytes.h"
#include "hearth/common/json.h"
#include "simdjson.h"

namespace hearth {
namespace {

namespace od = simdjson::ondemand;

// One parsed event with its own storage (TrackEvent holds views).
struct OwnedEvent {
  std::string type, item, id, query;
  double ts = std::numeric_limits<double>::quiet_NaN();
  double value = std::numeric_limits<double>::quiet_NaN();
  double quantity = 1;
  bool deal = false;
  double tz = 0;        // tzOffsetMinutes
  std::string context;  // raw JSON object text, "" when absent
  std::string error;  // non-empty: rejected while parsing

  // An event without "ts" happened now.
  TrackEvent View(double now_ms) const {
    return TrackEvent{type, item, id, std::isnan(ts) ? now_ms : ts, query, value, quantity, deal,
                      static_cast<int32_t>(tz), context};
  }
};

// Reads one event object. Returns a document-level simdjson error, or
// SUCCESS (with ev->error set when the event itself is malformed).
simdjson::error_code ReadEvent(od::value v, OwnedEvent* ev) {
  od::object obj;
  if (auto e = v.get_object().get(obj)) {
    if (!IsValueError(e)) return e;
    ev->error = "each event must be an object";
    return simdjson::SUCCESS;
  }
  for (auto field_result : obj) {
    od::field field;
    if (auto e = std::move(field_result).get(field)) return e;
    std::string_view key;
    if (auto e = field.unescaped_key().get(key)) {
      if (!IsValueError(e)) return e;
      ev->error = "event field names must be valid strings";
      continue;
    }
    od::value fv = field.value();
    simdjson::error_code e = simdjson::SUCCESS;
    std::string_view s;
    if (key == "type" || key == "item" || key == "id" || key == "query") {
      e = fv.get_string().get(s);
      if (!e) {
        std::string& out = key == "type" ? ev->type : key == "item" ? ev->item : key == "id" ? ev->id : ev->query;
        out.assign(s);
      }
    } else if (key == "ts") {
      e = fv.get_double().get(ev->ts);
    } else if (key == "value") {
      e = fv.get_double().get(ev->value);
    } else if (key == "quantity") {
      e = fv.get_double().get(ev->quantity);
    } else if (key == "deal") {
      e = fv.get_bool().get(ev->deal);
    } else if (key == "tzOffsetMinutes") {
      e = fv.get_double().get(ev->tz);
      if (!e && (!(ev->tz >= -840 && ev->tz <= 840) || ev->tz != std::floor(ev->tz)) && ev->error.empty())
        ev->error = "tzOffsetMinutes must be a whole number of minutes from -840 to 840";
    } else if (key == "context") {
      od::object ctx;
      e = fv.get_object().get(ctx);
      std::string_view raw;
      if (!e) e = ctx.raw_json().get(raw);
      if (!e) ev->context.assign(raw);
    } else if (ev->error.empty()) {
      ev->error = absl::StrCat("unknown event field '", key.substr(0, 40),
                               "'; use type, item, id, ts, query, value, quantity, deal, tzOffsetMinutes or context");
      continue;
    }
    if (e) {
      if (!IsValueError(e)) return e;
      if (ev->error.empty())
        ev->error = absl::StrCat("event field '", key, "' has the wrong type (", simdjson::error_message(e), ")");
    }
  }
  return simdjson::SUCCESS;
}

// Reads one packed event (views into `r`'s input). False: truncated or a
// malformed fixed field (deal not 0/1).
bool ReadPacked(ByteReader* r, TrackEvent* e) {
  uint8_t deal;
  uint32_t tz;
  if (!r->F64(&e->ts_ms) || !r->F64(&e->value) || !r->F64(&e->quantity) || !r->U8(&deal) || deal > 1 ||
      !r->U32(&tz))
    return false;
  e->deal = deal == 1;
  e->tz_offset_min = static_cast<int32_t>(tz);  // two's complement; Engine::Track checks the range
  for (std::string_view* s : {&e->type, &e->item, &e->id, &e->query, &e->context_json}) {
    uint32_t n;
    if (!r->U32(&n) || !r->Raw(s, n)) return false;
  }
  return true;
}

// The smallest packed event: three f64, a u8, the i32 offset and five empty
// strings.
constexpr size_t kMinPackedEventBytes = 3 * 8 + 1 + 4 + 5 * 4;

}  // namespace

void AppendPackedEvent(const TrackEvent& e, std::string* out) {
  ByteWriter w;
  w.Reserve(kMinPackedEventBytes + e.type.size() + e.item.size() + e.id.size() + e.query.size() +
            e.context_json.size());
  w.F64(e.ts_ms);
  w.F64(e.value);
  w.F64(e.quantity);
  w.U8(e.deal ? 1 : 0);
  w.U32(static_cast<uint32_t>(e.tz_offset_min));
  for (std::string_view s : {e.type, e.item, e.id, e.query, e.context_json}) w.Str(s);
  out->append(w.data());
}

absl::StatusOr<BatchResult> TrackPacked(Engine& engine, std::string_view packed, double now_ms) {
  if (auto s = ValidateNow(now_ms); !s.ok()) return s;
  // Check the whole layout first, so a damaged batch records nothing; then
  // decode again and apply (views only: no per-event allocation).
  size_t count = 0;
  {
    ByteReader r(packed);
    TrackEvent e;
    while (!r.done()) {
      if (!ReadPacked(&r, &e))
        return absl::InvalidArgumentError(
            absl::StrCat("packed event batch is truncated at event ", count, "; nothing was recorded"));
      if (++count > kMaxBatchEvents)
        return absl::ResourceExhaustedError(
            absl::StrCat("an event batch holds at most ", kMaxBatchEvents, " events; split it; nothing was recorded"));
    }
  }
  BatchResult result;
  ByteReader r(packed);
  for (size_t i = 0; i < count; ++i) {
    TrackEvent e;
    ReadPacked(&r, &e);  // checked above
    auto outcome = engine.Track(e, now_ms);
    if (!outcome.ok()) {
      result.rejected.push_back({static_cast<int64_t>(i), outcome.status()});
    } else if (*outcome == TrackOutcome::kDuplicate) {
      ++result.duplicates;
    } else {
      ++result.recorded;
    }
  }
  return result;
}

absl::StatusOr<BatchResult> TrackBatch(Engine& engine, std::string_view json, double now_ms) {
  if (auto s = ValidateNow(now_ms); !s.ok()) return s;
  simdjson::padded_string padded(json);
  od::parser parser;
  od::document doc;
  od::array arr;
  auto bad = [](simdjson::error_code e) {
    return absl::InvalidArgumentError(absl::StrCat("event batch is not a valid JSON array of events: ",
                                                   simdjson::error_message(e), "; nothing was recorded"));
  };
  if (auto e = parser.iterate(padded).get(doc)) return bad(e);
  if (auto e = doc.get_array().get(arr)) return bad(e);
  std::vector<OwnedEvent> events;
  for (auto element : arr) {
    od::value v;
    if (auto e = std::move(element).get(v)) return bad(e);
    if (events.size() == kMaxBatchEvents)
      return absl::ResourceExhaustedError(
          absl::StrCat("an event batch holds at most ", kMaxBatchEvents, " events; split it; nothing was recorded"));
    events.emplace_back();
    if (auto e = ReadEvent(v, &events.back())) return bad(e);
  }
  const char* rest;
  if (doc.current_location().get(rest) == simdjson::SUCCESS) return bad(simdjson::TRAILING_CONTENT);

  BatchResult result;
  for (size_t i = 0; i < events.size(); ++i) {
    const OwnedEvent& ev = events[i];
    if (!ev.error.empty()) {
      result.rejected.push_back({static_cast<int64_t>(i), absl::InvalidArgumentError(ev.error)});
      continue;
    }
    auto r = engine.Track(ev.View(now_ms), now_ms);
    if (!r.ok()) {
      result.rejected.push_back({static_cast<int64_t>(i), r.status()});
    } else if (*r == TrackOutcome::kDuplicate) {
      ++result.duplicates;
    } else {
      ++result.recorded;
    }
  }
  return result;
}

}  // namespace hearth
