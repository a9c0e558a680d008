#pragma once
// Waiting helpers shared by the actor tests.

#include <chrono>
#include <thread>

namespace spl::actor::test {

// How long a test waits for something that should happen at once: a deadlock guard only.
inline constexpr std::chrono::seconds kGuard{30};

// Polls `pred` every millisecond until it holds (true) or kGuard has passed (false).
template <class Pred>
bool eventually(Pred pred) {
  const auto deadline = std::chrono::steady_clock::now() + kGuard;
  while (!pred()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

}  // namespace spl::actor::test
