// Shared Embind glue: absl::Status to a plain {code, message} object that the
// JS layer turns into a HearthError, and bytes in and out.
#ifndef HEARTH_BINDINGS_COMMON_H_
#define HEARTH_BINDINGS_COMMON_H_

#include <emscripten/val.h>

#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace hearth::bindings {

// "INVALID_ARGUMENT", "NOT_FOUND", ... — the absl code names, which are also
// HearthError codes on the JS side.
inline const char* CodeName(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kOk: return "OK";
    case absl::StatusCode::kCancelled: return "CANCELLED";
    case absl::StatusCode::kInvalidArgument: return "INVALID_ARGUMENT";
    case absl::StatusCode::kDeadlineExceeded: return "DEADLINE_EXCEEDED";
    case absl::StatusCode::kNotFound: return "NOT_FOUND";
    case absl::StatusCode::kAlreadyExists: return "ALREADY_EXISTS";
    case absl::StatusCode::kPermissionDenied: return "PERMISSION_DENIED";
    case absl::StatusCode::kResourceExhausted: return "RESOURCE_EXHAUSTED";
    case absl::StatusCode::kFailedPrecondition: return "FAILED_PRECONDITION";
    case absl::StatusCode::kAborted: return "ABORTED";
    case absl::StatusCode::kOutOfRange: return "OUT_OF_RANGE";
    case absl::StatusCode::kUnimplemented: return "UNIMPLEMENTED";
    case absl::StatusCode::kDataLoss: return "DATA_LOSS";
    case absl::StatusCode::kUnauthenticated: return "UNAUTHENTICATED";
    default: return "INTERNAL";
  }
}

// {code, message} for a failed status, null for OK.
inline emscripten::val ErrorOrNull(const absl::Status& s) {
  if (s.ok()) return emscripten::val::null();
  emscripten::val e = emscripten::val::object();
  e.set("code", CodeName(s.code()));
  e.set("message", std::string(s.message()));
  return e;
}

// {error: {code, message}} — the shape of a failed call that returns data.
inline emscripten::val Failure(const absl::Status& s) {
  emscripten::val out = emscripten::val::object();
  out.set("error", ErrorOrNull(s));
  return out;
}

// An owned Uint8Array copy of `bytes` (the view is only valid until the
// next allocation, so it is sliced before returning).
inline emscripten::val BytesOut(std::string_view bytes) {
  return emscripten::val(emscripten::typed_memory_view(bytes.size(), reinterpret_cast<const uint8_t*>(bytes.data())))
      .call<emscripten::val>("slice");
}

// Bytes from JS: a Uint8Array is copied into the wasm heap with one
// HEAPU8.set (Embind's own std::string conversion copies byte by byte in
// 3.1.6); a string goes through Embind's UTF-8 encoder.
inline std::string BytesIn(const emscripten::val& input) {
  if (input.isString()) return input.as<std::string>();
  const size_t n = input["length"].as<size_t>();
  std::string out(n, '\0');
  emscripten::val(emscripten::typed_memory_view(n, reinterpret_cast<uint8_t*>(out.data()))).call<void>("set", input);
  return out;
}

inline emscripten::val StringArray(const std::vector<std::string>& v) {
  emscripten::val a = emscripten::val::array();
  for (size_t i = 0; i < v.size(); ++i) a.set(i, v[i]);
  return a;
}

}  // namespace hearth::bindings

#endif  // HEARTH_BINDINGS_COMMON_H_
