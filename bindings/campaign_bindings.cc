// Embind glue for campaigns: load, list, active (records exposures) and the
// local outcome table. Conversion only — every decision lives in
// src/hearth/campaign/.
#include <emscripten/bind.h>

#include "bindings/context.h"
#include "bindings/engine_handle.h"

namespace hearth::bindings {
namespace {

// {type, ...fields of that type}.
val ActionOut(const CampaignAction& a) {
  val o = val::object();
  o.set("type", std::string(CampaignActionTypeName(a.type)));
  switch (a.type) {
    case CampaignActionType::kDeal:
      if (!a.promotion.empty()) o.set("promotion", a.promotion);
      if (!a.item.empty()) o.set("item", a.item);
      if (!a.category.empty()) o.set("category", a.category);
      if (a.promotion.empty()) o.set("discount", a.discount);
      break;
    case CampaignActionType::kWidget: {
      o.set("widget", a.widget);
      val params = val::object();
      for (const WidgetParam& p : a.params) {
        if (p.kind == WidgetParam::Kind::kString) params.set(p.key, p.text);
        else if (p.kind == WidgetParam::Kind::kNumber) params.set(p.key, p.number);
        else params.set(p.key, p.flag);
      }
      o.set("params", params);
      break;
    }
    case CampaignActionType::kContent:
      if (!a.slot.empty()) o.set("slot", a.slot);
      if (!a.items.empty()) o.set("items", StringArray(a.items));
      if (!a.category.empty()) o.set("category", a.category);
      break;
    case CampaignActionType::kMystery:
      o.set("mystery", a.mystery);
      break;
  }
  return o;
}

// {campaigns: n} or {error}; on error the loaded campaigns stay.
val LoadCampaigns(EngineHandle& h, const val& input) {
  if (auto s = h.engine().LoadCampaigns(BytesIn(input)); !s.ok()) return Failure(s);
  val out = val::object();
  out.set("campaigns", static_cast<double>(h.engine().campaigns().all().size()));
  return out;
}

// [{id, name, arm, eligible, exposures, conversions, capRemaining, holdout,
//   goal, action}] or {error}. capRemaining is null when uncapped.
val ListCampaigns(EngineHandle& h, double now_ms, const val& context) {
  auto list = h.engine().ListCampaigns(ContextFromJs(context), static_cast<int64_t>(now_ms));
  if (!list.ok()) return Failure(list.status());
  val out = val::array();
  for (size_t i = 0; i < list->size(); ++i) {
    const CampaignListing& l = (*list)[i];
    val o = val::object();
    o.set("id", l.campaign->id);
    o.set("name", l.campaign->name);
    o.set("arm", std::string(CampaignArmName(l.arm)));
    o.set("eligible", l.eligible);
    o.set("exposures", static_cast<double>(l.exposures));
    o.set("conversions", static_cast<double>(l.conversions));
    o.set("capRemaining", l.cap_remaining < 0 ? val::null() : val(static_cast<double>(l.cap_remaining)));
    o.set("holdout", l.campaign->holdout);
    o.set("goal", std::string(CampaignGoalName(l.campaign->goal)));
    o.set("action", ActionOut(l.campaign->action));
    out.set(i, o);
  }
  return out;
}

// [{id, name, arm: 'treatment', action}] or {error}. Records one exposure per
// applicable campaign (holdout devices get no entry but are counted).
val ActiveCampaigns(EngineHandle& h, double now_ms, const val& context) {
  auto active = h.engine().ActiveCampaigns(ContextFromJs(context), static_cast<int64_t>(now_ms));
  if (!active.ok()) return Failure(active.status());
  val out = val::array();
  for (size_t i = 0; i < active->size(); ++i) {
    const Campaign& c = *(*active)[i];
    val o = val::object();
    o.set("id", c.id);
    o.set("name", c.name);
    o.set("arm", std::string("treatment"));
    o.set("action", ActionOut(c.action));
    out.set(i, o);
  }
  return out;
}

// [{campaign, arm, day, exposed, converted}]: the engine's campaign_stats().
val CampaignStatsOut(EngineHandle& h) {
  val out = val::array();
  const CampaignStats& stats = h.engine().campaign_stats();
  for (size_t i = 0; i < stats.size(); ++i) {
    val o = val::object();
    o.set("campaign", stats[i].campaign_id);
    o.set("arm", std::string(CampaignArmName(stats[i].arm)));
    o.set("day", static_cast<double>(stats[i].day));
    o.set("exposed", stats[i].exposed);
    o.set("converted", stats[i].converted);
    out.set(i, o);
  }
  return out;
}

}  // namespace

EMSCRIPTEN_BINDINGS(hearth_campaign) {
  emscripten::function("loadCampaigns", &LoadCampaigns);
  emscripten::function("listCampaigns", &ListCampaigns);
  emscripten::function("activeCampaigns", &ActiveCampaigns);
  emscripten::function("campaignStats", &CampaignStatsOut);
}

}  // namespace hearth::bindings
