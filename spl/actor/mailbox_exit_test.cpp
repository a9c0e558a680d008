// Regression program (run by ctest, which checks the exit status): mailboxes with static storage
// duration that still hold messages at exit. They are destroyed after every thread's node cache,
// including the main thread's, so releasing their nodes must not touch a destroyed cache.

#include <cstdint>
#include <cstdio>
#include <string>
#include <thread>

#include "spl/actor/mailbox.hpp"

namespace {

spl::actor::Mailbox<std::string> g_strings;
spl::actor::Mailbox<std::uint64_t> g_numbers;

}  // namespace

int main() {
  for (int i = 0; i < 1000; ++i) {
    g_strings.send(std::string(40, static_cast<char>('a' + i % 26)), spl::actor::Lane(i % spl::actor::kLaneCount));
  }
  // Nodes from a thread that has already exited (and flushed its cache) are pending too.
  std::thread sender([] {
    for (std::uint64_t i = 0; i < 5000; ++i) g_numbers.send(i);
  });
  sender.join();
  // A receive that parks one message in the saved list, so both kinds of pending node remain.
  if (g_numbers.try_receive_if([](std::uint64_t v) { return v == 3; })) {
    std::puts("static mailboxes populated; exiting");
    return 0;
  }
  return 1;
}
