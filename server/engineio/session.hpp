#pragma once
// One Engine.IO session: its id, heartbeat state and a bounded outbound queue.
// Frames are queued by any thread and written by the send pool, in order.

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "engineio/frame_sink.hpp"
#include "engineio/shared_frame.hpp"

namespace chatd::eio {

class SendPool;

// WebSocket close codes the server uses (RFC 6455, section 7.4.1).
namespace close_code {
inline constexpr std::uint16_t kNormal = 1000;
inline constexpr std::uint16_t kGoingAway = 1001;
inline constexpr std::uint16_t kProtocolError = 1002;
inline constexpr std::uint16_t kUnsupportedData = 1003;
inline constexpr std::uint16_t kInvalidPayload = 1007;
inline constexpr std::uint16_t kPolicyViolation = 1008;
inline constexpr std::uint16_t kTooBig = 1009;
inline constexpr std::uint16_t kTryAgainLater = 1013;
}  // namespace close_code

class Session : public std::enable_shared_from_this<Session> {
 public:
  using Clock = std::chrono::steady_clock;

  Session(std::string sid, std::shared_ptr<FrameSink> sink, SendPool& pool, std::size_t max_queued_bytes);

  const std::string& sid() const { return sid_; }

  // The transport carrying the session now. An upgrade from long-polling to
  // WebSocket swaps it; frames queued meanwhile go out on the new one.
  std::shared_ptr<FrameSink> sink() const;
  void replace_sink(std::shared_ptr<FrameSink> sink);

  // Queues a frame for sending; never blocks. Returns false when the session
  // is closing. A full queue closes the session: a stalled reader must not
  // make the server hold unbounded memory for it.
  bool send(SharedFrame frame);
  bool send(std::string frame) { return send(make_frame(std::move(frame))); }

  // Closes after the frames already queued have been written.
  void close(std::uint16_t code, std::string reason);
  bool closing() const { return closing_.load(); }

  // Called by the send pool only.
  void flush();

  // Heartbeat bookkeeping, used by the Engine.IO server's heartbeat thread.
  void pong_received() { awaiting_pong_since_.store(0); }
  void ping_sent(Clock::time_point now) { awaiting_pong_since_.store(now.time_since_epoch().count()); }
  std::optional<Clock::time_point> awaiting_pong_since() const;
  Clock::time_point next_ping_at() const { return next_ping_at_; }
  void set_next_ping_at(Clock::time_point at) { next_ping_at_ = at; }

  // The layer above keeps its per-session state here.
  void set_user_data(std::shared_ptr<void> data) { user_data_ = std::move(data); }
  const std::shared_ptr<void>& user_data() const { return user_data_; }

 private:
  struct CloseRequest {
    std::uint16_t code;
    std::string reason;
  };

  const std::string sid_;
  SendPool& pool_;
  const std::size_t max_queued_bytes_;

  mutable std::mutex mutex_;  // guards the sink, the queue and the close request
  std::shared_ptr<FrameSink> sink_;
  std::deque<SharedFrame> queue_;
  std::size_t queued_bytes_ = 0;
  bool flush_scheduled_ = false;
  std::optional<CloseRequest> close_request_;
  bool close_sent_ = false;
  std::atomic<bool> closing_{false};

  std::atomic<Clock::rep> awaiting_pong_since_{0};
  Clock::time_point next_ping_at_{};  // heartbeat thread only
  std::shared_ptr<void> user_data_;
};

}  // namespace chatd::eio
