// Shared helpers for reading JSON with simdjson's on-demand API.
//
// Example:
//   if (auto e = value.get_double().get(d); e && !hearth::IsValueError(e))
//     return DocumentError(e);  // the document itself is broken
#ifndef HEARTH_COMMON_JSON_H_
#define HEARTH_COMMON_JSON_H_

#include "simdjson.h"

namespace hearth {

// Errors that describe one value (wrong type, bad number, bad escape) leave
// the on-demand iterator usable, so the caller can reject that value (an item,
// an event) and go on. Anything else means the document itself is broken.
inline bool IsValueError(simdjson::error_code e) {
  switch (e) {
    case simdjson::INCORRECT_TYPE:
    case simdjson::NUMBER_ERROR:
    case simdjson::NUMBER_OUT_OF_RANGE:
    case simdjson::STRING_ERROR:
      return true;
    default:
      return false;
  }
}

}  // namespace hearth

#endif  // HEARTH_COMMON_JSON_H_
