// A small catalog (and an engine holding it) shared by the engine, batch,
// snapshot and deals tests.
#ifndef HEARTH_TESTS_CPP_ENGINE_TEST_CATALOG_H_
#define HEARTH_TESTS_CPP_ENGINE_TEST_CATALOG_H_

#include <cstdint>
#include <memory>

#include "gtest/gtest.h"
#include "hearth/engine/engine.h"

namespace hearth::testing {

inline constexpr int64_t kNow = 1'793'000'000'000;  // 2026-10-27
inline constexpr int64_t kDay = 86'400'000;

inline constexpr char kShopCatalog[] = R"([
  {"id": "trail-1", "title": "Ridge runner", "category": "Shoes > Trail", "tags": ["waterproof"],
   "brand": "Acme", "price": 120},
  {"id": "trail-2", "title": "Mud hopper", "category": "Shoes > Trail", "tags": ["grip"], "brand": "Acme",
   "price": 95},
  {"id": "city-1", "title": "Office loafer", "category": "Shoes > City", "tags": ["formal"], "brand": "Birch",
   "price": 150},
  {"id": "tent-1", "title": "Two-person tent", "category": "Camping > Tents", "brand": "Fjell", "price": 300},
  {"id": "sock-1", "title": "Merino socks", "category": "Apparel > Socks", "tags": ["merino"], "brand": "Acme",
   "price": 18}
])";

// A fresh engine holding kShopCatalog.
inline std::unique_ptr<Engine> ShopEngine() {
  auto engine = *Engine::Create(ProfileConfig{});
  EXPECT_TRUE(engine->LoadCatalog(kShopCatalog, LoadMode::kUpsert).ok());
  return engine;
}

}  // namespace hearth::testing

#endif  // HEARTH_TESTS_CPP_ENGINE_TEST_CATALOG_H_
