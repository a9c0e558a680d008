#include "spl/base/c_handle.hpp"

#include <deque>
#include <mutex>

namespace spl::c_abi::internal {

namespace {

class Quarantine {
 public:
  bool hold(void* shell, void (*destroy)(void*)) noexcept {
    try {
      std::lock_guard<std::mutex> lock(mutex_);
      shells_.push_back(Shell{shell, destroy});
      if (shells_.size() > kCapacity) {
        shells_.front().destroy(shells_.front().ptr);
        shells_.pop_front();
      }
      return true;
    } catch (...) {
      return false;
    }
  }
 private:
  struct Shell {
    void* ptr;
    void (*destroy)(void*);
  };
  static constexpr std::size_t kCapacity = 1 << 14;
  std::mutex mutex_;
  std::deque<Shell> shells_;
};

}  // namespace

bool quarantine(void* shell, void (*destroy)(void*)) noexcept {
  // Never destroyed: a handle freed during static destruction still finds it (the shells stay
  // reachable, so leak checkers do not count them).
  static Quarantine& q = *new Quarantine;
  return q.hold(shell, destroy);
}

}  // namespace spl::c_abi::internal
