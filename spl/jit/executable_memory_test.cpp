#include "spl/jit/executable_memory.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

namespace spl::jit {
namespace {

// Lines of /proc/self/maps whose permissions are both writable and executable.
std::vector<std::string> writable_and_executable_mappings() {
  std::ifstream maps("/proc/self/maps");
  std::vector<std::string> bad;
  std::string line;
  while (std::getline(maps, line)) {
    std::istringstream fields(line);
    std::string range, perms;
    fields >> range >> perms;
    if (perms.size() >= 3 && perms[1] == 'w' && perms[2] == 'x') bad.push_back(line);
  }
  return bad;
}

// mov eax, imm32; ret
void write_return_constant(const CodeBlock& block, std::uint32_t value) {
  const std::uint8_t code[] = {0xb8, 0, 0, 0, 0, 0xc3};
  std::memcpy(block.write, code, sizeof code);
  std::memcpy(block.write + 1, &value, 4);
}

TEST(ExecutableMemory, RunsWrittenCodeAndNeverMapsWritableExecutable) {
  ExecutableMemory memory(4096);
  EXPECT_TRUE(writable_and_executable_mappings().empty());
  std::vector<CodeBlock> blocks;
  for (std::uint32_t i = 0; i < 600; ++i) {
    auto block = memory.allocate(6 + i % 40);
    ASSERT_TRUE(block.ok()) << block.error().message;
    write_return_constant(*block, i);
    ExecutableMemory::commit(*block);
    blocks.push_back(*block);
    ASSERT_TRUE(writable_and_executable_mappings().empty()) << writable_and_executable_mappings()[0];
  }
  for (std::uint32_t i = 0; i < blocks.size(); ++i) {
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(blocks[i].exec) % ExecutableMemory::kAlignment, 0u);
    auto fn = reinterpret_cast<std::uint32_t (*)()>(reinterpret_cast<std::uintptr_t>(blocks[i].exec));
    EXPECT_EQ(fn(), i);
  }
  EXPECT_GT(memory.reserved_bytes(), 4096u);  // grew new arenas on demand
}

TEST(ExecutableMemory, FreedBlocksAreReused) {
  ExecutableMemory memory;
  auto a = memory.allocate(100);
  auto b = memory.allocate(100);
  ASSERT_TRUE(a.ok() && b.ok());
  const std::size_t used = memory.used_bytes();
  memory.free(a->exec);
  EXPECT_EQ(memory.used_bytes(), used - a->size);
  auto c = memory.allocate(64);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->exec, a->exec);
  memory.free(b->exec);
  memory.free(c->exec);
  memory.free(c->exec);  // unknown now: ignored
  EXPECT_EQ(memory.used_bytes(), 0u);
  auto big = memory.allocate(300);  // the coalesced hole holds it again
  ASSERT_TRUE(big.ok());
  EXPECT_EQ(big->exec, a->exec);
}

RC_GTEST_PROP(ExecutableMemory, BlocksNeverOverlapAndAccountingMatches, ()) {
  ExecutableMemory memory(8192);
  std::map<std::byte*, std::size_t> model;  // live blocks
  const auto ops = *rc::gen::container<std::vector<std::pair<bool, std::size_t>>>(
      rc::gen::pair(rc::gen::arbitrary<bool>(), rc::gen::inRange<std::size_t>(1, 3000)));
  std::size_t expected_used = 0;
  for (const auto& [alloc, n] : ops) {
    if (alloc || model.empty()) {
      auto block = memory.allocate(n);
      RC_ASSERT(block.ok());
      RC_ASSERT(block->size >= n);
      RC_ASSERT(reinterpret_cast<std::uintptr_t>(block->exec) % 16 == 0);
      auto next = model.lower_bound(block->exec);
      if (next != model.end()) RC_ASSERT(block->exec + block->size <= next->first);
      if (next != model.begin()) {
        auto prev = std::prev(next);
        RC_ASSERT(prev->first + prev->second <= block->exec);
      }
      model.emplace(block->exec, block->size);
      expected_used += block->size;
    } else {
      auto it = std::next(model.begin(), static_cast<std::ptrdiff_t>(n % model.size()));
      memory.free(it->first);
      expected_used -= it->second;
      model.erase(it);
    }
    RC_ASSERT(memory.used_bytes() == expected_used);
  }
}

}  // namespace
}  // namespace spl::jit
