#include "spl/jit/code_cache.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <map>

#include "spl/jit/symbol_resolver.hpp"

namespace spl::jit {
namespace {

constexpr Type kI64 = Type::of(TypeKind::kI64);
constexpr Type kF64 = Type::of(TypeKind::kF64);

void* fake(std::uintptr_t n) { return reinterpret_cast<void*>(n * 16); }

TEST(CodeCache, KeysByNameAndTypeArguments) {
  CodeCache cache;
  cache.insert({"sum", {kI64}}, fake(1), 100);
  cache.insert({"sum", {kF64}}, fake(2), 50);
  cache.insert({"sum", {}}, fake(3), 10);
  EXPECT_EQ(cache.find("sum", std::vector<Type>{kI64}), fake(1));
  EXPECT_EQ(cache.find("sum", std::vector<Type>{kF64}), fake(2));
  EXPECT_EQ(cache.find("sum", {}), fake(3));
  EXPECT_EQ(cache.find("sum", std::vector<Type>{kI64, kI64}), nullptr);
  EXPECT_EQ(cache.find("su", std::vector<Type>{kI64}), nullptr);
  EXPECT_EQ(cache.stats().hits, 3u);
  EXPECT_EQ(cache.stats().misses, 2u);
  EXPECT_EQ(cache.stats().code_bytes, 160u);
  const std::string long_name(200, 'x');  // longer than the inline key buffer
  cache.insert({long_name, {kI64}}, fake(4), 1);
  EXPECT_EQ(cache.find(long_name, std::vector<Type>{kI64}), fake(4));
}

TEST(CodeCache, InvalidationFollowsDependents) {
  CodeCache cache;
  std::vector<std::string> removed;
  cache.set_remove_hook([&](const CacheKey& key, const CacheEntry&) { removed.push_back(mangle(key.name, key.type_args)); });
  cache.insert({"leaf", {kI64}}, fake(1), 10);
  cache.insert({"mid", {kI64}}, fake(2), 10);
  cache.insert({"top", {kI64}}, fake(3), 10);
  cache.insert({"other", {}}, fake(4), 10);
  cache.add_dependency({"mid", {kI64}}, {"leaf", {kI64}});
  cache.add_dependency({"top", {kI64}}, {"mid", {kI64}});
  cache.add_dependency({"leaf", {kI64}}, {"top", {kI64}});  // a cycle must not loop forever
  EXPECT_EQ(cache.invalidate("leaf", std::vector<Type>{kI64}), 3u);
  EXPECT_EQ(removed.size(), 3u);
  EXPECT_EQ(cache.stats().entries, 1u);
  EXPECT_EQ(cache.stats().code_bytes, 10u);
  EXPECT_EQ(cache.stats().invalidations, 3u);
  EXPECT_EQ(cache.invalidate("leaf", std::vector<Type>{kI64}), 0u);
  cache.insert({"t", {kI64}}, fake(5), 1);
  cache.insert({"t", {kF64}}, fake(6), 1);
  EXPECT_EQ(cache.invalidate_template("t"), 2u);
}

TEST(CodeCache, SizeLimitEvictsOldestWithDependents) {
  CodeCache cache(250);
  cache.insert({"a", {}}, fake(1), 100);
  cache.insert({"b", {}}, fake(2), 100);
  cache.add_dependency({"b", {}}, {"a", {}});
  cache.insert({"c", {}}, fake(3), 100);  // over the limit: a goes, and b with it
  EXPECT_FALSE(cache.contains("a", {}));
  EXPECT_FALSE(cache.contains("b", {}));
  EXPECT_TRUE(cache.contains("c", {}));
  EXPECT_EQ(cache.stats().evictions, 2u);
  cache.insert({"huge", {}}, fake(4), 1000);  // alone over the limit: kept, the rest evicted
  EXPECT_TRUE(cache.contains("huge", {}));
  EXPECT_EQ(cache.stats().entries, 1u);
}

RC_GTEST_PROP(CodeCache, BehavesLikeAMap, ()) {
  CodeCache cache;
  std::map<std::pair<int, int>, std::pair<void*, std::size_t>> model;
  const Type types[] = {kI64, kF64, Type::of(TypeKind::kI8)};
  const int steps = *rc::gen::inRange(1, 200);
  for (int s = 0; s < steps; ++s) {
    const int name = *rc::gen::inRange(0, 8);
    const int type = *rc::gen::inRange(0, 3);
    const CacheKey key{"f" + std::to_string(name), {types[type]}};
    switch (*rc::gen::inRange(0, 3)) {
      case 0: {
        const std::size_t bytes = *rc::gen::inRange<std::size_t>(1, 500);
        cache.insert(key, fake(static_cast<std::uintptr_t>(s + 1)), bytes);
        model[{name, type}] = {fake(static_cast<std::uintptr_t>(s + 1)), bytes};
        break;
      }
      case 1: {
        auto it = model.find({name, type});
        void* expected = it == model.end() ? nullptr : it->second.first;
        RC_ASSERT(reinterpret_cast<std::uintptr_t>(cache.find(key.name, key.type_args)) == reinterpret_cast<std::uintptr_t>(expected));
        break;
      }
      default:
        RC_ASSERT(cache.invalidate(key.name, key.type_args) == model.erase({name, type}));
        break;
    }
    std::size_t bytes = 0;
    for (const auto& [k, v] : model) bytes += v.second;
    RC_ASSERT(cache.stats().code_bytes == bytes);
    RC_ASSERT(cache.stats().entries == model.size());
  }
}

extern "C" int spl_jit_test_symbol() { return 7; }

TEST(SymbolResolver, ResolvesThroughTiersAndCaches) {
  SymbolResolver symbols;
  int jit_a = 0, jit_b = 0, runtime = 0;
  symbols.register_runtime("rt_thing", &runtime);
  EXPECT_EQ(symbols.resolve("rt_thing"), &runtime);
  EXPECT_EQ(symbols.resolve("rt_thing"), &runtime);
  EXPECT_EQ(symbols.stats().hits, 1u);
  EXPECT_EQ(symbols.stats().misses, 1u);
  symbols.define_jit("rt_thing", &jit_a);  // a JIT'd definition wins over the runtime one
  EXPECT_EQ(symbols.resolve("rt_thing"), &jit_a);
  symbols.define_jit("rt_thing", &jit_b);  // redefinition drops the cached answer
  EXPECT_EQ(symbols.resolve("rt_thing"), &jit_b);
  symbols.remove_jit("rt_thing");
  EXPECT_EQ(symbols.resolve("rt_thing"), &runtime);
  EXPECT_NE(symbols.resolve("malloc"), nullptr);  // dlsym
  SymbolResolver::Tier tier{};
  ASSERT_TRUE(symbols.tier_of("malloc", tier));
  EXPECT_EQ(tier, SymbolResolver::Tier::kDlsym);
  EXPECT_EQ(symbols.resolve("no_such_symbol_in_this_process"), nullptr);
  EXPECT_FALSE(symbols.tier_of("no_such_symbol_in_this_process", tier));
  EXPECT_EQ(symbols.stats().not_found, 2u);
}

}  // namespace
}  // namespace spl::jit
