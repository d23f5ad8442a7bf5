#pragma once
// The messages typed but not yet acknowledged by the server, in the order
// they were typed, each with its idempotency key. They survive a lost
// connection: sent again with the same key once the session is back, so the
// server stores each once (a copy it already has is acked with its id).
//
// One message is in flight at a time. The server answers a connection's
// messages in order, but a refusal for now (the rate limit) would let a
// later message overtake the refused one if several were in flight; one at
// a time keeps the order the person typed, and costs a round trip a message.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>

namespace chat_client {

class OutgoingMessages {
 public:
  struct Message {
    std::uint64_t line_seq = 0;  // the model's line showing it
    std::string text;
    std::string key;                      // "<key prefix>-<n>": unique in this page
    std::optional<std::uint64_t> ack_id;  // set while in flight
    std::int64_t not_before_ms = 0;       // refused for now: not sent again before this
  };

  // `key_prefix`: this page's part of every key (a random id, so that keys
  // differ between pages even though the server scopes them per member).
  explicit OutgoingMessages(std::string key_prefix);

  // Queues a message typed now, behind the others.
  void add(std::uint64_t line_seq, std::string text);

  // The message to send now, if any: the first, when it is not in flight and
  // not held back. The caller sends it and calls sent().
  const Message* next_to_send(std::int64_t now_ms) const;
  void sent(std::uint64_t ack_id);

  // Whether `ack_id` answers the message in flight.
  bool is_in_flight(std::uint64_t ack_id) const;
  // The message in flight was answered for good (stored, or refused with a
  // reason worth showing): it leaves the queue.
  Message finish();
  // The message in flight was refused for now (the rate limit): it stays
  // first and is sent again, with the same key, at `at_ms` or later. The
  // delay doubles with each refusal in a row, from kFirstRetryMs to kMaxRetryMs.
  std::int64_t retry_later(std::int64_t now_ms);

  // The connection is gone and with it any ack in flight: whatever was in
  // flight is sent again (same key) on the next session.
  void connection_lost();
  // Everything queued, which leaves the queue (e.g. to mark it failed).
  std::deque<Message> take_all();

  bool empty() const { return queue_.empty(); }
  std::size_t size() const { return queue_.size(); }
  const std::string& key_prefix() const { return key_prefix_; }

  static constexpr std::int64_t kFirstRetryMs = 100;
  static constexpr std::int64_t kMaxRetryMs = 5000;

 private:
  std::string key_prefix_;
  std::uint64_t next_key_ = 1;
  std::deque<Message> queue_;
  std::int64_t retry_delay_ms_ = 0;  // the last delay; 0 after a message went through
};

}  // namespace chat_client
