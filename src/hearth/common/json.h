// Shared helpers for reading JSON with simdjson's on-demand API.
//
// Example:
//   if (auto e = value.get_double().get(d); e && !hearth::IsValueError(e))
//     return DocumentError(e);  // the document itself is broken
#ifndef HEARTH_COMMON_JSON_H_
#define HEARTH_COMMON_JSON_H_

#include <string>
#include <string_view>

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

// Opens the list a shop document holds: a top-level array, or the `field`
// array of a top-level object ({"promotions": [...]}). Returns "" on
// success, otherwise what is wrong with the document, for the caller's error
// message. `*top_is_array` tells whether trailing content must be checked.
inline std::string OpenDocumentList(simdjson::ondemand::document& doc, std::string_view field,
                                    simdjson::ondemand::array* out, bool* top_is_array) {
  simdjson::ondemand::json_type top;
  if (doc.type().get(top)) return "is not valid JSON";
  *top_is_array = top == simdjson::ondemand::json_type::array;
  if (top == simdjson::ondemand::json_type::object) {
    simdjson::ondemand::object obj;
    if (doc.get_object().get(obj) || obj.find_field_unordered(field).get_array().get(*out))
      return "has no \"" + std::string(field) + "\" array";
    return "";
  }
  if (doc.get_array().get(*out)) return "must be an array";
  return "";
}

}  // namespace hearth

#endif  // HEARTH_COMMON_JSON_H_
