#include "spl/actor/mailbox.hpp"

namespace spl::actor {

const char* send_status_name(SendStatus s) noexcept {
  switch (s) {
    case SendStatus::kOk: return "ok";
    case SendStatus::kDropped: return "dropped (mailbox full, drop-newest policy)";
    case SendStatus::kFull: return "mailbox full";
    case SendStatus::kTimeout: return "timed out waiting for mailbox space";
    case SendStatus::kClosed: return "mailbox closed";
  }
  return "unknown";
}

}  // namespace spl::actor
