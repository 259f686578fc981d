#include "hearth/catalog/catalog.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "hearth/common/text.h"
#include "hearth/common/json.h"
#include "simdjson.h"

namespace hearth {
namespace {

namespace od = simdjson::ondemand;

std::string_view TypeName(od::json_type t) {
  switch (t) {
    case od::json_type::array: return "an array";
    case od::json_type::object: return "an object";
    case od::json_type::number: return "a number";
    case od::json_type::string: return "a string";
    case od::json_type::boolean: return "a boolean";
    case od::json_type::null: return "null";
  }
  return "a value";
}

constexpr std::string_view kSpace = " \t\r\n\f\v";

std::string_view TrimSpace(std::string_view s) {
  const size_t b = s.find_first_not_of(kSpace);
  if (b == std::string_view::npos) return {};
  return s.substr(b, s.find_last_not_of(kSpace) - b + 1);
}

// Whether NormalizeKey(s) would be empty, without building it.
bool IsBlank(std::string_view s) { return s.find_first_not_of(kSpace) == std::string_view::npos; }

// Reads one item object. The first problem found becomes the reject; a
// document-level error is returned through `fatal`.
class ItemReader {
 public:
  ItemReader(int64_t index, ItemReject* reject) : index_(index), reject_(reject) {}

  simdjson::error_code fatal = simdjson::SUCCESS;

  bool Read(od::value value, Item* item) {
    item_ = item;
    od::json_type type;
    if (!Check(value.type().get(type), "", "")) return false;
    if (type != od::json_type::object) return Fail("", absl::StrCat("expected an object, got ", TypeName(type)));
    od::object obj;
    if (!Check(value.get_object().get(obj), "", "expected an object")) return false;
    uint32_t seen = 0;
    for (auto field_result : obj) {
      od::field field;
      if (!Check(std::move(field_result).get(field), "", "")) return false;
      std::string_view key;
      if (!Check(field.unescaped_key().get(key), "", "field names must be valid strings")) return false;
      const int slot = FieldSlot(key);
      if (slot < 0) continue;  // unknown fields are the host's business
      if (seen & (1u << slot)) return Fail(key, "appears twice in the same item");
      seen |= 1u << slot;
      if (!ReadField(slot, key, field.value(), item)) return false;
    }
    if (!(seen & 1u)) return Fail("id", "is required");
    return true;
  }

 private:
  // The slot of a known field name, -1 for others. Dispatches on the first
  // byte so that each key costs one comparison, not up to twelve.
  static int FieldSlot(std::string_view key) {
    if (key.empty()) return -1;
    auto is = [&](std::string_view name, int slot) { return key == name ? slot : -1; };
    switch (key[0]) {
      case 'i': return key.size() == 2 ? is("id", 0) : is("image", 9);
      case 't': return key.size() == 4 ? is("tags", 3) : is("title", 1);
      case 'c': return key.size() == 8 ? is("category", 2) : is("created_at", 7);
      case 'b': return is("brand", 4);
      case 'p': return key.size() == 5 ? is("price", 5) : is("popularity", 8);
      case 's': return is("stock", 6);
      case 'u': return is("url", 10);
      case 'a': return is("attributes", 11);
      default: return -1;
    }
  }

  bool ReadField(int slot, std::string_view key, od::value v, Item* item) {
    switch (slot) {
      case 0: {
        if (!String(v, key, kMaxIdBytes, &item->id)) return false;
        if (item->id.empty()) return Fail(key, "must not be empty");
        return true;
      }
      case 1: return String(v, key, kMaxTitleBytes, &item->title);
      case 2: return Category(v, key, &item->category);
      case 3: return StringArray(v, key, kMaxTags, &item->tags);
      case 4: return String(v, key, kMaxNameBytes, &item->brand);
      case 5: {
        double price;
        if (!Number(v, key, &price)) return false;
        if (price < 0 || price > kMaxPrice) return Fail(key, absl::StrCat("must be between 0 and ", kMaxPrice));
        item->price = price;
        return true;
      }
      case 6: {
        double stock;
        if (!Number(v, key, &stock)) return false;
        if (stock < 0 || stock > 2147483647.0 || stock != std::floor(stock))
          return Fail(key, "must be a whole number between 0 and 2147483647");
        item->stock = static_cast<int64_t>(stock);
        return true;
      }
      case 7: return Timestamp(v, key, &item->created_at_ms);
      case 8: {
        double pop;
        if (!Number(v, key, &pop)) return false;
        if (pop < 0 || pop > 1e15) return Fail(key, "must be between 0 and 1e15");
        item->popularity = pop;
        return true;
      }
      case 9: return String(v, key, kMaxUrlBytes, &item->image);
      case 10: return String(v, key, kMaxUrlBytes, &item->url);
      case 11: return Attributes(v, key, &item->attributes);
    }
    return true;
  }

  bool Fail(std::string_view field, std::string message) {
    reject_->index = index_;
    // The id, once read, names the item (copied only for a reject).
    if (item_ != nullptr) reject_->id = item_->id;
    reject_->field = std::string(field);
    reject_->message = field.empty() ? std::move(message) : absl::StrCat(field, " ", message);
    return false;
  }

  // Maps a simdjson error to a reject (value errors) or to `fatal`.
  bool Check(simdjson::error_code e, std::string_view field, std::string_view what) {
    if (e == simdjson::SUCCESS) return true;
    if (IsValueError(e)) {
      std::string msg = what.empty() ? std::string(simdjson::error_message(e)) : std::string(what);
      return Fail(field, msg);
    }
    fatal = e;
    return false;
  }

  bool String(od::value v, std::string_view field, size_t limit, std::string* out) {
    std::string_view s;
    if (!StringView(v, field, limit, &s)) return false;
    out->assign(s);
    return true;
  }

  // The validated string as a view into the parser's buffer (valid until the
  // next string is read): no copy for values that are only inspected.
  bool StringView(od::value v, std::string_view field, size_t limit, std::string_view* out) {
    od::json_type type;
    if (!Check(v.type().get(type), field, "")) return false;
    if (type != od::json_type::string) return Fail(field, absl::StrCat("must be a string, got ", TypeName(type)));
    std::string_view s;
    if (!Check(v.get_string().get(s), field, "is not a valid string (bad escape or lone surrogate)")) return false;
    if (s.size() > limit)
      return Fail(field, absl::StrCat("is ", s.size(), " bytes; the limit is ", limit));
    *out = s;
    return true;
  }

  bool Number(od::value v, std::string_view field, double* out) {
    od::json_type type;
    if (!Check(v.type().get(type), field, "")) return false;
    if (type != od::json_type::number) return Fail(field, absl::StrCat("must be a number, got ", TypeName(type)));
    if (!Check(v.get_double().get(*out), field, "is not a representable number")) return false;
    if (!std::isfinite(*out)) return Fail(field, "must be finite");
    return true;
  }

  bool Timestamp(od::value v, std::string_view field, int64_t* out) {
    od::json_type type;
    if (!Check(v.type().get(type), field, "")) return false;
    // Bounds: 1970 .. 9999, in milliseconds.
    constexpr double kMaxMs = 253402300799999.0;
    if (type == od::json_type::number) {
      double ms;
      if (!Number(v, field, &ms)) return false;
      if (ms < 0 || ms > kMaxMs) return Fail(field, "must be milliseconds since 1970 before year 10000");
      *out = static_cast<int64_t>(ms);
      return true;
    }
    std::string_view text;
    if (!StringView(v, field, 64, &text)) return false;
    int64_t ms;
    if (!ParseTimestamp(text, &ms) || ms < 0 || ms > kMaxMs)
      return Fail(field, "must be milliseconds since 1970 or an ISO-8601 date such as 2026-11-25T10:00:00Z");
    *out = ms;
    return true;
  }

  bool StringArray(od::value v, std::string_view field, size_t max_count, std::vector<std::string>* out) {
    od::json_type type;
    if (!Check(v.type().get(type), field, "")) return false;
    if (type != od::json_type::array)
      return Fail(field, absl::StrCat("must be an array of strings, got ", TypeName(type)));
    od::array arr;
    if (!Check(v.get_array().get(arr), field, "")) return false;
    for (auto element : arr) {
      od::value ev;
      if (!Check(std::move(element).get(ev), field, "")) return false;
      if (out->size() == max_count)
        return Fail(field, absl::StrCat("has more than ", max_count, " entries"));
      std::string_view s;
      if (!StringView(ev, field, kMaxNameBytes, &s)) return false;
      if (IsBlank(s)) return Fail(field, "entries must not be blank");
      // Room for a few up front: one allocation instead of growing 1, 2, 4.
      if (out->empty()) out->reserve(std::min<size_t>(max_count, 4));
      out->emplace_back(s);
    }
    return true;
  }

  bool Category(od::value v, std::string_view field, std::vector<std::string>* out) {
    od::json_type type;
    if (!Check(v.type().get(type), field, "")) return false;
    if (type == od::json_type::array) {
      if (!StringArray(v, field, kMaxCategoryLevels, out)) return false;
    } else {
      std::string_view path;
      if (!StringView(v, field, kMaxCategoryLevels * (kMaxNameBytes + 3), &path)) return false;
      if (path.empty()) return true;
      // The levels of SplitCategoryPath, as views: no temporary vector, and
      // the output sized once (separators + 1, capped at the limit + 1 so an
      // over-long path is still reported by the check below).
      out->reserve(std::min<size_t>(kMaxCategoryLevels + 1,
                                    1 + static_cast<size_t>(std::count_if(path.begin(), path.end(), [](char c) {
                                      return c == '>' || c == '/';
                                    }))));
      size_t start = 0;
      while (true) {
        const size_t end = path.find_first_of(">/", start);
        const std::string_view level = TrimSpace(path.substr(start, end == std::string_view::npos ? end : end - start));
        if (level.empty()) return Fail(field, "has an empty level");
        if (out->size() == kMaxCategoryLevels)
          return Fail(field, absl::StrCat("has more than ", kMaxCategoryLevels, " levels"));
        if (level.size() > kMaxNameBytes)
          return Fail(field, absl::StrCat("level is longer than ", kMaxNameBytes, " bytes"));
        out->emplace_back(level);
        if (end == std::string_view::npos) break;
        start = end + 1;
      }
    }
    return true;
  }

  bool Attributes(od::value v, std::string_view field, std::vector<std::pair<std::string, std::string>>* out) {
    od::json_type type;
    if (!Check(v.type().get(type), field, "")) return false;
    if (type != od::json_type::object) return Fail(field, absl::StrCat("must be an object, got ", TypeName(type)));
    od::object obj;
    if (!Check(v.get_object().get(obj), field, "")) return false;
    for (auto f : obj) {
      od::field af;
      if (!Check(std::move(f).get(af), field, "")) return false;
      std::string_view k;
      if (!Check(af.unescaped_key().get(k), field, "keys must be valid strings")) return false;
      if (out->size() == kMaxAttributes)
        return Fail(field, absl::StrCat("has more than ", kMaxAttributes, " entries"));
      if (k.size() > kMaxNameBytes) return Fail(field, absl::StrCat("key longer than ", kMaxNameBytes, " bytes"));
      std::string key(k);
      od::value av = af.value();
      od::json_type at;
      if (!Check(av.type().get(at), field, "")) return false;
      std::string value;
      if (at == od::json_type::string) {
        std::string_view sv;
        if (!StringView(av, field, kMaxAttributeValueBytes, &sv)) return false;
        value.assign(sv);
      } else if (at == od::json_type::number) {
        double d;
        if (!Number(av, field, &d)) return false;
        JsonWriter w;
        w.Double(d);
        value = w.str();
      } else if (at == od::json_type::boolean) {
        bool b = false;
        if (!Check(av.get_bool().get(b), field, "")) return false;
        value = b ? "true" : "false";
      } else {
        return Fail(field, absl::StrCat("values must be strings, numbers or booleans; '", key, "' is ",
                                        TypeName(at)));
      }
      if (out->empty()) out->reserve(4);
      out->emplace_back(std::move(key), std::move(value));
    }
    return true;
  }

  int64_t index_;
  ItemReject* reject_;
  const Item* item_ = nullptr;
};

std::string DocumentError(simdjson::error_code e, std::string_view where) {
  return absl::StrCat("catalog JSON is not valid", where.empty() ? "" : " ", where, ": ",
                      simdjson::error_message(e), "; fix the document and load it again");
}

// Interns the item's features. Keys are built in one reused buffer (`key`,
// kept by the caller across items, so it stops allocating after the first
// few) and the (more expensive) label only for a feature the dictionary has
// not seen yet: most items of a catalog share most of their features.
void InternFeatures(Item* item, FeatureDictionary* dict, std::string& key) {
  item->features.reserve(item->category.size() + item->tags.size() + 2);
  auto add = [&](auto&& make_label) {
    if (auto id = dict->Find(key)) {
      item->features.push_back(*id);
    } else {
      item->features.push_back(dict->Intern(key, make_label()));
    }
  };
  // "cat:" + the normalised path so far: each level extends the last key.
  key.assign("cat:");
  for (size_t i = 0; i < item->category.size(); ++i) {
    const std::string& level = item->category[i];
    if (i > 0) key.push_back('/');
    AppendNormalizedKey(level, &key);
    add([&]() -> std::string_view { return level; });
  }
  for (const std::string& tag : item->tags) {
    key.assign("tag:");
    AppendNormalizedKey(tag, &key);
    add([&]() -> std::string_view { return tag; });
  }
  key.assign("brand:");
  AppendNormalizedKey(item->brand, &key);
  if (key.size() > 6) add([&]() -> std::string_view { return item->brand; });
  if (item->price) {
    const int band = PriceBand(*item->price);
    char digits[4];
    const int n = band >= 10 ? 2 : 1;
    if (n == 2) digits[0] = static_cast<char>('0' + band / 10);
    digits[n - 1] = static_cast<char>('0' + band % 10);
    key.assign("price:").append(digits, static_cast<size_t>(n));
    add([&] {
      const double lo = band == 0 ? 0 : std::ldexp(1.0, band - 1), hi = std::ldexp(1.0, band);
      return absl::StrCat("price ", lo, "–", hi);
    });
  }
  std::sort(item->features.begin(), item->features.end());
  item->features.erase(std::unique(item->features.begin(), item->features.end()), item->features.end());
}

}  // namespace

std::vector<std::string> SplitCategoryPath(std::string_view path) {
  std::vector<std::string> levels;
  constexpr std::string_view kSpace = " \t\r\n\f\v";
  size_t start = 0;
  while (true) {
    const size_t end = path.find_first_of(">/", start);
    std::string_view level = path.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    const size_t b = level.find_first_not_of(kSpace);
    levels.emplace_back(b == std::string_view::npos ? std::string_view() : level.substr(b, level.find_last_not_of(kSpace) - b + 1));
    if (end == std::string_view::npos) return levels;
    start = end + 1;
  }
}

std::string CategoryKey(const std::vector<std::string>& levels) {
  std::string key = "cat:";
  for (size_t i = 0; i < levels.size(); ++i) {
    if (i > 0) key.push_back('/');
    key += NormalizeKey(levels[i]);
  }
  return key;
}

int PriceBand(double price) {
  if (!(price >= 1)) return 0;
  int exp;
  std::frexp(price, &exp);  // price = m * 2^exp, m in [0.5, 1)
  return std::min(exp, 48);
}

static_assert(kJsonPadding >= simdjson::SIMDJSON_PADDING, "kJsonPadding must cover simdjson's padding");

absl::StatusOr<LoadResult> Catalog::Load(std::string_view json, LoadMode mode) { return Parse(json, false, mode); }

absl::StatusOr<LoadResult> Catalog::LoadPadded(std::string_view json, LoadMode mode) {
  return Parse(json, true, mode);
}

absl::StatusOr<LoadResult> Catalog::Parse(std::string_view json, bool padded, LoadMode mode) {
  if (json.size() > kMaxDocumentBytes)
    return absl::ResourceExhaustedError(absl::StrCat("catalog document is ", json.size(), " bytes; the limit is ",
                                                     kMaxDocumentBytes, " — split it into several loads"));
  size_t first = json.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos)
    return absl::InvalidArgumentError("catalog document is empty; pass a JSON array of items or {\"items\": [...]}");

  // Copy into a padded buffer only when the caller's buffer has no padding.
  simdjson::padded_string copy;
  simdjson::padded_string_view input(json.data(), json.size(), json.size() + kJsonPadding);
  if (!padded) {
    copy = simdjson::padded_string(json);
    input = copy;
  }
  od::parser parser;
  od::document doc;
  if (auto e = parser.iterate(input).get(doc)) return absl::InvalidArgumentError(DocumentError(e, ""));

  od::json_type top;
  if (auto e = doc.type().get(top)) return absl::InvalidArgumentError(DocumentError(e, "at the top level"));
  od::array items;
  if (top == od::json_type::array) {
    if (auto e = doc.get_array().get(items)) return absl::InvalidArgumentError(DocumentError(e, "at the top level"));
  } else if (top == od::json_type::object) {
    od::object obj;
    if (auto e = doc.get_object().get(obj)) return absl::InvalidArgumentError(DocumentError(e, "at the top level"));
    auto field = obj.find_field_unordered("items");
    if (field.error() == simdjson::NO_SUCH_FIELD)
      return absl::InvalidArgumentError("catalog object has no \"items\" array; pass [...] or {\"items\": [...]}");
    od::json_type t;
    if (auto e = field.type().get(t)) return absl::InvalidArgumentError(DocumentError(e, "in \"items\""));
    if (t != od::json_type::array)
      return absl::InvalidArgumentError(absl::StrCat("catalog \"items\" must be an array, got ", TypeName(t)));
    if (auto e = field.get_array().get(items)) return absl::InvalidArgumentError(DocumentError(e, "in \"items\""));
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat("catalog must be a JSON array of items or {\"items\": [...]}, got ", TypeName(top)));
  }

  // Staged items and their document indices. Items run ~500 bytes of JSON
  // each in practice; reserving for one per 256 bytes (at most 64k up front,
  // so a document of whitespace cannot reserve much) avoids most regrowth.
  std::vector<Item> staged;
  std::vector<int64_t> staged_index;
  const size_t estimate = std::min<size_t>(json.size() / 256 + 1, 65536);
  staged.reserve(estimate);
  staged_index.reserve(estimate);
  LoadResult result;
  int64_t index = 0;
  for (auto element : items) {
    od::value v;
    if (auto e = std::move(element).get(v))
      return absl::InvalidArgumentError(DocumentError(e, absl::StrCat("at item ", index)));
    ItemReject reject;
    Item& item = staged.emplace_back();
    ItemReader reader(index, &reject);
    bool ok = reader.Read(v, &item);
    if (reader.fatal != simdjson::SUCCESS)
      return absl::InvalidArgumentError(DocumentError(reader.fatal, absl::StrCat("at item ", index)));
    if (ok) {
      if (staged.size() > kMaxItems)
        return absl::ResourceExhaustedError(
            absl::StrCat("catalog has more than ", kMaxItems, " items; the limit is ", kMaxItems));
      staged_index.push_back(index);
    } else {
      staged.pop_back();
      reject.index = index;
      result.rejected.push_back(std::move(reject));
    }
    ++index;
  }
  // After a root array the iterator must be at the end of the input; with a
  // root object the remaining fields are the host's business.
  const char* rest;
  if (top == od::json_type::array && doc.current_location().get(rest) == simdjson::SUCCESS)
    return absl::InvalidArgumentError(DocumentError(simdjson::TRAILING_CONTENT, "after the items"));

  // Duplicate ids inside one document: the first wins, later ones are rejected.
  // A replace, or a load into an empty catalog (a page's first load), builds
  // its new id index here, in the same pass: one hash and insert per item
  // instead of three or four. An upsert into a non-empty catalog only needs
  // to find repeats here.
  const bool fresh = mode == LoadMode::kReplace || items_.empty();
  std::vector<bool> keep(staged.size(), true);
  size_t n_unique = staged.size();
  absl::flat_hash_map<std::string, ItemIndex> fresh_index;  // `fresh`: id → position among kept items
  auto reject_duplicate = [&](size_t i, int64_t first) {
    keep[i] = false;
    --n_unique;
    result.rejected.push_back(ItemReject{staged_index[i], staged[i].id, "id",
                                         absl::StrCat("id '", staged[i].id, "' duplicates item ", first)});
  };
  if (fresh) {
    fresh_index.reserve(staged.size());
    std::vector<int64_t> kept_doc_index;  // document index of each kept item, by position
    kept_doc_index.reserve(staged.size());
    for (size_t i = 0; i < staged.size(); ++i) {
      auto [it, inserted] = fresh_index.emplace(staged[i].id, static_cast<ItemIndex>(kept_doc_index.size()));
      if (inserted) {
        kept_doc_index.push_back(staged_index[i]);
      } else {
        reject_duplicate(i, kept_doc_index[it->second]);
      }
    }
  } else {
    absl::flat_hash_map<std::string_view, int64_t> seen_ids;
    seen_ids.reserve(staged.size());
    for (size_t i = 0; i < staged.size(); ++i) {
      auto [it, inserted] = seen_ids.emplace(staged[i].id, staged_index[i]);
      if (!inserted) reject_duplicate(i, it->second);
    }
  }
  std::sort(result.rejected.begin(), result.rejected.end(),
            [](const ItemReject& a, const ItemReject& b) { return a.index < b.index; });

  size_t final_size = fresh ? n_unique : items_.size();
  if (!fresh)
    for (size_t i = 0; i < staged.size(); ++i)
      if (keep[i] && !index_.contains(staged[i].id)) ++final_size;
  if (final_size > kMaxItems)
    return absl::ResourceExhaustedError(
        absl::StrCat("catalog would hold ", final_size, " items; the limit is ", kMaxItems));

  // Commit: nothing below can fail.
  ++version_;
  if (mode == LoadMode::kReplace) Clear();
  if (fresh) index_ = std::move(fresh_index);  // positions match the push_backs below
  items_.reserve(final_size);
  index_.reserve(final_size);
  std::string key;  // feature-key scratch, reused across items
  for (size_t i = 0; i < staged.size(); ++i) {
    if (!keep[i]) continue;
    Item& item = staged[i];
    InternFeatures(&item, features_, key);
    if (fresh) {  // indexed above, in this order
      items_.push_back(std::move(item));
      ++result.loaded;
      continue;
    }
    auto [it, inserted] = index_.try_emplace(item.id, static_cast<ItemIndex>(items_.size()));
    if (inserted) {
      items_.push_back(std::move(item));
    } else {
      items_[it->second] = std::move(item);
    }
    ++result.loaded;
  }
  return result;
}

absl::Status Catalog::Remove(std::string_view id) {
  auto it = index_.find(id);
  if (it == index_.end()) return absl::NotFoundError(absl::StrCat("no item with id '", id, "' in the catalog"));
  const ItemIndex victim = it->second;
  index_.erase(it);
  if (victim != items_.size() - 1) {
    items_[victim] = std::move(items_.back());
    index_[items_[victim].id] = victim;
  }
  items_.pop_back();
  ++version_;
  return absl::OkStatus();
}

void Catalog::Clear() {
  ++version_;
  items_.clear();
  index_.clear();
}

std::optional<ItemIndex> Catalog::IndexOf(std::string_view id) const {
  auto it = index_.find(id);
  if (it == index_.end()) return std::nullopt;
  return it->second;
}

const Item* Catalog::Find(std::string_view id) const {
  auto it = index_.find(id);
  return it == index_.end() ? nullptr : &items_[it->second];
}

}  // namespace hearth
