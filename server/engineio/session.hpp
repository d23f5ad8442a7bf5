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
#include <span>
#include <string>

#include "engineio/close_code.hpp"
#include "engineio/frame_sink.hpp"
#include "engineio/shared_frame.hpp"
#include "metrics/counter.hpp"

namespace chatd::eio {

class SendPool;

class Session : public std::enable_shared_from_this<Session> {
 public:
  using Clock = std::chrono::steady_clock;

  // `overflows`, when given, counts closes for a full send queue.
  Session(std::string sid, std::shared_ptr<FrameSink> sink, SendPool& pool, std::size_t max_queued_bytes,
          std::string remote_address = {}, metrics::Counter* overflows = nullptr);

  const std::string& sid() const { return sid_; }
  // The client's IP address, as the transport saw it at the handshake.
  const std::string& remote_address() const { return remote_address_; }

  // The transport carrying the session now. An upgrade from long-polling to
  // WebSocket swaps it; frames queued meanwhile go out on the new one.
  std::shared_ptr<FrameSink> sink() const;
  void replace_sink(std::shared_ptr<FrameSink> sink);

  // Whether the session long-polls (set at the handshake); the upgrade, the
  // only sink swap, ends it.
  void set_long_polling(bool long_polling) { long_polling_ = long_polling; }
  bool long_polling() const { return long_polling_.load(std::memory_order_relaxed); }

  // Queues a frame for sending; never blocks. Returns false when the session
  // is closing. A full queue closes the session: a stalled reader must not
  // make the server hold unbounded memory for it. A snapshot frame replaces
  // the queued snapshot that is not sent yet: it goes to the end of the
  // queue, after the events queued before it. (Senders of many frames at
  // once wrap them in a DeferredScheduling.)
  bool send(SharedFrame frame);
  // Queues frames that must stay together (a packet and its attachments).
  bool send(std::span<const SharedFrame> frames);
  bool send(std::string text) { return send(make_frame(std::move(text))); }

  // Closes after the frames already queued have been written.
  void close(std::uint16_t code, std::string reason);
  bool closing() const { return closing_.load(); }
  // Why the session is closing (empty if it is not, or the client asked).
  std::string close_reason() const;

  // Called by the send pool only.
  void flush();

  // Heartbeat bookkeeping, used by the Engine.IO server's heartbeat thread.
  void pong_received() { awaiting_pong_since_.store(0); }
  void ping_sent(Clock::time_point now) { awaiting_pong_since_.store(now.time_since_epoch().count()); }
  std::optional<Clock::time_point> awaiting_pong_since() const;
  Clock::time_point next_ping_at() const { return next_ping_at_; }
  void set_next_ping_at(Clock::time_point at) { next_ping_at_ = at; }

  // The layer above marks the session established (Socket.IO: a namespace
  // CONNECT arrived); sessions that never are get closed after a timeout.
  void mark_established() { established_ = true; }
  bool established() const { return established_.load(); }
  Clock::time_point opened_at() const { return opened_at_; }

  // The layer above keeps its per-session state here.
  void set_user_data(std::shared_ptr<void> data) { user_data_ = std::move(data); }
  const std::shared_ptr<void>& user_data() const { return user_data_; }

 private:
  // Queues; returns true when the caller must schedule a flush.
  bool enqueue(std::span<const SharedFrame> frames);

  struct CloseRequest {
    std::uint16_t code;
    std::string reason;
  };

  const std::string sid_;
  const std::string remote_address_;
  SendPool& pool_;
  const std::size_t max_queued_bytes_;
  metrics::Counter* const overflows_;

  mutable std::mutex mutex_;  // guards the sink, the queue and the close request
  std::shared_ptr<FrameSink> sink_;
  std::deque<SharedFrame> queue_;               // null: a snapshot a later one replaced
  std::optional<std::size_t> queued_snapshot_;  // its index in queue_
  std::size_t queued_bytes_ = 0;
  bool flush_scheduled_ = false;
  std::optional<CloseRequest> close_request_;
  bool close_sent_ = false;
  std::atomic<bool> closing_{false};
  std::atomic<bool> long_polling_{false};

  std::atomic<Clock::rep> awaiting_pong_since_{0};
  std::atomic<bool> established_{false};
  const Clock::time_point opened_at_ = Clock::now();
  Clock::time_point next_ping_at_{};  // heartbeat thread only
  std::shared_ptr<void> user_data_;
};

}  // namespace chatd::eio
