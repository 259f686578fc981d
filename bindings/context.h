// The host's context object ({hour, weekday, weather, distanceKm, available,
// minor, tzOffsetMinutes}) as the core's DealContext, shared by the deals slot
// and campaigns. The JS layer has validated the types; the core checks ranges.
#ifndef HEARTH_BINDINGS_CONTEXT_H_
#define HEARTH_BINDINGS_CONTEXT_H_

#include <emscripten/val.h>

#include <optional>
#include <string>

#include "hearth/rank/promotions.h"

namespace hearth::bindings {

// `available` arrives as [[key, count], ...] (Object.entries in JS).
inline DealContext ContextFromJs(const emscripten::val& context) {
  DealContext ctx;
  if (context.isUndefined() || context.isNull()) return ctx;
  auto number = [&](const char* key) -> std::optional<double> {
    emscripten::val v = context[key];
    if (v.isUndefined() || v.isNull()) return std::nullopt;
    return v.as<double>();
  };
  if (auto v = number("hour")) ctx.hour = static_cast<int>(*v);
  if (auto v = number("weekday")) ctx.weekday = static_cast<int>(*v);
  if (auto v = number("distanceKm")) ctx.distance_km = *v;
  if (auto v = number("tzOffsetMinutes")) ctx.utc_offset_min = static_cast<int32_t>(*v);
  if (emscripten::val w = context["weather"]; w.isString()) ctx.weather = w.as<std::string>();
  if (emscripten::val m = context["minor"]; m.isTrue()) ctx.minor = true;
  if (emscripten::val a = context["available"]; !a.isUndefined() && !a.isNull()) {
    const size_t n = a["length"].as<size_t>();
    for (size_t i = 0; i < n; ++i) ctx.available.emplace_back(a[i][0].as<std::string>(), a[i][1].as<double>());
  }
  return ctx;
}

}  // namespace hearth::bindings

#endif  // HEARTH_BINDINGS_CONTEXT_H_
