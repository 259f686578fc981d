// Embind glue for recommendations: recommend() and feedback().
#include <emscripten/bind.h>

#include "absl/strings/str_cat.h"
#include "bindings/context.h"
#include "bindings/engine_handle.h"

namespace hearth::bindings {
namespace {

// Returns [{item, score, reason, propensity, arm}] or {error}.
val Recommend(EngineHandle& h, const std::string& slot, double count, double now_ms, const val& exclude,
              const val& pin, bool include_purchased) {
  RecommendRequest r;
  if (!ParseSlot(slot, &r.slot))
    return Failure(absl::InvalidArgumentError(
        absl::StrCat("unknown slot '", slot.substr(0, 40), "'; use for_you or wow")));
  if (!(count >= 1) || count != static_cast<double>(static_cast<int64_t>(count)))
    return Failure(absl::InvalidArgumentError("count must be a whole number of at least 1"));
  r.count = count > kMaxCount ? kMaxCount : static_cast<int>(count);
  r.now_ms = static_cast<int64_t>(now_ms);
  r.exclude = emscripten::vecFromJSArray<std::string>(exclude);
  r.pin = emscripten::vecFromJSArray<std::string>(pin);
  r.include_purchased = include_purchased;
  auto picks = h.engine().Recommend(r);
  if (!picks.ok()) return Failure(picks.status());
  val out = val::array();
  for (size_t i = 0; i < picks->size(); ++i) {
    const Pick& p = (*picks)[i];
    val o = val::object();
    o.set("item", p.item);
    o.set("score", p.score);
    o.set("reason", p.reason);
    o.set("propensity", p.propensity);
    o.set("arm", p.arm);
    out.set(i, o);
  }
  return out;
}

// null or {code, message}.
val Feedback(EngineHandle& h, const std::string& item, const std::string& slot, const std::string& outcome,
             double now_ms) {
  FeedbackEvent e;
  e.item = item;
  e.now_ms = static_cast<int64_t>(now_ms);
  if (!ParseSlot(slot, &e.slot))
    return ErrorOrNull(absl::InvalidArgumentError(absl::StrCat("unknown slot '", slot.substr(0, 40), "'; use for_you or wow")));
  if (!ParseOutcome(outcome, &e.outcome))
    return ErrorOrNull(absl::InvalidArgumentError(
        absl::StrCat("unknown outcome '", outcome.substr(0, 40), "'; use click, dismiss or purchase")));
  return ErrorOrNull(h.engine().Feedback(e));
}

// null or {code, message}; on error the loaded promotions stay.
val LoadPromotions(EngineHandle& h, const val& input) { return ErrorOrNull(h.engine().LoadPromotions(BytesIn(input))); }

// null or {code, message}; on error the loaded priors stay.
val LoadPriors(EngineHandle& h, const val& input) { return ErrorOrNull(h.engine().LoadPriors(BytesIn(input))); }

// context: see bindings/context.h. Returns [{item, score, reason,
// propensity, arm, promotion, discount, campaign?: {id, arm}}] or {error}.
val RecommendDeals(EngineHandle& h, double count, double now_ms, const val& exclude, const val& context) {
  if (!(count >= 1) || count != static_cast<double>(static_cast<int64_t>(count)))
    return Failure(absl::InvalidArgumentError("count must be a whole number of at least 1"));
  const DealContext ctx = ContextFromJs(context);
  auto deals = h.engine().RecommendDeals(ctx, static_cast<int64_t>(now_ms),
                                         count > kMaxCount ? kMaxCount : static_cast<int>(count),
                                         emscripten::vecFromJSArray<std::string>(exclude));
  if (!deals.ok()) return Failure(deals.status());
  val out = val::array();
  for (size_t i = 0; i < deals->size(); ++i) {
    const Deal& d = (*deals)[i];
    val o = val::object();
    o.set("item", d.pick.item);
    o.set("score", d.pick.score);
    o.set("reason", d.pick.reason);
    o.set("propensity", d.pick.propensity);
    o.set("arm", d.pick.arm);
    o.set("promotion", d.promotion);
    o.set("discount", d.discount);
    if (!d.campaign.empty()) {
      val c = val::object();
      c.set("id", d.campaign);
      c.set("arm", std::string("treatment"));
      o.set("campaign", c);
    }
    out.set(i, o);
  }
  return out;
}

}  // namespace

EMSCRIPTEN_BINDINGS(hearth_rank) {
  emscripten::function("loadPromotions", &LoadPromotions);
  emscripten::function("loadPriors", &LoadPriors);
  emscripten::function("recommendDeals", &RecommendDeals);
  emscripten::function("recommend", &Recommend);
  emscripten::function("feedback", &Feedback);
}

}  // namespace hearth::bindings
