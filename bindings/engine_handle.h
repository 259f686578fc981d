// The JS-facing engine handle, shared by the *_bindings.cc files.
#ifndef HEARTH_BINDINGS_ENGINE_HANDLE_H_
#define HEARTH_BINDINGS_ENGINE_HANDLE_H_

#include <emscripten/bind.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <string>

#include "bindings/common.h"
#include "hearth/engine/batch.h"
#include "hearth/engine/config.h"
#include "hearth/engine/engine.h"

namespace hearth::bindings {

using emscripten::val;

// The JS-facing handle. Holds the engine and the last error of the hot-path
// calls that return plain numbers (so that track() allocates no JS object).
class EngineHandle {
 public:
  // Default options always validate; `*` avoids linking StatusOr::value()'s
  // throw path (and absl::Status::ToString with it).
  EngineHandle() : engine_(*Engine::Create(ProfileConfig{})) {}

  // null, or {code, message} when the options are invalid (state unchanged).
  val Configure(const std::string& profile_json) {
    auto config = ParseProfileConfig(profile_json);
    if (!config.ok()) return ErrorOrNull(config.status());
    auto fresh = Engine::Create(*config);
    if (!fresh.ok()) return ErrorOrNull(fresh.status());
    engine_ = *std::move(fresh);
    return val::null();
  }

  // A Uint8Array view of this handle's packing buffer, at least `n` bytes,
  // for js/internal/packed.js to write events into (no string crosses
  // Embind per event). Valid until the wasm memory grows; null when `n` is
  // over the limit.
  val PackBuffer(double n) {
    if (!(n >= 0) || n > static_cast<double>(kMaxPackedBytes)) return val::null();
    if (pack_.size() < static_cast<size_t>(n)) pack_.resize(static_cast<size_t>(n));
    return val(emscripten::typed_memory_view(pack_.size(), reinterpret_cast<uint8_t*>(pack_.data())));
  }

  // The first `length` bytes of the packing buffer as one packed event batch
  // (hearth::TrackPacked); whole batches are in bindings/engine_bindings.cc.
  std::string_view Packed(double length) const {
    return std::string_view(pack_.data(), std::min(pack_.size(), static_cast<size_t>(std::max(0.0, length))));
  }

  // track() with the event already packed: one event, numbers only across the
  // boundary, and the revision in the same answer (a second call per event
  // for revision() cost as much as the event itself). Returns
  //   4 * revision + (2 if the game holds reward events to take, else 0)
  //                + (1 if the id was a duplicate, else 0)
  // after the event, or -1 when it was rejected: see lastError(). The reward
  // flag lets the JS call gameTakeRewards only when there is something to
  // take (the common event costs one call). Exact in a double up to a
  // revision of 2^51.
  double TrackPacked(double length, double now_ms) {
    auto r = hearth::TrackPacked(*engine_, Packed(length), now_ms);
    if (!r.ok()) {
      last_error_ = r.status();
      return -1;
    }
    if (!r->rejected.empty()) {
      last_error_ = r->rejected.front().status;
      return -1;
    }
    return 4 * static_cast<double>(engine_->revision()) + (engine_->pending_rewards() > 0 ? 2 : 0) +
           (r->recorded > 0 ? 0 : 1);
  }

  // A Uint8Array view of a document buffer of at least `n` bytes (plus the
  // kJsonPadding bytes simdjson reads past the end, zeroed), for a document
  // the JS layer writes straight into wasm memory (js/internal/input.js): a
  // catalog is then copied once, where Embind's string conversion or a
  // BytesIn copy plus the parser's padded copy made two or three copies. The
  // first `keep` bytes survive a regrowth (a string whose UTF-8 turned out
  // longer than first guessed). Valid until the next allocation; null when
  // `n` is over kMaxDocumentBytes (the caller then takes the copying path,
  // which reports the limit).
  val InputBuffer(double n, double keep) {
    if (!(n >= 0) || n > static_cast<double>(kMaxDocumentBytes)) return val::null();
    const size_t size = static_cast<size_t>(n);
    if (input_ == nullptr || input_capacity_ < size) {
      // Not std::string: resize() would zero-fill megabytes that JS
      // overwrites at once.
      std::unique_ptr<char[]> grown(new char[size + kJsonPadding]);
      const size_t kept = std::min({static_cast<size_t>(std::max(0.0, keep)), input_capacity_, size});
      if (input_ != nullptr && kept > 0) std::memcpy(grown.get(), input_.get(), kept);
      input_ = std::move(grown);
      input_capacity_ = size;
    }
    std::memset(input_.get() + input_capacity_, 0, kJsonPadding);
    return val(emscripten::typed_memory_view(input_capacity_, reinterpret_cast<uint8_t*>(input_.get())));
  }

  // The first `length` bytes of the document buffer (padded: readable
  // kJsonPadding bytes further), or an empty view when there is none.
  std::string_view Input(double length) const {
    if (input_ == nullptr) return {};
    return std::string_view(input_.get(), std::min(input_capacity_, static_cast<size_t>(std::max(0.0, length))));
  }

  // Frees the document buffer (a catalog can be megabytes; it is not kept).
  void ReleaseInput() {
    input_.reset();
    input_capacity_ = 0;
  }

  // This handle's address in wasm memory, for hearth_track_packed (see
  // engine_bindings.cc): track() calls that export directly.
  double Address() const { return static_cast<double>(reinterpret_cast<uintptr_t>(this)); }

  val LastError() const { return ErrorOrNull(last_error_); }

  val Profile(double now_ms) const {
    if (auto s = ValidateNow(now_ms); !s.ok()) return Failure(s);
    const ProfileSummary p = engine_->Summarize(static_cast<int64_t>(now_ms));
    val out = val::object();
    val interests = val::array();
    for (size_t i = 0; i < p.interests.size(); ++i) {
      val it = val::object();
      it.set("feature", p.interests[i].feature);
      it.set("label", p.interests[i].label);
      it.set("kind", p.interests[i].kind);
      it.set("weight", p.interests[i].weight);
      interests.set(i, it);
    }
    out.set("interests", interests);
    out.set("segment", p.segment);
    val rfm = val::object();
    rfm.set("daysSinceActive", p.days_since_active < 0 ? val::null() : val(p.days_since_active));
    rfm.set("daysSincePurchase", p.days_since_purchase < 0 ? val::null() : val(p.days_since_purchase));
    rfm.set("purchases90d", p.purchases_90d);
    rfm.set("purchasesTotal", static_cast<double>(p.purchases_total));
    rfm.set("monetaryTotal", p.monetary_total);
    rfm.set("eventsTotal", static_cast<double>(p.events_total));
    out.set("rfm", rfm);
    out.set("likes", StringArray(p.likes));
    out.set("dislikes", StringArray(p.dislikes));
    out.set("summary", StringArray(p.sentences));
    return out;
  }

  val SetPreferences(val likes, val dislikes) {
    return ErrorOrNull(engine_->SetPreferences(emscripten::vecFromJSArray<std::string>(likes),
                                               emscripten::vecFromJSArray<std::string>(dislikes)));
  }
  val AddPreference(const std::string& word, bool like) { return ErrorOrNull(engine_->AddPreference(word, like)); }
  val Forget(const std::string& what) { return ErrorOrNull(engine_->Forget(what)); }
  double Revision() const { return static_cast<double>(engine_->revision()); }
  // Seeds the engine's randomness (an integer below 2^53 from JS).
  void Seed(double seed) { engine_->Seed(static_cast<uint64_t>(seed)); }

  Engine& engine() { return *engine_; }

 private:
  static constexpr size_t kMaxPackedBytes = 256u << 20;

  std::unique_ptr<Engine> engine_;
  absl::Status last_error_;
  std::string pack_;
  std::unique_ptr<char[]> input_;  // InputBuffer(); input_capacity_ + kJsonPadding bytes
  size_t input_capacity_ = 0;
};

}  // namespace hearth::bindings

#endif  // HEARTH_BINDINGS_ENGINE_HANDLE_H_
