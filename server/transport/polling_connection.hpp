#pragma once
// An Engine.IO session's transport while it long-polls: frames wait in a
// buffer until the client's next GET takes them as one payload.

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engineio/close_code.hpp"
#include "engineio/frame_sink.hpp"

namespace chatd::transport {

class PollingConnection final : public eio::FrameSink {
 public:
  explicit PollingConnection(std::size_t max_buffered_bytes);

  // Runs once, when the server closes the session (there is no socket whose
  // end would tell).
  void set_on_closed(std::function<void()> on_closed);

  bool write(const eio::Frame& frame) override;
  void close(std::uint16_t code, std::string_view reason) override;

  struct PollResult {
    enum class Outcome { Payload, Overlapping, Upgraded } outcome;
    std::string payload;  // Payload: the frames, or a noop packet when there were none
  };
  // Waits up to `timeout` for frames. A GET that arrives while a WebSocket
  // probe is under way first waits up to `upgrade_grace` for the upgrade,
  // whose "5" may be in flight on the other connection.
  PollResult poll(std::chrono::milliseconds timeout, std::chrono::milliseconds upgrade_grace);

  // A client's POSTed close usually races its own pending GET: wait up to
  // `grace` for that GET, so that it gets its noop instead of a 400.
  void wait_for_poller(std::chrono::milliseconds grace);

  // The client probed a WebSocket: polls stop waiting, so that the client
  // can pause polling and finish the upgrade.
  void probing();

  // The upgrade is done: frames still buffered, and any written later by a
  // send already under way, go to `next`, in order.
  void upgraded(std::shared_ptr<eio::FrameSink> next);

 private:
  std::string take_payload();  // callers hold mutex_

  const std::size_t max_buffered_bytes_;

  std::mutex mutex_;
  std::condition_variable ready_;
  std::function<void()> on_closed_;
  std::vector<eio::Frame> frames_;
  std::size_t buffered_bytes_ = 0;
  bool polling_ = false;
  bool probing_ = false;
  bool closed_ = false;
  std::shared_ptr<eio::FrameSink> next_;  // set once upgraded
};

}  // namespace chatd::transport
