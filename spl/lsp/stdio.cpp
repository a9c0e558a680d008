#include "spl/lsp/stdio.hpp"

#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>

#include "spl/lsp/transport.hpp"

namespace spl::lsp {

namespace {

// What the reading thread hands over. Shared, so a reader still blocked in a read when the server
// exits can be left behind safely.
struct Inbox {
  std::mutex mutex;
  std::condition_variable ready;
  std::deque<std::string> bodies;
  bool eof = false;
  std::shared_ptr<Cancellations> cancellations = std::make_shared<Cancellations>();
};

void read_all(std::istream& in, const std::shared_ptr<Inbox>& inbox) {
  Reader reader(in);
  while (true) {
    Frame f = reader.next();
    if (f.kind == Frame::Kind::Eof) break;
    json message = json::parse(f.body, nullptr, false);
    if (message.is_object() && message.value("method", json()) == "$/cancelRequest" && message.contains("params") &&
        message["params"].is_object() && message["params"].contains("id"))
      inbox->cancellations->add(message["params"]["id"]);
    std::lock_guard lock(inbox->mutex);
    inbox->bodies.push_back(std::move(f.body));
    inbox->ready.notify_one();
  }
  std::lock_guard lock(inbox->mutex);
  inbox->eof = true;
  inbox->ready.notify_one();
}

}  // namespace

int serve(std::istream& in, std::ostream& out, const ServerInfo& info) {
  // A tied stream flushes its tie before each read: std::cin would flush std::cout from the reading
  // thread while this one writes to it (a data race that lost replies under load).
  in.tie(nullptr);
  auto inbox = std::make_shared<Inbox>();
  Server server([&out](const json& message) { write_frame(out, message.dump(-1, ' ', false, json::error_handler_t::replace)); },
                info, inbox->cancellations);
  std::thread reader([&in, inbox] { read_all(in, inbox); });
  bool eof = false;
  while (!server.finished()) {
    std::string body;
    {
      std::unique_lock lock(inbox->mutex);
      if (inbox->bodies.empty() && !inbox->eof) {
        lock.unlock();
        server.idle();
        lock.lock();
        inbox->ready.wait(lock, [&] { return !inbox->bodies.empty() || inbox->eof; });
      }
      if (inbox->bodies.empty()) {
        eof = true;
        break;
      }
      body = std::move(inbox->bodies.front());
      inbox->bodies.pop_front();
    }
    server.receive(body);
  }
  if (!eof) {
    // After `exit` the client normally closes the stream at once; a reader still blocked after a
    // moment is left to the ending process.
    std::unique_lock lock(inbox->mutex);
    eof = inbox->ready.wait_for(lock, std::chrono::milliseconds(200), [&] { return inbox->eof; });
  }
  if (eof) {
    reader.join();
  } else {
    reader.detach();
  }
  return server.exit_code();
}

}  // namespace spl::lsp
