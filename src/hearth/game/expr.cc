#include "hearth/game/expr.h"

#include <algorithm>
#include <cmath>
#include <optional>

#include "absl/strings/str_cat.h"
#include "hearth/common/json.h"
#include "hearth/common/text.h"

namespace hearth {

namespace od = simdjson::ondemand;

class ExprCompiler {
 public:
  ExprCompiler(ExprPool* pool, size_t* budget, std::string_view where)
      : pool_(pool), budget_(budget), where_(where) {}

  absl::StatusOr<ExprPool::NodeId> Compile(od::value v, int depth, size_t* rule_nodes) {
    if (depth > kMaxExprDepth)
      return Bad(absl::StrCat("is nested deeper than ", kMaxExprDepth, " levels; flatten it with all/any"));
    if (++*rule_nodes > kMaxExprNodesPerRule)
      return Bad(absl::StrCat("has more than ", kMaxExprNodesPerRule, " conditions"));
    if (*budget_ == 0) return absl::ResourceExhaustedError(absl::StrCat(where_, " exceeds the rule set's condition budget; no rules were changed"));
    --*budget_;
    od::object obj;
    if (v.get_object().get(obj)) return Bad("must be an object such as {\"field\": \"price\", \"gte\": 50}");
    ExprPool::Node node;
    node.op = ExprPool::Op::kEq;
    bool have_field = false, have_op = false, combinator = false;
    std::vector<ExprPool::NodeId> kids;
    for (auto f : obj) {
      std::string_view key;
      if (f.unescaped_key().get(key)) return Bad("has an invalid field name");
      od::value fv;
      if (f.value().get(fv)) return Bad("is not valid JSON");
      if (key == "all" || key == "any") {
        if (have_op || have_field) return Bad(absl::StrCat("mixes '", key, "' with other operators; use one per object"));
        od::array arr;
        if (fv.get_array().get(arr)) return Bad(absl::StrCat("'", key, "' must be an array of conditions"));
        for (auto e : arr) {
          od::value ev;
          if (e.get(ev)) return Bad("is not valid JSON");
          auto id = Compile(ev, depth + 1, rule_nodes);
          if (!id.ok()) return id.status();
          kids.push_back(*id);
        }
        if (kids.empty()) return Bad(absl::StrCat("'", key, "' needs at least one condition"));
        node.op = key == "all" ? ExprPool::Op::kAll : ExprPool::Op::kAny;
        have_op = combinator = true;
      } else if (key == "not") {
        if (have_op || have_field) return Bad("mixes 'not' with other operators; use one per object");
        auto id = Compile(fv, depth + 1, rule_nodes);
        if (!id.ok()) return id.status();
        kids.push_back(*id);
        node.op = ExprPool::Op::kNot;
        have_op = combinator = true;
      } else if (key == "field") {
        if (combinator) return Bad("mixes 'field' with all/any/not");
        std::string_view name;
        if (fv.get_string().get(name)) return Bad("'field' must be a string");
        if (auto s = SetField(name, &node); !s.ok()) return s;
        have_field = true;
      } else if (auto op = ParseOp(key)) {
        if (have_op) return Bad("has more than one operator; combine conditions with all/any");
        node.op = *op;
        if (auto s = Operand(fv, &node); !s.ok()) return s;
        have_op = true;
      } else {
        return Bad(absl::StrCat("has an unknown key '", key.substr(0, 40),
                                "'; use all, any, not, or field with eq, ne, in, gt, gte, lt, lte, prefix, has"));
      }
    }
    if (!combinator) {
      if (!have_field) return Bad("needs a 'field' (or all/any/not)");
      if (!have_op) return Bad("needs an operator: eq, ne, in, gt, gte, lt, lte, prefix or has");
      if (auto s = CheckTypes(node); !s.ok()) return s;
    }
    node.first_child = static_cast<uint32_t>(pool_->children_.size());
    node.child_count = static_cast<uint32_t>(kids.size());
    pool_->children_.insert(pool_->children_.end(), kids.begin(), kids.end());
    pool_->nodes_.push_back(std::move(node));
    return static_cast<ExprPool::NodeId>(pool_->nodes_.size() - 1);
  }

 private:
  using Op = ExprPool::Op;
  using Field = ExprPool::Field;

  absl::Status Bad(std::string_view what) const {
    return absl::InvalidArgumentError(absl::StrCat(where_, " ", what, "; no rules were changed"));
  }

  static std::optional<Op> ParseOp(std::string_view k) {
    if (k == "eq") return Op::kEq;
    if (k == "ne") return Op::kNe;
    if (k == "in") return Op::kIn;
    if (k == "gt") return Op::kGt;
    if (k == "gte") return Op::kGte;
    if (k == "lt") return Op::kLt;
    if (k == "lte") return Op::kLte;
    if (k == "prefix") return Op::kPrefix;
    if (k == "has") return Op::kHas;
    return std::nullopt;
  }

  absl::Status SetField(std::string_view name, ExprPool::Node* n) const {
    static constexpr std::pair<std::string_view, Field> kFields[] = {
        {"item", Field::kItem},       {"category", Field::kCategory}, {"tags", Field::kTags},
        {"brand", Field::kBrand},     {"price", Field::kPrice},       {"amount", Field::kAmount},
        {"quantity", Field::kQuantity}, {"deal", Field::kDeal},       {"segment", Field::kSegment},
        {"type", Field::kType},       {"hour", Field::kHour},         {"weekday", Field::kWeekday}};
    for (const auto& [k, f] : kFields)
      if (k == name) {
        n->field = f;
        return absl::OkStatus();
      }
    if (name.substr(0, 8) == "context." && name.size() > 8 && name.size() <= 8 + 64) {
      n->field = Field::kContext;
      n->context_key = std::string(name.substr(8));
      return absl::OkStatus();
    }
    return Bad(absl::StrCat("has an unknown field '", name.substr(0, 40),
                            "'; use item, category, tags, brand, price, amount, quantity, deal, segment, type, "
                            "hour, weekday or context.<key>"));
  }

  absl::Status Operand(od::value v, ExprPool::Node* n) const {
    od::json_type t;
    if (v.type().get(t)) return Bad("has an invalid operand");
    if (n->op == Op::kIn) {
      od::array arr;
      if (v.get_array().get(arr)) return Bad("'in' needs an array of strings or numbers");
      for (auto e : arr) {
        od::value ev;
        if (e.get(ev)) return Bad("'in' has an invalid element");
        if (n->texts.size() + n->numbers.size() >= kMaxExprListItems)
          return Bad(absl::StrCat("'in' lists more than ", kMaxExprListItems, " values"));
        od::json_type et;
        if (ev.type().get(et)) return Bad("'in' has an invalid element");
        if (et == od::json_type::number) {
          double d;
          if (ev.get_double().get(d) || !std::isfinite(d)) return Bad("'in' has a number out of range");
          n->numbers.push_back(d);
        } else if (et == od::json_type::string) {
          std::string_view s;
          if (ev.get_string().get(s) || s.size() > kMaxExprStringBytes) return Bad("'in' has a string that is too long");
          n->texts.push_back(NormalizeKey(s));
        } else {
          return Bad("'in' elements must be strings or numbers");
        }
      }
      if (!n->texts.empty() && !n->numbers.empty()) return Bad("'in' mixes strings and numbers");
      n->numeric = !n->numbers.empty();
      return absl::OkStatus();
    }
    if (t == od::json_type::number) {
      double d;
      if (v.get_double().get(d) || !std::isfinite(d) || std::fabs(d) > 1e15) return Bad("has a number out of range");
      n->number = d;
      n->numeric = true;
    } else if (t == od::json_type::string) {
      std::string_view s;
      if (v.get_string().get(s) || s.size() > kMaxExprStringBytes)
        return Bad(absl::StrCat("has a string longer than ", kMaxExprStringBytes, " bytes"));
      n->text = NormalizeKey(s);
    } else if (t == od::json_type::boolean) {
      bool b;
      if (v.get_bool().get(b)) return Bad("has an invalid boolean");
      n->boolean = true;
      n->number = b ? 1 : 0;
    } else {
      return Bad("operands must be a string, a number or a boolean");
    }
    return absl::OkStatus();
  }

  absl::Status CheckTypes(const ExprPool::Node& n) const {
    const bool numeric_field = n.field == Field::kPrice || n.field == Field::kAmount || n.field == Field::kQuantity ||
                               n.field == Field::kHour || n.field == Field::kWeekday;
    const bool ordered = n.op == Op::kGt || n.op == Op::kGte || n.op == Op::kLt || n.op == Op::kLte;
    if (ordered && !n.numeric) return Bad("compares with gt/gte/lt/lte but the operand is not a number");
    if (ordered && !numeric_field && n.field != Field::kContext)
      return Bad("uses gt/gte/lt/lte on a field that is not a number");
    if ((n.op == Op::kPrefix || n.op == Op::kHas) && (n.numeric || n.boolean))
      return Bad("uses prefix/has with an operand that is not a string");
    if (n.op == Op::kHas && n.field != Field::kTags) return Bad("uses 'has', which applies to tags only");
    if (n.field == Field::kDeal && !n.boolean) return Bad("compares 'deal' with something other than true/false");
    if (numeric_field && !n.numeric && !ordered) return Bad("compares a numeric field with a non-number");
    return absl::OkStatus();
  }

  ExprPool* pool_;
  size_t* budget_;
  std::string_view where_;
};

absl::StatusOr<ExprPool::NodeId> CompileExpr(od::value value, std::string_view where, ExprPool* pool,
                                             size_t* budget) {
  size_t rule_nodes = 0;
  return ExprCompiler(pool, budget, where).Compile(value, 1, &rule_nodes);
}

namespace {

bool CategoryPrefix(std::string_view path, std::string_view prefix) {
  if (prefix.empty()) return true;
  if (path.size() < prefix.size() || path.substr(0, prefix.size()) != prefix) return false;
  return path.size() == prefix.size() || path[prefix.size()] == '/';
}

bool Compare(double a, double b, int op_ordinal) {
  switch (op_ordinal) {
    case 0: return a > b;
    case 1: return a >= b;
    case 2: return a < b;
    default: return a <= b;
  }
}

}  // namespace

bool ExprPool::Eval(NodeId root, const EventFacts& f) const {
  const Node& n = nodes_[root];
  switch (n.op) {
    case Op::kAll:
      for (uint32_t i = 0; i < n.child_count; ++i)
        if (!Eval(children_[n.first_child + i], f)) return false;
      return true;
    case Op::kAny:
      for (uint32_t i = 0; i < n.child_count; ++i)
        if (Eval(children_[n.first_child + i], f)) return true;
      return false;
    case Op::kNot:
      return !Eval(children_[n.first_child], f);
    default:
      return EvalLeaf(n, f);
  }
}

bool ExprPool::EvalLeaf(const Node& n, const EventFacts& f) const {
  // Numeric view of the field (if it has one) and string view.
  bool has_number = false, has_text = false;
  double number = 0;
  std::string_view text;
  switch (n.field) {
    case Field::kItem: text = f.item, has_text = true; break;
    case Field::kCategory: text = f.category, has_text = true; break;
    case Field::kBrand: text = f.brand, has_text = true; break;
    case Field::kSegment: text = f.segment, has_text = true; break;
    case Field::kType: text = f.type, has_text = true; break;
    case Field::kPrice:
      if (f.price < 0) return n.op == Op::kNe;  // unknown price matches nothing but "ne"
      number = f.price, has_number = true;
      break;
    case Field::kAmount: number = f.amount, has_number = true; break;
    case Field::kQuantity: number = f.quantity, has_number = true; break;
    case Field::kHour: number = f.hour, has_number = true; break;
    case Field::kWeekday: number = f.weekday, has_number = true; break;
    case Field::kDeal: number = f.deal ? 1 : 0, has_number = true; break;
    case Field::kTags: {
      if (f.tags == nullptr) return n.op == Op::kNe;
      const auto& tags = *f.tags;
      auto any = [&](std::string_view want) { return std::find(tags.begin(), tags.end(), want) != tags.end(); };
      switch (n.op) {
        case Op::kEq:
        case Op::kHas: return any(n.text);
        case Op::kNe: return !any(n.text);
        case Op::kIn:
          for (const std::string& t : n.texts)
            if (any(t)) return true;
          return false;
        case Op::kPrefix:
          for (const std::string& t : tags)
            if (t.compare(0, n.text.size(), n.text) == 0) return true;
          return false;
        default: return false;
      }
    }
    case Field::kContext: {
      if (f.context == nullptr) return n.op == Op::kNe;
      auto it = std::lower_bound(f.context->begin(), f.context->end(), n.context_key,
                                 [](const auto& kv, const std::string& k) { return kv.first < k; });
      if (it == f.context->end() || it->first != n.context_key) return n.op == Op::kNe;
      const ContextValue& v = it->second;
      if (v.kind == ContextValue::Kind::kString) text = v.text, has_text = true;
      else number = v.number, has_number = true;
      if (v.kind == ContextValue::Kind::kBool && !n.boolean && n.op != Op::kNe) return false;
      break;
    }
  }
  switch (n.op) {
    case Op::kEq:
      if (n.numeric || n.boolean) return has_number && number == n.number;
      return has_text && text == n.text;
    case Op::kNe:
      if (n.numeric || n.boolean) return !has_number || number != n.number;
      return !has_text || text != n.text;
    case Op::kIn:
      if (n.numeric) return has_number && std::find(n.numbers.begin(), n.numbers.end(), number) != n.numbers.end();
      return has_text && std::find(n.texts.begin(), n.texts.end(), text) != n.texts.end();
    case Op::kGt: return has_number && Compare(number, n.number, 0);
    case Op::kGte: return has_number && Compare(number, n.number, 1);
    case Op::kLt: return has_number && Compare(number, n.number, 2);
    case Op::kLte: return has_number && Compare(number, n.number, 3);
    case Op::kPrefix:
      if (!has_text) return false;
      if (n.field == Field::kCategory) return CategoryPrefix(text, n.text);
      return text.substr(0, n.text.size()) == n.text;
    default: return false;
  }
}

absl::Status ParseEventContext(std::string_view json, std::vector<std::pair<std::string, ContextValue>>* out) {
  out->clear();
  if (json.empty()) return absl::OkStatus();
  if (json.size() > kMaxContextJsonBytes)
    return absl::InvalidArgumentError(absl::StrCat("event context is larger than ", kMaxContextJsonBytes, " bytes"));
  od::parser parser;
  simdjson::padded_string padded(json);
  od::document doc;
  if (parser.iterate(padded).get(doc)) return absl::InvalidArgumentError("event context is not valid JSON");
  od::object obj;
  if (doc.get_object().get(obj)) return absl::InvalidArgumentError("event context must be an object");
  for (auto field : obj) {
    std::string_view key;
    if (field.unescaped_key().get(key)) return absl::InvalidArgumentError("event context has an invalid key");
    if (key.empty() || key.size() > 64)
      return absl::InvalidArgumentError("event context keys must be 1 to 64 characters long");
    if (out->size() >= kMaxContextKeys)
      return absl::InvalidArgumentError(absl::StrCat("event context has more than ", kMaxContextKeys, " keys"));
    od::value v;
    od::json_type t;
    if (field.value().get(v) || v.type().get(t)) return absl::InvalidArgumentError("event context is not valid JSON");
    ContextValue cv;
    const std::string where = absl::StrCat("event context.", key.substr(0, 64));
    if (t == od::json_type::string) {
      std::string_view s;
      if (v.get_string().get(s) || s.size() > kMaxExprStringBytes)
        return absl::InvalidArgumentError(absl::StrCat(where, " must be a string of at most ", kMaxExprStringBytes, " bytes"));
      cv.text = NormalizeKey(s);
    } else if (t == od::json_type::number) {
      if (v.get_double().get(cv.number) || !std::isfinite(cv.number))
        return absl::InvalidArgumentError(absl::StrCat(where, " must be a finite number"));
      cv.kind = ContextValue::Kind::kNumber;
    } else if (t == od::json_type::boolean) {
      bool b;
      if (v.get_bool().get(b)) return absl::InvalidArgumentError(absl::StrCat(where, " is not a boolean"));
      cv.kind = ContextValue::Kind::kBool;
      cv.number = b ? 1 : 0;
    } else if (t == od::json_type::null) {
      continue;  // absent
    } else {
      return absl::InvalidArgumentError(absl::StrCat(where, " must be a string, number or boolean (no nesting)"));
    }
    out->emplace_back(std::string(key), std::move(cv));
  }
  std::sort(out->begin(), out->end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (size_t i = 1; i < out->size(); ++i)
    if ((*out)[i - 1].first == (*out)[i].first)
      return absl::InvalidArgumentError(absl::StrCat("event context lists '", (*out)[i].first, "' twice"));
  return absl::OkStatus();
}

}  // namespace hearth
