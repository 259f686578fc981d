#include "hearth/snapshot/snapshot.h"

#include <algorithm>
#include <cmath>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "hearth/catalog/catalog.h"
#include "hearth/common/bytes.h"
#include "hearth/common/hash.h"

namespace hearth {

// Reads and writes Profile's private state; the only friend it has.
class ProfileCodec {
 public:
  static void Write(const Profile& p, const absl::flat_hash_map<FeatureId, uint32_t>& local, ByteWriter* w);
  static absl::Status Read(ByteReader* r, size_t n_features, Profile* p);
  static void Remap(Profile* p, const std::vector<FeatureId>& ids);
};

namespace {

constexpr char kMagic[4] = {'H', 'R', 'T', 'H'};
enum SectionTag : uint16_t {
  kFeaturesSection = 1,
  kProfileSection = 2,
  kRankSection = 3,
  kGameSection = 4,              // format 3: ledger, streak, cards, badges, claims (game.h)
  kCampaignSection = 5,          // format 3: campaign arms, caps and outcomes (campaign.h)
  kConsentSection = 6,           // format 3: consent per purpose (consent.h)
  kReportsSection = 7,           // format 3: privacy ledger, outbox, activity (report/privacy.h)
  kCategoryLearningSection = 8,  // format 3: per-slot category click-through (rank.h)
};
constexpr size_t kMaxFeatureKeyBytes = 512;

absl::Status Corrupt(std::string_view what) {
  return absl::DataLossError(
      absl::StrCat("snapshot is corrupt (", what, "); it was not restored and the current state is unchanged"));
}

void BeginSection(ByteWriter* w, SectionTag tag, size_t* len_pos) {
  w->U16(tag);
  *len_pos = w->size();
  w->U32(0);
}

void EndSection(ByteWriter* w, size_t len_pos) {
  w->PatchU32(len_pos, static_cast<uint32_t>(w->size() - len_pos - 4));
}

bool ValidTime(int64_t ms) { return ms >= 0 && ms <= 253402300799999LL; }

// Format migrations: each step rewrites a payload of version v into v + 1.
// tests/cpp/snapshot keeps a golden v1 blob that must always restore. A step
// that rewrites puts the new payload in `*storage` and points `*payload` at
// it; the steps so far rewrite nothing, so a restore reads the blob in place
// (no copy of the whole payload).
absl::Status MigrateToCurrent(uint16_t version, std::string_view* /*payload*/, std::string* /*storage*/) {
  switch (version) {
    case 1:  // 1 → 2 added the optional rank section: a v1 payload is a valid
             // v2 payload without it (fresh bandit, no impressions).
    case 2:  // 2 → 3 added optional sections 4–8 (game, campaigns, consent,
             // privacy ledger, category learning): absent means fresh state.
    case 3:
      return absl::OkStatus();
  }
  return absl::FailedPreconditionError(absl::StrCat("snapshot format ", version, " has no migration"));
}

void WriteRank(const RankState& rank, const std::array<uint64_t, 4>& rng, ByteWriter* w) {
  for (const auto& slot : rank.arms)
    for (const ArmStats& a : slot) {
      w->F64(a.alpha);
      w->F64(a.beta);
    }
  for (const SlotDecision& d : rank.last) {
    w->U8(d.pending ? 1 : 0);
    w->U8(static_cast<uint8_t>(d.arm));
    w->U32(static_cast<uint32_t>(d.items.size()));
    for (const std::string& id : d.items) w->Str(id);
  }
  std::vector<std::pair<std::string_view, const Impression*>> imps;
  for (const auto& [id, imp] : rank.impressions) imps.emplace_back(id, &imp);
  std::sort(imps.begin(), imps.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  w->U32(static_cast<uint32_t>(imps.size()));
  for (const auto& [id, imp] : imps) {
    w->Str(id);
    w->U16(imp->shown_since_click);
    w->I64(imp->last_shown_ms);
    w->I64(imp->rest_until_ms);
  }
  const size_t n = rank.purchased.size();
  w->U32(static_cast<uint32_t>(n));
  for (size_t i = 0; i < n; ++i) w->Str(rank.purchased[(rank.purchased_next + i) % n]);
  for (uint64_t word : rng) w->U64(word);
}

void WriteCategoryLearning(const RankState& rank, ByteWriter* w) {
  for (const auto& map : rank.categories) {
    std::vector<std::pair<std::string_view, const CategoryStats*>> rows;
    for (const auto& [key, c] : map) rows.emplace_back(key, &c);
    std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    w->U32(static_cast<uint32_t>(rows.size()));
    for (const auto& [key, c] : rows) {
      w->Str(key);
      w->F64(c->shows);
      w->F64(c->clicks);
      w->I64(c->updated_ms);
    }
  }
}

absl::Status ReadCategoryLearning(ByteReader* r, RankState* rank) {
  for (auto& map : rank->categories) {
    uint32_t n;
    if (!r->U32(&n) || n > kMaxCategoryStats) return Corrupt("category learning too long or truncated");
    map.reserve(std::min<size_t>(n, r->remaining() / 28));  // a row is at least 28 bytes: no huge reserve from a lying count
    for (uint32_t i = 0; i < n; ++i) {
      std::string key;
      CategoryStats c;
      if (!r->Str(&key, kMaxFeatureKeyBytes) || !r->F64(&c.shows) || !r->F64(&c.clicks) || !r->I64(&c.updated_ms))
        return Corrupt("truncated category learning");
      if (!(c.shows >= 0 && c.shows < 1e12) || !(c.clicks >= 0 && c.clicks <= c.shows) || !ValidTime(c.updated_ms))
        return Corrupt("category learning out of range");
      if (!map.emplace(std::move(key), c).second) return Corrupt("category listed twice");
    }
  }
  return absl::OkStatus();
}

absl::Status ReadRank(ByteReader* r, SnapshotContents* out) {
  RankState& rank = out->rank;
  for (auto& slot : rank.arms)
    for (ArmStats& a : slot) {
      if (!r->F64(&a.alpha) || !r->F64(&a.beta)) return Corrupt("truncated bandit");
      if (!(a.alpha >= 1 && a.alpha < 1e12) || !(a.beta >= 1 && a.beta < 1e12)) return Corrupt("bandit out of range");
    }
  for (SlotDecision& d : rank.last) {
    uint8_t pending, arm;
    uint32_t n;
    if (!r->U8(&pending) || !r->U8(&arm) || !r->U32(&n)) return Corrupt("truncated decision");
    if (pending > 1 || arm >= kArms || n > static_cast<uint32_t>(kMaxCount)) return Corrupt("decision out of range");
    d.pending = pending == 1;
    d.arm = arm;
    d.items.resize(n);
    for (std::string& id : d.items)
      if (!r->Str(&id, kMaxIdBytes)) return Corrupt("truncated decision item");
  }
  uint32_t n;
  if (!r->U32(&n) || n > kMaxImpressions) return Corrupt("impressions too many or truncated");
  rank.impressions.reserve(std::min<size_t>(n, r->remaining() / 22));  // >= 22 bytes each; grown once, not log n times
  for (uint32_t i = 0; i < n; ++i) {
    std::string id;
    Impression imp;
    if (!r->Str(&id, kMaxIdBytes) || !r->U16(&imp.shown_since_click) || !r->I64(&imp.last_shown_ms) ||
        !r->I64(&imp.rest_until_ms))
      return Corrupt("truncated impression");
    if (!ValidTime(imp.last_shown_ms) || imp.rest_until_ms < 0) return Corrupt("impression time out of range");
    if (!rank.impressions.emplace(std::move(id), imp).second) return Corrupt("impression listed twice");
  }
  if (!r->U32(&n) || n > kPurchasedMemory) return Corrupt("purchase memory too long or truncated");
  for (uint32_t i = 0; i < n; ++i) {
    std::string id;
    if (!r->Str(&id, kMaxIdBytes)) return Corrupt("truncated purchase memory");
    rank.RememberPurchase(id);
  }
  for (uint64_t& word : out->rng_state)
    if (!r->U64(&word)) return Corrupt("truncated random state");
  out->has_rng = true;
  return absl::OkStatus();
}

}  // namespace

void ProfileCodec::Write(const Profile& p, const absl::flat_hash_map<FeatureId, uint32_t>& local, ByteWriter* w) {
  // Affinities in feature-key order so equal states encode to equal bytes.
  std::vector<std::pair<uint32_t, const Affinity*>> aff;
  for (const auto& [f, a] : p.affinities_) aff.emplace_back(local.at(f), &a);
  std::sort(aff.begin(), aff.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
  w->U32(static_cast<uint32_t>(aff.size()));
  for (const auto& [idx, a] : aff) {
    w->U32(idx);
    w->I64(a->updated_ms);
    for (float v : a->weight) w->F32(v);
  }
  for (uint64_t c : p.counts_) w->U64(c);
  w->I64(p.first_seen_ms_);
  w->I64(p.last_active_ms_);

  const PurchaseStats& ps = p.purchases_;
  w->U64(ps.count);
  w->U64(ps.deal_count);
  w->F64(ps.monetary);
  w->I64(ps.first_ms);
  w->I64(ps.last_ms);
  w->U32(static_cast<uint32_t>(ps.recent_ms.size()));
  for (int64_t t : ps.recent_ms) w->I64(t);
  for (const auto* group : {&ps.by_category, &ps.by_brand}) {
    std::vector<std::pair<uint32_t, uint32_t>> rows;
    for (const auto& [f, n] : *group) rows.emplace_back(local.at(f), n);
    std::sort(rows.begin(), rows.end());
    w->U32(static_cast<uint32_t>(rows.size()));
    for (const auto& [idx, n] : rows) {
      w->U32(idx);
      w->U32(n);
    }
  }
  w->U64(ps.other_category);
  w->U64(ps.other_brand);

  std::vector<RawEvent> events = p.RecentEvents();
  w->U32(static_cast<uint32_t>(events.size()));
  for (const RawEvent& e : events) {
    w->U8(static_cast<uint8_t>(e.type));
    w->I64(e.ts_ms);
    w->Str(e.item);
    w->F64(e.value);
  }
  // Dedup ids oldest first, so a restored ring evicts in the same order.
  const size_t n = p.dedup_ring_.size();
  w->U32(static_cast<uint32_t>(n));
  for (size_t i = 0; i < n; ++i) w->U64(p.dedup_ring_[(p.dedup_next_ + i) % n]);
  for (const auto* list : {&p.likes_, &p.dislikes_}) {
    w->U32(static_cast<uint32_t>(list->size()));
    for (const std::string& s : *list) w->Str(s);
  }
}

absl::Status ProfileCodec::Read(ByteReader* r, size_t n_features, Profile* p) {
  uint32_t n;
  if (!r->U32(&n)) return Corrupt("truncated interests");
  if (n > kMaxFeatures + kMaxFeatures / 8) return Corrupt("too many interests");
  p->affinities_.reserve(std::min<size_t>(n, r->remaining() / 12));  // >= 12 bytes each
  for (uint32_t i = 0; i < n; ++i) {
    uint32_t idx;
    Affinity a;
    if (!r->U32(&idx) || !r->I64(&a.updated_ms)) return Corrupt("truncated interest");
    if (idx >= n_features) return Corrupt("interest names an unknown feature");
    if (!ValidTime(a.updated_ms)) return Corrupt("interest timestamp out of range");
    for (float& v : a.weight)
      if (!r->F32(&v) || !std::isfinite(v)) return Corrupt("interest weight is not a finite number");
    if (!p->affinities_.emplace(idx, a).second) return Corrupt("interest listed twice");
  }
  for (uint64_t& c : p->counts_)
    if (!r->U64(&c)) return Corrupt("truncated event counts");
  if (!r->I64(&p->first_seen_ms_) || !r->I64(&p->last_active_ms_)) return Corrupt("truncated activity times");
  if (!ValidTime(p->first_seen_ms_) || !ValidTime(p->last_active_ms_)) return Corrupt("activity time out of range");

  PurchaseStats& ps = p->purchases_;
  if (!r->U64(&ps.count) || !r->U64(&ps.deal_count) || !r->F64(&ps.monetary) || !r->I64(&ps.first_ms) ||
      !r->I64(&ps.last_ms))
    return Corrupt("truncated purchases");
  if (ps.deal_count > ps.count || !std::isfinite(ps.monetary) || ps.monetary < 0 || !ValidTime(ps.first_ms) ||
      !ValidTime(ps.last_ms))
    return Corrupt("purchase totals out of range");
  if (!r->U32(&n) || n > kPurchaseRing) return Corrupt("purchase history too long or truncated");
  ps.recent_ms.resize(n);
  for (int64_t& t : ps.recent_ms)
    if (!r->I64(&t) || !ValidTime(t)) return Corrupt("purchase time out of range");
  for (auto* group : {&ps.by_category, &ps.by_brand}) {
    if (!r->U32(&n) || n > kMaxPurchaseGroups) return Corrupt("purchase groups too many or truncated");
    group->reserve(std::min<size_t>(n, r->remaining() / 8));
    for (uint32_t i = 0; i < n; ++i) {
      uint32_t idx, count;
      if (!r->U32(&idx) || !r->U32(&count)) return Corrupt("truncated purchase group");
      if (idx >= n_features) return Corrupt("purchase group names an unknown feature");
      if (!group->emplace(idx, count).second) return Corrupt("purchase group listed twice");
    }
  }
  if (!r->U64(&ps.other_category) || !r->U64(&ps.other_brand)) return Corrupt("truncated purchase groups");

  if (!r->U32(&n) || n > kEventWindow) return Corrupt("event window too long or truncated");
  p->window_.resize(n);
  for (RawEvent& e : p->window_) {
    uint8_t type;
    if (!r->U8(&type) || !r->I64(&e.ts_ms) || !r->Str(&e.item, kMaxIdBytes) || !r->F64(&e.value))
      return Corrupt("truncated event");
    if (type >= kEventTypes || !ValidTime(e.ts_ms) || !std::isfinite(e.value)) return Corrupt("event out of range");
    e.type = static_cast<EventType>(type);
  }
  p->window_next_ = 0;
  if (!r->U32(&n) || n > kDedupWindow) return Corrupt("event-id window too long or truncated");
  for (uint32_t i = 0; i < n; ++i) {
    uint64_t h;
    if (!r->U64(&h)) return Corrupt("truncated event ids");
    p->RememberEventId(h);
  }
  for (auto* list : {&p->likes_, &p->dislikes_}) {
    if (!r->U32(&n) || n > kMaxPreferences) return Corrupt("preferences too many or truncated");
    list->resize(n);
    for (std::string& s : *list)
      if (!r->Str(&s, kMaxPreferenceBytes)) return Corrupt("truncated preference");
  }
  return absl::OkStatus();
}

void ProfileCodec::Remap(Profile* p, const std::vector<FeatureId>& ids) {
  absl::flat_hash_map<FeatureId, Affinity> aff;
  aff.reserve(p->affinities_.size());
  for (const auto& [idx, a] : p->affinities_) aff.emplace(ids[idx], a);
  p->affinities_ = std::move(aff);
  for (auto* group : {&p->purchases_.by_category, &p->purchases_.by_brand}) {
    absl::flat_hash_map<FeatureId, uint32_t> m;
    m.reserve(group->size());
    for (const auto& [idx, n] : *group) m.emplace(ids[idx], n);
    *group = std::move(m);
  }
}

std::string EncodeSnapshot(const FeatureDictionary& features, const Profile& profile, const RankState& rank,
                           const std::array<uint64_t, 4>& rng_state, uint64_t revision,
                           const CampaignState& campaign, const PrivacyState& privacy, const Game& game) {
  // Only the features the profile refers to are stored, in key order.
  std::vector<FeatureId> used;
  for (const auto& [f, a] : profile.affinities()) used.push_back(f);
  for (const auto& [f, n] : profile.purchases().by_category) used.push_back(f);
  for (const auto& [f, n] : profile.purchases().by_brand) used.push_back(f);
  std::sort(used.begin(), used.end(),
            [&](FeatureId a, FeatureId b) { return features.key(a) < features.key(b); });
  used.erase(std::unique(used.begin(), used.end()), used.end());
  absl::flat_hash_map<FeatureId, uint32_t> local;
  for (uint32_t i = 0; i < used.size(); ++i) local.emplace(used[i], i);

  // Header first, its length and checksum patched at the end: the payload
  // is written once, straight into the blob (no second buffer and copy).
  ByteWriter payload;
  payload.Reserve(kSnapshotHeaderBytes + 4096 + 64 * used.size());
  payload.Raw(std::string_view(kMagic, 4));
  payload.U16(kSnapshotFormat);
  payload.U16(0);
  payload.U32(0);  // payload length, patched below
  payload.U32(0);  // CRC-32 of the payload, patched below
  payload.U64(revision);
  size_t len_pos;
  BeginSection(&payload, kFeaturesSection, &len_pos);
  payload.U32(static_cast<uint32_t>(used.size()));
  for (FeatureId f : used) {
    payload.Str(features.key(f));
    payload.Str(features.label(f));
  }
  EndSection(&payload, len_pos);
  BeginSection(&payload, kProfileSection, &len_pos);
  ProfileCodec::Write(profile, local, &payload);
  EndSection(&payload, len_pos);
  BeginSection(&payload, kRankSection, &len_pos);
  WriteRank(rank, rng_state, &payload);
  EndSection(&payload, len_pos);
  BeginSection(&payload, kCategoryLearningSection, &len_pos);
  WriteCategoryLearning(rank, &payload);
  EndSection(&payload, len_pos);
  BeginSection(&payload, kCampaignSection, &len_pos);
  EncodeCampaignState(campaign, &payload);
  EndSection(&payload, len_pos);
  BeginSection(&payload, kConsentSection, &len_pos);
  privacy.consent().Encode(&payload);
  EndSection(&payload, len_pos);
  BeginSection(&payload, kReportsSection, &len_pos);
  privacy.EncodeReports(&payload);
  EndSection(&payload, len_pos);
  BeginSection(&payload, kGameSection, &len_pos);
  game.Encode(&payload);
  EndSection(&payload, len_pos);

  static_assert(kSnapshotHeaderBytes == 16, "magic, format, flags, length, CRC");
  payload.PatchU32(8, static_cast<uint32_t>(payload.size() - kSnapshotHeaderBytes));
  payload.PatchU32(12, Crc32(std::string_view(payload.data()).substr(kSnapshotHeaderBytes)));
  return payload.Take();
}

absl::Status DecodeSnapshot(std::string_view blob, SnapshotContents* out) {
  if (blob.size() < 4 || std::string_view(blob.data(), 4) != std::string_view(kMagic, 4))
    return absl::InvalidArgumentError("not a Hearth snapshot (bad magic bytes); pass a blob from exportState()");
  if (blob.size() > kMaxSnapshotBytes)
    return absl::InvalidArgumentError(absl::StrCat("snapshot is larger than ", kMaxSnapshotBytes, " bytes"));
  ByteReader header(blob.substr(4));
  uint16_t version, flags;
  uint32_t length, crc;
  if (!header.U16(&version) || !header.U16(&flags) || !header.U32(&length) || !header.U32(&crc))
    return Corrupt("truncated header");
  if (version > kSnapshotFormat)
    return absl::FailedPreconditionError(absl::StrCat("snapshot format ", version, " is newer than this SDK reads (",
                                                      kSnapshotFormat, "); upgrade hearth to restore it"));
  if (version == 0) return Corrupt("format version 0");
  if (flags != 0) return Corrupt("unknown header flags");
  if (blob.size() - kSnapshotHeaderBytes != length)
    return Corrupt(absl::StrCat("payload is ", blob.size() - kSnapshotHeaderBytes, " bytes, header says ", length));
  std::string_view payload = blob.substr(kSnapshotHeaderBytes);
  if (Crc32(payload) != crc) return Corrupt("checksum mismatch");
  std::string migrated;
  if (auto s = MigrateToCurrent(version, &payload, &migrated); !s.ok()) return s;
  out->format = version;

  ByteReader r(payload);
  if (!r.U64(&out->revision)) return Corrupt("truncated revision");
  bool have_features = false, have_profile = false, have_rank = false, have_categories = false,
       have_campaign = false, have_game = false;
  while (!r.done()) {
    uint16_t tag;
    uint32_t len;
    std::string_view body;
    if (!r.U16(&tag) || !r.U32(&len) || !r.Raw(&body, len)) return Corrupt("truncated section");
    ByteReader s(body);
    if (tag == kFeaturesSection && !have_features) {
      uint32_t n;
      if (!s.U32(&n) || n > s.remaining() / 8) return Corrupt("feature table too long or truncated");
      out->feature_keys.resize(n);
      for (size_t i = 0; i < n; ++i) {
        auto& [key, label] = out->feature_keys[i];
        if (!s.Str(&key, kMaxFeatureKeyBytes) || !s.Str(&label, kMaxTitleBytes)) return Corrupt("truncated feature");
        // Written in strictly increasing key order; anything else is damage.
        if (i > 0 && !(out->feature_keys[i - 1].first < key)) return Corrupt("feature table out of order");
      }
      have_features = true;
    } else if (tag == kProfileSection && have_features && !have_profile) {
      if (auto st = ProfileCodec::Read(&s, out->feature_keys.size(), &out->profile); !st.ok()) return st;
      have_profile = true;
    } else if (tag == kRankSection && version >= 2 && have_profile && !have_rank) {
      if (auto st = ReadRank(&s, out); !st.ok()) return st;
      have_rank = true;
    } else if (tag == kCategoryLearningSection && version >= 3 && have_rank && !have_categories) {
      if (auto st = ReadCategoryLearning(&s, &out->rank); !st.ok()) return st;
      have_categories = true;
    } else if (tag == kCampaignSection && version >= 3 && have_profile && !have_campaign) {
      if (auto st = DecodeCampaignState(&s, &out->campaign); !st.ok()) return st;
      have_campaign = true;
    } else if (tag == kConsentSection && version >= 3 && have_profile && !out->has_consent) {
      if (auto st = Consent::Decode(&s, &out->privacy.mutable_consent()); !st.ok()) return st;
      out->has_consent = true;
    } else if (tag == kReportsSection && version >= 3 && have_profile && !out->has_reports) {
      if (auto st = PrivacyState::DecodeReports(&s, &out->privacy); !st.ok()) return st;
      out->has_reports = true;
    } else if (tag == kGameSection && version >= 3 && have_profile && !have_game) {
      if (auto st = out->game.Decode(&s); !st.ok()) return st;
      have_game = true;
    } else {
      return Corrupt(absl::StrCat("unexpected section ", tag));
    }
    if (!s.done()) return Corrupt(absl::StrCat("section ", tag, " has trailing bytes"));
  }
  if (!have_profile) return Corrupt("missing profile section");
  return absl::OkStatus();
}

void SnapshotContents::Commit(FeatureDictionary* features, Profile* live, uint64_t* rev) {
  std::vector<FeatureId> ids;
  ids.reserve(feature_keys.size());
  for (const auto& [key, label] : feature_keys) ids.push_back(features->Intern(key, label));
  ProfileCodec::Remap(&profile, ids);
  *live = std::move(profile);
  *rev = revision;
}

}  // namespace hearth
