// Every JSON entry point of the core against documents that are broken as a
// whole (empty, truncated, nested 100k deep, invalid UTF-8, a 10 MB string,
// trailing garbage): each must answer with a coded InvalidArgument error and
// leave the engine as it was. Written while trying simdjson 3.9.4 (whose
// stage 1 reports some of these earlier, with other error codes), so a
// simdjson upgrade that changes what iterate() accepts fails here, by parser.
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "gtest/gtest.h"
#include "hearth/engine/batch.h"
#include "hearth/engine/config.h"
#include "hearth/engine/engine.h"
#include "hearth/game/expr.h"
#include "hearth/report/report.h"

namespace hearth {
namespace {

struct HostileDoc {
  const char* name;
  std::string json;
  int blank = 0;                 // 1: empty, 2: whitespace only
  bool array_of_arrays = false;  // a valid list whose entries are not objects
};

std::vector<HostileDoc> HostileDocs() {
  const std::string deep_arrays = std::string(100000, '[') + std::string(100000, ']');
  std::string deep_objects;
  for (int i = 0; i < 100000; ++i) deep_objects += "{\"a\":";
  deep_objects += "1";
  deep_objects += std::string(100000, '}');
  return {
      {"empty document", "", /*blank=*/1},
      {"whitespace only", " \n\t ", /*blank=*/2},
      {"truncated array", R"([{"id": "a", "title": "x)"},
      {"truncated object", R"({"items": [{"id": "a"})"},
      {"unclosed string", R"(["abc)"},
      {"arrays nested 100k deep", deep_arrays, false, /*array_of_arrays=*/true},
      {"arrays nested 100k deep, unclosed", std::string(100000, '[')},
      {"objects nested 100k deep", deep_objects},
      {"invalid UTF-8 in a string", "[\"\xff\xfe\"]"},
      {"invalid UTF-8 in an object key", "{\"\xc3\x28\": 1}"},
      {"10 MB string as the document", "\"" + std::string(10 << 20, 'a') + "\""},
      {"unterminated 10 MB string", "[\"" + std::string(10 << 20, 'a')},
      {"a bare number 1e400", "1e400"},
      {"a bare number 2^64", "18446744073709551616"},
      {"a bare lone surrogate", R"("\ud800")"},
      {"not JSON at all", "hello"},
  };
}

struct Parser {
  const char* name;
  // Runs the parser on `json` against `engine`; returns its status.
  std::function<absl::Status(Engine&, std::string_view)> run;
  // Documented leniencies: a blank document means "defaults" / "no context";
  // a list's entries are rejected one by one (the load itself succeeds).
  int blank_is_default = 0;  // up to which HostileDoc::blank level
  bool rejects_per_entry = false;
};

const Parser kParsers[] = {
    {"catalog", [](Engine& e, std::string_view j) { return e.LoadCatalog(j, LoadMode::kUpsert).status(); }, 0, true},
    {"promotions", [](Engine& e, std::string_view j) { return e.LoadPromotions(j); }},
    {"priors", [](Engine& e, std::string_view j) { return e.LoadPriors(j); }},
    {"campaigns", [](Engine& e, std::string_view j) { return e.LoadCampaigns(j); }},
    {"game rules", [](Engine& e, std::string_view j) { return e.LoadGame(j).status(); }},
    {"privacy policy", [](Engine& e, std::string_view j) { return e.SetPrivacyPolicy(j); }},
    {"event batch", [](Engine& e, std::string_view j) { return TrackBatch(e, j, 1.7e12).status(); }, 0, true},
    {"profile config", [](Engine&, std::string_view j) { return ParseProfileConfig(j).status(); }, 2},
    {"report", [](Engine&, std::string_view j) { return ParseReport(j).status(); }},
    {"event context",
     [](Engine&, std::string_view j) {
       std::vector<std::pair<std::string, ContextValue>> out;
       return ParseEventContext(j, &out);
     },
     1},
};

TEST(JsonHostileTest, EveryParserRejectsABrokenDocumentWithACodedErrorAndKeepsItsState) {
  auto created = Engine::Create(ProfileConfig{});
  ASSERT_TRUE(created.ok());
  Engine& engine = **created;
  ASSERT_TRUE(engine.LoadCatalog(R"([{"id": "a", "title": "A", "category": "x/y"}])", LoadMode::kReplace).ok());
  const std::string before = engine.ExportJson(0);
  const size_t items_before = engine.catalog().size();
  for (const HostileDoc& doc : HostileDocs()) {
    for (const Parser& parser : kParsers) {
      SCOPED_TRACE(std::string(parser.name) + " <- " + doc.name);
      const absl::Status status = parser.run(engine, doc.json);
      if ((doc.blank > 0 && doc.blank <= parser.blank_is_default) || (doc.array_of_arrays && parser.rejects_per_entry)) {
        EXPECT_TRUE(status.ok()) << status;
        continue;
      }
      // InvalidArgument, or ResourceExhausted where a size bound is checked
      // before parsing (game rules: 1 MB).
      EXPECT_TRUE(status.code() == absl::StatusCode::kInvalidArgument ||
                  status.code() == absl::StatusCode::kResourceExhausted)
          << status;
      EXPECT_FALSE(status.message().empty());
      EXPECT_LT(status.message().size(), 400u) << "the message must not echo the document";
    }
  }
  EXPECT_EQ(engine.ExportJson(0), before);
  EXPECT_EQ(engine.catalog().size(), items_before);
}

}  // namespace
}  // namespace hearth
