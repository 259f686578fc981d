#include "hearth/catalog/catalog.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace hearth {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr char kTwoItems[] = R"([
  {"id": "sku-1", "title": "Trail runner", "category": "Shoes > Trail", "tags": ["Waterproof", "light"],
   "brand": "Acme", "price": 89.5, "stock": 3, "created_at": "2026-11-01", "popularity": 12,
   "attributes": {"color": "red", "size": 42, "vegan": true}, "host_field": {"ignored": [1, 2]}},
  {"id": "sku-2", "title": "City boot", "category": ["Shoes", "City"], "brand": "Birch", "price": 120}
])";

class CatalogTest : public ::testing::Test {
 protected:
  FeatureDictionary features_;
  Catalog catalog_{&features_};

  std::vector<std::string> FeatureKeys(const Item& item) {
    std::vector<std::string> keys;
    for (FeatureId f : item.features) keys.push_back(features_.key(f));
    std::sort(keys.begin(), keys.end());
    return keys;
  }
};

TEST_F(CatalogTest, LoadsAnArrayOfItemsWithEveryField) {
  auto r = catalog_.Load(kTwoItems, LoadMode::kUpsert);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->loaded, 2u);
  EXPECT_THAT(r->rejected, IsEmpty());
  const Item* item = catalog_.Find("sku-1");
  ASSERT_NE(item, nullptr);
  EXPECT_EQ(item->title, "Trail runner");
  EXPECT_THAT(item->category, ElementsAre("Shoes", "Trail"));
  EXPECT_EQ(item->stock, 3);
  EXPECT_EQ(item->created_at_ms, 1793491200000);
  EXPECT_DOUBLE_EQ(*item->price, 89.5);
  EXPECT_DOUBLE_EQ(item->popularity, 12);
  EXPECT_THAT(item->attributes, ElementsAre(std::pair<std::string, std::string>("color", "red"),
                                            std::pair<std::string, std::string>("size", "42"),
                                            std::pair<std::string, std::string>("vegan", "true")));
}

TEST_F(CatalogTest, ExtractsCategoryLevelsTagsBrandAndPriceBand) {
  ASSERT_TRUE(catalog_.Load(kTwoItems, LoadMode::kUpsert).ok());
  EXPECT_THAT(FeatureKeys(*catalog_.Find("sku-1")),
              ElementsAre("brand:acme", "cat:shoes", "cat:shoes/trail", "price:7", "tag:light", "tag:waterproof"));
  EXPECT_EQ(features_.label(*features_.Find("cat:shoes/trail")), "Trail");
  EXPECT_EQ(features_.label(*features_.Find("tag:waterproof")), "Waterproof");
  // Both items share the top-level category feature.
  EXPECT_EQ(FeatureKeys(*catalog_.Find("sku-2"))[1], "cat:shoes");
}

TEST_F(CatalogTest, AcceptsAnObjectWithAnItemsArray) {
  auto r = catalog_.Load(R"({"version": 3, "items": [{"id": "a"}]})", LoadMode::kUpsert);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(catalog_.size(), 1u);
}

TEST_F(CatalogTest, FindsTokensAcrossKinds) {
  ASSERT_TRUE(catalog_.Load(kTwoItems, LoadMode::kUpsert).ok());
  EXPECT_EQ(features_.ByToken("trail").size(), 1u);
  EXPECT_EQ(features_.ByToken("acme").size(), 1u);
  EXPECT_TRUE(features_.ByToken("nothing").empty());
}

struct RejectCase {
  const char* name;
  const char* item_json;
  const char* field;
  const char* message;
};

constexpr RejectCase kRejectCases[] = {
    {"not an object", R"(42)", "", "expected an object"},
    {"missing id", R"({"title": "x"})", "id", "is required"},
    {"empty id", R"({"id": ""})", "id", "must not be empty"},
    {"numeric id", R"({"id": 7})", "id", "must be a string"},
    {"title wrong type", R"({"id": "a", "title": ["x"]})", "title", "must be a string"},
    {"negative price", R"({"id": "a", "price": -1})", "price", "between 0"},
    {"price 1e400", R"({"id": "a", "price": 1e400})", "price", "price"},
    {"price as string", R"({"id": "a", "price": "9.99"})", "price", "must be a number"},
    {"fractional stock", R"({"id": "a", "stock": 1.5})", "stock", "whole number"},
    {"stock 2^64", R"({"id": "a", "stock": 18446744073709551616})", "stock", "whole number"},
    {"tags not array", R"({"id": "a", "tags": "x"})", "tags", "array of strings"},
    {"tag not string", R"({"id": "a", "tags": ["x", 1]})", "tags", "must be a string"},
    {"blank tag", R"({"id": "a", "tags": ["  "]})", "tags", "blank"},
    {"empty category level", R"({"id": "a", "category": "Shoes >  > Trail"})", "category", "empty level"},
    {"bad date", R"({"id": "a", "created_at": "yesterday"})", "created_at", "ISO-8601"},
    {"date before 1970", R"({"id": "a", "created_at": -5})", "created_at", "since 1970"},
    {"attribute array", R"({"id": "a", "attributes": {"k": [1]}})", "attributes", "strings, numbers or booleans"},
    {"duplicate field", R"({"id": "a", "id": "b"})", "id", "appears twice"},
    {"lone surrogate", R"({"id": "a", "title": "\ud800"})", "title", "lone surrogate"},
    {"bad escape", R"({"id": "a", "title": "\q"})", "title", "not a valid string"},
};

TEST_F(CatalogTest, RejectsABadItemAndLoadsTheRest) {
  for (const RejectCase& c : kRejectCases) {
    SCOPED_TRACE(c.name);
    FeatureDictionary features;
    Catalog catalog(&features);
    std::string doc = std::string("[{\"id\": \"before\"}, ") + c.item_json + ", {\"id\": \"after\"}]";
    auto r = catalog.Load(doc, LoadMode::kUpsert);
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(r->loaded, 2u);
    ASSERT_EQ(r->rejected.size(), 1u);
    EXPECT_EQ(r->rejected[0].index, 1);
    EXPECT_EQ(r->rejected[0].field, c.field);
    EXPECT_THAT(r->rejected[0].message, HasSubstr(c.message));
    EXPECT_NE(catalog.Find("after"), nullptr);
  }
}

TEST_F(CatalogTest, NamesTheLimitWhenAStringIsTooLong) {
  std::string doc = R"([{"id": "big", "title": ")" + std::string(10 << 20, 'x') + R"("}])";
  auto r = catalog_.Load(doc, LoadMode::kUpsert);
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->rejected.size(), 1u);
  EXPECT_EQ(r->rejected[0].id, "big");
  EXPECT_THAT(r->rejected[0].message, HasSubstr("10485760 bytes; the limit is 1024"));
  EXPECT_EQ(catalog_.size(), 0u);
}

TEST_F(CatalogTest, RejectsDuplicateIdsAfterTheFirst) {
  auto r = catalog_.Load(R"([{"id": "a", "title": "one"}, {"id": "b"}, {"id": "a", "title": "two"}])",
                         LoadMode::kUpsert);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->loaded, 2u);
  ASSERT_EQ(r->rejected.size(), 1u);
  EXPECT_EQ(r->rejected[0].index, 2);
  EXPECT_EQ(r->rejected[0].field, "id");
  EXPECT_EQ(catalog_.Find("a")->title, "one");
}

struct DocumentCase {
  const char* name;
  std::string json;
  absl::StatusCode code;
};

TEST_F(CatalogTest, DocumentErrorsLeaveTheCatalogUnchanged) {
  const DocumentCase cases[] = {
      {"empty", "", absl::StatusCode::kInvalidArgument},
      {"whitespace", "  \n ", absl::StatusCode::kInvalidArgument},
      {"truncated", R"([{"id": "x", "title": "abc)", absl::StatusCode::kInvalidArgument},
      {"truncated after item", R"([{"id": "x"},)", absl::StatusCode::kInvalidArgument},
      {"invalid utf-8", "[{\"id\": \"x\", \"title\": \"\xff\xfe\"}]", absl::StatusCode::kInvalidArgument},
      {"number at top", "42", absl::StatusCode::kInvalidArgument},
      {"items not array", R"({"items": {"id": "x"}})", absl::StatusCode::kInvalidArgument},
      {"no items", R"({"products": []})", absl::StatusCode::kInvalidArgument},
      {"trailing content", R"([{"id": "x"}] [{"id": "y"}])", absl::StatusCode::kInvalidArgument},
      {"missing comma", R"([{"id": "x"} {"id": "y"}])", absl::StatusCode::kInvalidArgument},
  };
  ASSERT_TRUE(catalog_.Load(kTwoItems, LoadMode::kUpsert).ok());
  const size_t features_before = features_.size();
  for (const DocumentCase& c : cases) {
    SCOPED_TRACE(c.name);
    auto r = catalog_.Load(c.json, LoadMode::kReplace);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), c.code);
    EXPECT_FALSE(r.status().message().empty());
    EXPECT_EQ(catalog_.size(), 2u);
    EXPECT_EQ(features_.size(), features_before);
    EXPECT_EQ(catalog_.Find("sku-1")->title, "Trail runner");
  }
}

TEST_F(CatalogTest, SurvivesDeepNestingWithoutRecursion) {
  const int depth = 100000;
  std::string doc = std::string(depth, '[') + std::string(depth, ']');
  auto r = catalog_.Load(doc, LoadMode::kUpsert);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->loaded, 0u);
  ASSERT_EQ(r->rejected.size(), 1u);
  EXPECT_THAT(r->rejected[0].message, HasSubstr("expected an object, got an array"));
  // The same nesting inside an unknown field is skipped, not parsed.
  std::string nested = R"([{"id": "a", "extra": )" + std::string(depth, '[') + std::string(depth, ']') + "}]";
  r = catalog_.Load(nested, LoadMode::kUpsert);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->loaded, 1u);
  // Unbalanced nesting is a document error.
  r = catalog_.Load(std::string(depth, '['), LoadMode::kUpsert);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(catalog_.size(), 1u);
}

TEST_F(CatalogTest, UpsertUpdatesInPlaceAndReplaceStartsOver) {
  ASSERT_TRUE(catalog_.Load(kTwoItems, LoadMode::kUpsert).ok());
  ASSERT_TRUE(catalog_.Load(R"([{"id": "sku-2", "title": "New boot"}, {"id": "sku-3"}])", LoadMode::kUpsert).ok());
  EXPECT_EQ(catalog_.size(), 3u);
  EXPECT_EQ(catalog_.Find("sku-2")->title, "New boot");
  ASSERT_TRUE(catalog_.Load(R"([{"id": "only"}])", LoadMode::kReplace).ok());
  EXPECT_EQ(catalog_.size(), 1u);
  EXPECT_EQ(catalog_.Find("sku-1"), nullptr);
}

TEST_F(CatalogTest, RemoveKeepsTheIndexConsistent) {
  ASSERT_TRUE(catalog_.Load(R"([{"id": "a"}, {"id": "b"}, {"id": "c"}])", LoadMode::kUpsert).ok());
  ASSERT_TRUE(catalog_.Remove("a").ok());
  EXPECT_EQ(catalog_.Remove("a").code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(catalog_.size(), 2u);
  for (const char* id : {"b", "c"}) {
    auto index = catalog_.IndexOf(id);
    ASSERT_TRUE(index.has_value());
    EXPECT_EQ(catalog_.item(*index).id, id);
  }
}

// LoadPadded parses the caller's buffer in place. Whatever the bytes after
// the document hold (zeros, digits, quotes, brackets), every document must
// load exactly as Load() loads it, errors included.
TEST(CatalogLoadPaddedTest, MatchesLoadWhateverThePaddingHolds) {
  struct Case {
    const char* name;
    const char* json;
  };
  constexpr Case kCases[] = {
      {"two items", kTwoItems},
      {"object with items", R"({"items": [{"id": "a", "price": 5}], "other": 1})"},
      {"a bad item among good ones", R"([{"id": "a"}, {"id": 7}, {"id": "b", "price": -1}, {"id": "c"}])"},
      {"duplicate ids", R"([{"id": "a"}, {"id": "a"}])"},
      {"number at the very end of a truncated array", R"([{"id": "a", "price": 12)"},
      {"truncated string", R"([{"id": "a", "title": "Trail)"},
      {"trailing content", R"([{"id": "a"}] [)"},
      {"a bare number", "12"},
      {"a bare string", R"("sku")"},
      {"empty array", "[]"},
      {"whitespace", " \n\t "},
      {"invalid UTF-8", "[{\"id\": \"\xff\xfe\"}]"},
  };
  constexpr char kFills[] = {'\0', '9', '"', ']', ' ', '\xff'};
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.name);
    FeatureDictionary want_features;
    Catalog want_catalog(&want_features);
    const auto want = want_catalog.Load(c.json, LoadMode::kUpsert);
    for (char fill : kFills) {
      SCOPED_TRACE(testing::Message() << "padding byte " << static_cast<int>(static_cast<unsigned char>(fill)));
      const std::string_view doc(c.json);
      std::string buffer(doc);
      buffer.append(kJsonPadding, fill);
      FeatureDictionary features;
      Catalog catalog(&features);
      const auto got = catalog.LoadPadded(std::string_view(buffer.data(), doc.size()), LoadMode::kUpsert);
      ASSERT_EQ(got.ok(), want.ok()) << got.status();
      if (!want.ok()) {
        EXPECT_EQ(got.status(), want.status());
        EXPECT_EQ(catalog.size(), 0u);
        continue;
      }
      EXPECT_EQ(got->loaded, want->loaded);
      ASSERT_EQ(got->rejected.size(), want->rejected.size());
      for (size_t i = 0; i < want->rejected.size(); ++i) {
        EXPECT_EQ(got->rejected[i].index, want->rejected[i].index);
        EXPECT_EQ(got->rejected[i].message, want->rejected[i].message);
      }
      ASSERT_EQ(catalog.size(), want_catalog.size());
      for (size_t i = 0; i < catalog.size(); ++i) {
        EXPECT_EQ(catalog.item(i).id, want_catalog.item(i).id);
        EXPECT_EQ(catalog.item(i).title, want_catalog.item(i).title);
        EXPECT_EQ(catalog.item(i).price, want_catalog.item(i).price);
        EXPECT_EQ(catalog.item(i).features.size(), want_catalog.item(i).features.size());
      }
    }
  }
}

TEST(PriceBandTest, DoublesPerBand) {
  struct Case {
    double price;
    int band;
  };
  constexpr Case kCases[] = {{0, 0}, {0.99, 0}, {1, 1}, {1.99, 1}, {2, 2}, {3.99, 2}, {4, 3}, {89.5, 7}, {1e12, 40}};
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.price);
    EXPECT_EQ(PriceBand(c.price), c.band);
  }
}

}  // namespace
}  // namespace hearth
