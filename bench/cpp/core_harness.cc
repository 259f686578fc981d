// hearth_core_bench: times the C++ core with no JS in the way, from ONE source
// compiled natively and to wasm, so the two columns of bench/core.mjs's table
// differ only in the compiler target.
//
// Example:
//   build/native/hearth_core_bench            # one JSON object per line
//   node --no-experimental-fetch build/wasm/hearth_core_bench.js --runs 3
//
// Output, one line per operation:
//   {"env":"native","op":"load","unit":"catalog","ops":1,"runs":7,"median_ms":...,"min_ms":...,
//    "max_ms":...,"bytes":...,"fnv":"..."}
// `ops` is how many calls one run makes; per-op cost = median_ms / ops.
// `bytes` and `fnv` describe the input (catalog JSON, snapshot blob), so the
// runner can check that both builds timed the same bytes. One more line,
// {"env":...,"op":"info","simdjson":"<kernel>"}, names simdjson's kernel.
//
// Not Google Benchmark: the same plain harness has to run under Node, where
// Debian's libbenchmark does not exist. (It is deliberately not named
// *_bench.cc: CMakeLists.txt's native hearth_bench target globs those for
// Google Benchmark sources, and this file brings its own main().)
//
// Deterministic by construction: the catalog comes from a seeded PRNG and all
// event times are fixed offsets from a fixed date; only the timings vary.
#include <algorithm>
#include <chrono>
#include <cctype>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "hearth/engine/engine.h"
#include "simdjson.h"

namespace {

#ifdef __EMSCRIPTEN__
constexpr const char* kEnv = "wasm";
#else
constexpr const char* kEnv = "native";
#endif

// 2025-06-01T00:00:00Z, the generator's reference date (scripts/gen-catalog.mjs).
constexpr int64_t kReferenceMs = 1'748'736'000'000;
constexpr int64_t kDay = 86'400'000;

// splitmix64: tiny, good enough to make a catalog look varied.
class Rng {
 public:
  explicit Rng(uint64_t seed) : s_(seed) {}
  uint64_t Next() {
    uint64_t z = (s_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  size_t Below(size_t n) { return static_cast<size_t>(Uniform() * static_cast<double>(n)); }
  template <typename T, size_t N>
  const T& Pick(const T (&list)[N]) { return list[Below(N)]; }

 private:
  uint64_t s_;
};

struct Department {
  const char* name;
  double median;
  const char* subs[4];
  const char* nouns[4];
  const char* tags[6];
};

// The same eight departments and shape as scripts/gen-catalog.mjs (fewer words).
constexpr Department kDepartments[] = {
    {"Shoes", 85, {"Trail", "Running", "Casual", "Boots"}, {"Trail Runner", "Sneaker", "Hiking Boot", "Loafer"},
     {"waterproof", "vegan", "wide-fit", "recycled", "breathable", "lightweight"}},
    {"Apparel", 45, {"Tops", "Knitwear", "Outerwear", "Bottoms"}, {"T-Shirt", "Sweater", "Rain Jacket", "Chinos"},
     {"organic-cotton", "merino", "recycled", "unisex", "slim-fit", "machine-washable"}},
    {"Outdoor", 110, {"Camping", "Climbing", "Hiking", "Cycling"}, {"Tent", "Harness", "Daypack", "Bike Light"},
     {"ultralight", "waterproof", "packable", "four-season", "recycled", "bestseller"}},
    {"Home", 55, {"Lighting", "Textiles", "Decor", "Furniture"}, {"Table Lamp", "Throw Blanket", "Vase", "Stool"},
     {"handmade", "sustainable", "linen", "ceramic", "fsc-wood", "bestseller"}},
    {"Kitchen", 35, {"Cookware", "Coffee", "Tableware", "Tools"}, {"Skillet", "Kettle", "Pasta Bowls", "Chef Knife"},
     {"dishwasher-safe", "induction", "stoneware", "bpa-free", "handmade", "bestseller"}},
    {"Electronics", 120, {"Audio", "Wearables", "Accessories", "Smart Home"},
     {"Headphones", "Smartwatch", "Power Bank", "Smart Plug"},
     {"wireless", "bluetooth", "usb-c", "rechargeable", "smart-home", "bestseller"}},
    {"Beauty", 24, {"Skincare", "Haircare", "Fragrance", "Bodycare"}, {"Face Serum", "Shampoo Bar", "Room Spray", "Body Oil"},
     {"vegan", "cruelty-free", "fragrance-free", "refillable", "organic", "sensitive-skin"}},
    {"Books", 18, {"Cookbooks", "Travel", "Science Fiction", "Design"},
     {"Guide to Baking", "City Walks", "Orbit Stories", "Book of Type"},
     {"hardcover", "paperback", "signed", "new-release", "award-winner", "illustrated"}},
};
constexpr const char* kAdjectives[] = {"Lightweight", "Classic", "Organic", "Rugged", "Modern", "Wireless", "Gentle", "Pocket"};
constexpr const char* kBrands[] = {"Acme", "Fernhill", "Northwind", "Stride & Co", "Pebble", "Lumen", "Cedar Lane",
                                   "Copperpot", "Brightline", "Marlow", "Tidewater", "Juniper", "Oakhaus", "Velo Nord",
                                   "Saltmarsh", "Quill House", "Atlas Press", "Summit", "Holloway", "Aurora",
                                   "Ironbark", "Nimbus", "Wren", "Pacer", "Harbor", "Orbit", "Meadow", "Fieldnote",
                                   "Bloom & Root", "Kettle & Crumb"};
constexpr const char* kColours[] = {"Slate grey", "Forest green", "Sand", "Rust red", "Navy blue", "Charcoal", "Ivory", "Plum"};
constexpr const char* kMaterials[] = {"mesh", "leather", "organic cotton", "merino wool", "oak", "stoneware", "aluminium", "paper"};
constexpr const char* kUses[] = {"long days on rocky paths", "everyday wear", "weekend overnighters", "slow evenings at home",
                                 "weeknight dinners", "the daily commute", "sensitive skin", "rainy afternoons"};

// Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm).
void CivilFromDays(int64_t z, int* y, unsigned* m, unsigned* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = static_cast<int>(yoe + era * 400 + (*m <= 2));
}

std::string IsoDate(int64_t ms) {
  int y;
  unsigned mo, d;
  const int64_t days = ms / kDay, rem = ms % kDay;
  CivilFromDays(days, &y, &mo, &d);
  char buf[64];  // room for any int64 input, which keeps -Wformat-truncation quiet
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.000Z", y, mo, d, static_cast<int>(rem / 3'600'000),
                static_cast<int>(rem / 60'000 % 60), static_cast<int>(rem / 1000 % 60));
  return buf;
}

// A catalog shaped like `node scripts/gen-catalog.mjs --items N`: one item per
// line, the same fields, ~480 bytes per item.
std::string GenerateCatalog(int items, uint64_t seed, std::vector<std::string>* ids) {
  Rng rng(seed);
  std::string out = "[\n";
  out.reserve(static_cast<size_t>(items) * 520);
  char buf[96];
  for (int i = 0; i < items; ++i) {
    const Department& dept = rng.Pick(kDepartments);
    std::snprintf(buf, sizeof buf, "sku-%05d", i + 1);
    const std::string id = buf;
    ids->push_back(id);
    const char* adj = rng.Pick(kAdjectives);
    const char* noun = rng.Pick(dept.nouns);
    const char* brand = rng.Pick(kBrands);
    const char* colour = rng.Pick(kColours);
    const char* material = rng.Pick(kMaterials);
    // Drawn into locals, in this order: the operands of one `+` chain may be
    // evaluated in any order, and g++ and clang do differ.
    const char* sub = rng.Pick(dept.subs);
    const char* use = rng.Pick(kUses);
    if (i > 0) out += ",\n";
    out += "{\"id\":\"" + id + "\",\"title\":\"" + adj + " " + noun + "\",\"category\":\"" + dept.name + " > " +
           sub + "\",\"tags\":[";
    const size_t ntags = rng.Below(5);
    for (size_t t = 0; t < ntags; ++t) {
      if (t > 0) out += ',';
      out += std::string("\"") + dept.tags[(i + t * 5) % 6] + "\"";  // distinct within an item
    }
    // Skewed around the department's median (a product of two uniforms), ending in .99.
    const double u1 = rng.Uniform(), u2 = rng.Uniform(), u3 = rng.Uniform();
    const double price =
        std::max(0.99, static_cast<double>(static_cast<int64_t>(dept.median * (0.3 + 2.0 * u1 * u2 + u3))) - 0.01);
    std::snprintf(buf, sizeof buf, "%.2f", price);
    out += std::string("],\"brand\":\"") + brand + "\",\"price\":" + buf;
    const int64_t age_days = static_cast<int64_t>(rng.Below(730));
    const int64_t age_seconds = static_cast<int64_t>(rng.Below(86'400));
    const int64_t created = kReferenceMs - age_days * kDay - age_seconds * 1000;
    out += ",\"created_at\":\"" + IsoDate(created) + "\"";
    const int stock = static_cast<int>(rng.Below(250));
    const double popularity = static_cast<double>(rng.Below(1000)) / 10;
    std::snprintf(buf, sizeof buf, ",\"stock\":%d,\"popularity\":%.1f", stock, popularity);
    out += buf;
    out += ",\"image\":\"/img/" + id + ".svg\",\"url\":\"/p/" + id + "\",\"attributes\":{\"colour\":\"" + colour +
           "\",\"material\":\"" + material + "\"},\"description\":\"Designed for " + use + ", this " +
           adj + " " + noun + " from " + brand + " keeps things simple. Made from " + material + " in " + colour +
           ", with a two-year warranty.\"}";
  }
  out += "\n]\n";
  return out;
}

// FNV-1a, so the runner can check that native and wasm timed the same bytes.
uint64_t Fnv1a(std::string_view s) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : s) h = (h ^ c) * 0x100000001b3ull;
  return h;
}

double NowMs() {
  using Clock = std::chrono::steady_clock;
  return std::chrono::duration<double, std::milli>(Clock::now().time_since_epoch()).count();
}

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "hearth_core_bench: %s\n", what.c_str());
  std::exit(1);
}

std::unique_ptr<hearth::Engine> NewEngine() {
  auto e = hearth::Engine::Create(hearth::ProfileConfig{});
  if (!e.ok()) Die(std::string(e.status().message()));
  return *std::move(e);
}

void LoadOrDie(hearth::Engine& engine, std::string_view json, size_t want) {
  auto r = engine.LoadCatalog(json, hearth::LoadMode::kReplace);
  if (!r.ok()) Die(std::string(r.status().message()));
  if (r->loaded != want || !r->rejected.empty())
    Die("catalog load: " + std::to_string(r->loaded) + " loaded, " + std::to_string(r->rejected.size()) + " rejected");
}

// Runs `body` `runs` times after `warmup` untimed runs and prints the line.
template <typename Setup, typename Body>
void Measure(const char* op, const char* unit, int64_t ops, int runs, int warmup, std::string_view input, Setup setup,
             Body body) {
  std::vector<double> ms;
  for (int r = 0; r < warmup + runs; ++r) {
    setup();
    const double t0 = NowMs();
    body();
    const double t1 = NowMs();
    if (r >= warmup) ms.push_back(t1 - t0);
  }
  std::sort(ms.begin(), ms.end());
  const double median = ms.size() % 2 ? ms[ms.size() / 2] : (ms[ms.size() / 2 - 1] + ms[ms.size() / 2]) / 2;
  std::printf(
      "{\"env\":\"%s\",\"op\":\"%s\",\"unit\":\"%s\",\"ops\":%" PRId64
      ",\"runs\":%d,\"median_ms\":%.4f,\"min_ms\":%.4f,\"max_ms\":%.4f,\"bytes\":%zu,\"fnv\":\"%016" PRIx64 "\"}\n",
      kEnv, op, unit, ops, runs, median, ms.front(), ms.back(), input.size(), Fnv1a(input));
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  int runs = 7;
  int items = 10'000;
  int64_t recommends = 1'000;  // calls per recommend run (fewer for large catalogs)
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--runs") == 0 && i + 1 < argc) runs = std::max(1, std::atoi(argv[++i]));
    else if (std::strcmp(argv[i], "--items") == 0 && i + 1 < argc) items = std::max(1, std::atoi(argv[++i]));
    else if (std::strcmp(argv[i], "--recommends") == 0 && i + 1 < argc) recommends = std::max(1, std::atoi(argv[++i]));
    else Die(std::string("unknown argument '") + argv[i] + "'; usage: hearth_core_bench [--runs N] [--items N] [--recommends N]");
  }

  std::vector<std::string> ids;
  const std::string catalog = GenerateCatalog(items, 42, &ids);
  const size_t n = ids.size();

  // catalog Load into a fresh engine each run (what a page does on start).
  std::unique_ptr<hearth::Engine> engine;
  Measure("load", "catalog", 1, runs, 2, catalog, [&] { engine = NewEngine(); },
          [&] { LoadOrDie(*engine, catalog, n); });

  // simdjson alone on the same document: on-demand iteration over every
  // item and field, each value's raw token touched, nothing built. Load's
  // JSON share, so the wasm/native ratio of the kernel (SIMD natively,
  // scalar "fallback" in wasm) can be told apart from that of Hearth's own
  // code (validation, strings, interning, index).
  Measure("json_scan", "catalog", 1, runs, 2, catalog, [] {}, [&] {
    simdjson::padded_string padded(catalog);
    simdjson::ondemand::parser parser;
    simdjson::ondemand::document doc;
    simdjson::ondemand::array items;
    if (parser.iterate(padded).get(doc) || doc.get_array().get(items)) Die("json_scan: not an array");
    size_t fields = 0;
    for (auto element : items) {
      simdjson::ondemand::object obj;
      if (element.get_object().get(obj)) Die("json_scan: item is not an object");
      for (auto field : obj) {
        std::string_view key;
        if (field.unescaped_key().get(key)) Die("json_scan: bad key");
        simdjson::ondemand::value v;
        if (field.value().get(v)) Die("json_scan: bad value");
        std::string_view raw;
        if (v.type().value_unsafe() == simdjson::ondemand::json_type::string) {
          if (v.get_string().get(raw)) Die("json_scan: bad string");
        } else {
          raw = v.raw_json_token();
        }
        fields += key.size() + raw.size();
      }
    }
    if (fields == 0) Die("json_scan: nothing scanned");
  });

  // Which simdjson kernel Load used (chosen on first use): a SIMD one
  // natively, "fallback" in wasm32.
  std::printf("{\"env\":\"%s\",\"op\":\"info\",\"simdjson\":\"%s\"}\n", kEnv,
              simdjson::get_active_implementation()->name().c_str());

  // Track: 200k views cycling through the catalog, one second apart; a fresh
  // profile (same catalog) each run.
  constexpr int64_t kTracks = 200'000;
  const int64_t t0 = kReferenceMs + 30 * kDay;
  const double now = static_cast<double>(t0 + kTracks * 1000 + kDay);
  engine = NewEngine();
  LoadOrDie(*engine, catalog, n);
  int64_t recorded = 0;
  Measure("track", "event", kTracks, std::max(3, runs / 2), 1, {}, [&] { engine->Erase(); },
          [&] {
            for (int64_t i = 0; i < kTracks; ++i) {
              hearth::TrackEvent e;
              e.type = "view";
              e.item = ids[static_cast<size_t>(i) % n];
              e.ts_ms = static_cast<double>(t0 + i * 1000);
              auto r = engine->Track(e, now);
              if (!r.ok()) Die(std::string(r.status().message()));
              ++recorded;
            }
          });

  // A profile with some of everything for Summarize and snapshots: the last
  // run's views plus purchases (with ids, so the dedup window is not empty).
  for (int i = 0; i < 40; ++i) {
    hearth::TrackEvent e;
    const std::string id = "order-" + std::to_string(i);
    e.type = i % 4 == 0 ? "add_to_cart" : "purchase";
    e.item = ids[static_cast<size_t>(i) * 97 % n];
    e.id = id;
    e.ts_ms = static_cast<double>(t0 + kTracks * 1000 + i);
    auto r = engine->Track(e, now);
    if (!r.ok()) Die(std::string(r.status().message()));
  }

  constexpr int64_t kSummaries = 1'000;
  size_t sink = 0;
  Measure("summarize", "call", kSummaries, runs, 1, {}, [] {},
          [&] {
            for (int64_t i = 0; i < kSummaries; ++i) sink += engine->Summarize(static_cast<int64_t>(now)).sentences.size();
          });

  // recommend(for_you, 10) on that profile: candidate generation, scoring,
  // MMR and the bandit; impressions accumulate, as on a real page.
  const int64_t kRecommends = recommends;
  Measure("recommend", "call", kRecommends, runs, 1, {}, [] {},
          [&] {
            hearth::RecommendRequest r;
            r.count = 10;
            r.now_ms = static_cast<int64_t>(now);
            for (int64_t i = 0; i < kRecommends; ++i) {
              auto picks = engine->Recommend(r);
              if (!picks.ok()) Die(std::string(picks.status().message()));
              sink += picks->size();
            }
          });

  constexpr int64_t kSnapshots = 1'000;
  const std::string snapshot = engine->ExportSnapshot();
  Measure("snapshot", "export+restore", kSnapshots, runs, 1, snapshot, [] {},
          [&] {
            for (int64_t i = 0; i < kSnapshots; ++i) {
              const std::string blob = engine->ExportSnapshot();
              if (auto s = engine->RestoreSnapshot(blob); !s.ok()) Die(std::string(s.message()));
            }
          });

  // Campaigns: the same 200k-event mix (views, 1 in 10 add_to_cart, 1 in 50
  // purchases) through Track with 0 and with 20 campaigns loaded (event
  // triggers on department categories with cancellation, context predicates,
  // caps, holdouts, goals), each run starting with the triggered campaigns
  // exposed so every goal event checks attribution windows.
  std::string campaigns = "[";
  constexpr const char* kTriggers[] = {"view", "add_to_cart", "purchase"};
  constexpr const char* kGoals[] = {"purchase", "add_to_cart", "click", "visit"};
  for (int i = 0; i < 20; ++i) {
    const Department& d = kDepartments[i % 8];
    const char* trigger = kTriggers[i % 3];
    campaigns += std::string(i ? "," : "") + "{\"id\": \"c" + std::to_string(i) + "\", \"audience\": {\"rfm\": " +
                 "{\"frequency\": [0, 1000000]}" + (i % 2 ? std::string(", \"interests\": [\"cat:") + d.name + "\"]" : "") +
                 "}, \"trigger\": {\"event\": \"" + trigger + "\", \"category\": \"" + d.name +
                 "\", \"withinHours\": 72" + (i % 3 != 2 ? ", \"cancelOn\": \"purchase\"" : "") +
                 ", \"context\": {\"hours\": [8, 22]}}, \"action\": {\"type\": \"widget\", \"widget\": \"hearth-slot\"}," +
                 " \"cap\": {\"perDay\": 3, \"lifetime\": 1000}, \"quietHours\": [23, 6], \"holdout\": 0.1," +
                 " \"goal\": {\"event\": \"" + kGoals[i % 4] + "\", \"windowHours\": 72}}";
  }
  campaigns += "]";
  auto mixed = [&](hearth::Engine& e) {
    for (int64_t i = 0; i < kTracks; ++i) {
      hearth::TrackEvent ev;
      ev.type = i % 50 == 0 ? "purchase" : i % 10 == 0 ? "add_to_cart" : "view";
      ev.item = ids[static_cast<size_t>(i * 7919) % n];
      ev.ts_ms = static_cast<double>(t0 + i * 1000);
      auto r = e.Track(ev, now);
      if (!r.ok()) Die(std::string(r.status().message()));
      ++recorded;
    }
  };
  hearth::DealContext noon;
  noon.hour = 12;
  for (int loaded : {0, 20}) {
    engine = NewEngine();
    LoadOrDie(*engine, catalog, n);
    if (loaded) {
      if (auto s = engine->LoadCampaigns(campaigns); !s.ok()) Die(std::string(s.message()));
      if (engine->campaigns().all().size() != 20) Die("campaigns: not 20 loaded");
    }
    Measure(loaded ? "campaign20" : "campaign0", "event", kTracks, std::max(3, runs / 2), 1, loaded ? campaigns : "",
            [&] {
              engine->Erase();
              for (int i = 0; i < 48; ++i) {
                hearth::TrackEvent ev;
                ev.type = kTriggers[i % 2];  // view, add_to_cart: triggers without cancelling
                ev.item = ids[static_cast<size_t>(i) * 211 % n];
                ev.ts_ms = static_cast<double>(t0 - 1000);
                if (!engine->Track(ev, now).ok()) Die("campaign setup track");
              }
              auto active = engine->ActiveCampaigns(noon, t0);
              if (!active.ok()) Die(std::string(active.status().message()));
            },
            [&] { mixed(*engine); });
  }
  // How many campaigns the last run exposed and converted (so the op above
  // is known to have exercised attribution).
  uint64_t exposed = 0, converted = 0;
  for (const auto& row : engine->campaign_stats()) exposed += row.exposed, converted += row.converted;
  if (exposed == 0 || converted == 0) Die("campaign bench: no exposure or no conversion happened");
  // ListCampaigns: audience, caps and arm of all 20 for the profile above
  // (ActiveCampaigns would hit the daily caps after three calls and time
  // only the cap check).
  constexpr int64_t kLists = 10'000;
  Measure("campaign_list", "call", kLists, runs, 1, campaigns, [] {},
          [&] {
            for (int64_t i = 0; i < kLists; ++i) {
              auto list = engine->ListCampaigns(noon, static_cast<int64_t>(now) + i);
              if (!list.ok()) Die(std::string(list.status().message()));
              sink += list->size();
            }
          });

  // Game (on a fresh engine, no campaigns): the same views plus every 5th event a purchase, through Track with
  // 100 earn rules loaded (category prefix + price conditions, daily caps),
  // a daily streak, two stamp cards and a badge; rewards drained per event as
  // the JS layer does. Compare with "track" for the game's share.
  std::string rules = R"({"dailyCaps": {"points": 100000}, "streak": {"period": "day", "events": ["view", "purchase"]},
    "stampCards": [{"id": "c1", "event": "purchase", "required": 10, "reward": {"currency": "stars", "amount": 1}},
                   {"id": "c2", "event": "view", "when": {"field": "price", "lt": 30}, "required": 50,
                    "reward": {"currency": "stars", "amount": 1}}],
    "badges": [{"id": "b1", "event": "purchase", "count": 100}], "earn": [)";
  for (int i = 0; i < 100; ++i) {
    std::string dept = kDepartments[i % 8].name;
    for (char& c : dept) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    char buf[512];
    std::snprintf(buf, sizeof buf,
                  R"(%s{"id": "r%d", "event": "%s", "when": {"all": [{"field": "category", "prefix": "%s"},
                     {"any": [{"field": "price", "gte": %d}, {"field": "context.channel", "eq": "app"}]}]},
                     "reward": {"currency": "points", "amount": %d}, "dailyCap": 500})",
                  i ? "," : "", i, i % 3 == 0 ? "purchase" : "view", dept.c_str(), 10 + (i * 7) % 200, 1 + i % 5);
    rules += buf;
  }
  rules += "]}";
  engine = NewEngine();
  LoadOrDie(*engine, catalog, n);
  constexpr int64_t kGameEvents = 50'000;
  int64_t rewards = 0;
  Measure("game", "event", kGameEvents, std::max(3, runs / 2), 1, rules,
          [&] {
            engine->Erase();
            if (auto r = engine->LoadGame(rules); !r.ok() || *r != 104) Die("game rules did not load");
          },
          [&] {
            for (int64_t i = 0; i < kGameEvents; ++i) {
              hearth::TrackEvent e;
              const std::string id = "g" + std::to_string(i);
              e.type = i % 5 == 0 ? "purchase" : "view";
              e.item = ids[static_cast<size_t>(i * 31) % n];
              e.id = id;
              e.ts_ms = static_cast<double>(t0 + i * 5'000);  // ~3 days: the streak and daily caps turn over
              e.tz_offset_min = 60;
              auto r = engine->Track(e, now);
              if (!r.ok()) Die(std::string(r.status().message()));
              rewards += static_cast<int64_t>(engine->TakeRewards().size());
            }
          });

  if (sink == 0 || recorded == 0 || rewards == 0) Die("nothing was measured");
  return 0;
}
