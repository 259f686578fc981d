// The bounded condition language of game rules: a JSON predicate tree,
// compiled once at load time into a flat node array and evaluated per event.
//
// Example:
//   {"all": [{"field": "price", "gte": 50},
//            {"any": [{"field": "category", "prefix": "shoes"},
//                     {"field": "tags", "has": "waterproof"}]},
//            {"not": {"field": "context.channel", "eq": "kiosk"}}]}
//
//   hearth::ExprPool pool;
//   auto root = hearth::CompileExpr(value, "earn[3].when", &pool, &budget);
//   bool match = pool.Eval(*root, facts);
//
// The language has no loops, no variables, no references and no eval: a tree
// of `all` / `any` / `not` over leaves `{"field": F, <op>: operand}` with one
// operator per leaf. Depth, node count, list lengths and string lengths are
// bounded (kMaxExprDepth, kMaxExprNodes, ...), so evaluation is linear in the
// size of the tree and the tree is small.
//
// Fields: item, category (path "shoes/trail", prefix matches whole levels),
// tags (a list: eq/has/in match any tag), brand, price, amount (purchase
// value), quantity, deal, segment, type, hour (0–23) and weekday (1 Monday …
// 7 Sunday) in the user's time zone, and context.<key> (host-supplied).
// Operators: eq, ne, in, gt, gte, lt, lte, prefix, has. Strings compare after
// NormalizeKey (case and spacing do not matter).
#ifndef HEARTH_GAME_EXPR_H_
#define HEARTH_GAME_EXPR_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "simdjson.h"

namespace hearth {

inline constexpr int kMaxExprDepth = 8;
inline constexpr size_t kMaxExprNodesPerRule = 64;
inline constexpr size_t kMaxExprListItems = 64;
inline constexpr size_t kMaxExprStringBytes = 256;
inline constexpr size_t kMaxContextKeys = 32;
inline constexpr size_t kMaxContextJsonBytes = 4096;

// A host-supplied context value: a string (normalised), a number or a bool.
struct ContextValue {
  enum class Kind : uint8_t { kString, kNumber, kBool } kind = Kind::kString;
  std::string text;
  double number = 0;
};

// What an event looks like to the conditions. Views into the caller's data.
struct EventFacts {
  std::string_view type;
  std::string_view item;
  std::string_view category;  // normalised levels joined by '/', "" when none
  const std::vector<std::string>* tags = nullptr;  // normalised
  std::string_view brand;     // normalised
  double price = -1;          // -1: unknown
  double amount = 0;          // purchase value (0 otherwise)
  double quantity = 1;
  bool deal = false;
  std::string_view segment;
  int hour = 0;      // local
  int weekday = 1;   // local, 1 Monday … 7 Sunday
  const std::vector<std::pair<std::string, ContextValue>>* context = nullptr;  // sorted by key
};

// Parses the host's context object ({"channel": "app", "store": 12}) into a
// key-sorted list. Only flat strings, numbers and booleans; bounded.
absl::Status ParseEventContext(std::string_view json, std::vector<std::pair<std::string, ContextValue>>* out);

// Holds the nodes of every compiled expression of one rule set.
class ExprPool {
 public:
  using NodeId = uint32_t;

  // True when the event satisfies the expression rooted at `root`.
  bool Eval(NodeId root, const EventFacts& facts) const;
  size_t size() const { return nodes_.size(); }

 private:
  friend class ExprCompiler;
  enum class Op : uint8_t { kAll, kAny, kNot, kEq, kNe, kIn, kGt, kGte, kLt, kLte, kPrefix, kHas };
  enum class Field : uint8_t {
    kItem, kCategory, kTags, kBrand, kPrice, kAmount, kQuantity, kDeal, kSegment, kType, kHour, kWeekday, kContext
  };
  struct Node {
    Op op;
    Field field = Field::kItem;
    bool numeric = false;  // operand is a number (else string/bool)
    bool boolean = false;  // operand is a bool
    uint32_t first_child = 0, child_count = 0;  // into children_ (all/any/not)
    double number = 0;
    std::string text;                 // string operand, or the context key
    std::string context_key;
    std::vector<std::string> texts;   // in: strings
    std::vector<double> numbers;      // in: numbers
  };
  bool EvalLeaf(const Node& n, const EventFacts& f) const;
  std::vector<Node> nodes_;
  std::vector<NodeId> children_;
};

// Compiles `value` into `pool`. `where` names the rule field in errors
// ("earn[3].when"); `budget` is the remaining node allowance of the whole rule
// set and is decremented.
absl::StatusOr<ExprPool::NodeId> CompileExpr(simdjson::ondemand::value value, std::string_view where,
                                             ExprPool* pool, size_t* budget);

}  // namespace hearth

#endif  // HEARTH_GAME_EXPR_H_
