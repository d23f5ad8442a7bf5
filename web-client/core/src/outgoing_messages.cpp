#include "chat_client/outgoing_messages.hpp"

#include <algorithm>
#include <utility>

namespace chat_client {

OutgoingMessages::OutgoingMessages(std::string key_prefix) : key_prefix_(std::move(key_prefix)) {}

void OutgoingMessages::add(std::uint64_t line_seq, std::string text) {
  std::string key = key_prefix_;
  key += '-';
  key += std::to_string(next_key_++);
  queue_.push_back(Message{line_seq, std::move(text), std::move(key), {}, 0});
}

const OutgoingMessages::Message* OutgoingMessages::next_to_send(std::int64_t now_ms) const {
  if (queue_.empty()) return nullptr;
  const Message& first = queue_.front();
  if (first.ack_id || now_ms < first.not_before_ms) return nullptr;
  return &first;
}

void OutgoingMessages::sent(std::uint64_t ack_id) {
  if (!queue_.empty()) queue_.front().ack_id = ack_id;
}

bool OutgoingMessages::is_in_flight(std::uint64_t ack_id) const {
  return !queue_.empty() && queue_.front().ack_id == ack_id;
}

OutgoingMessages::Message OutgoingMessages::finish() {
  Message done = std::move(queue_.front());
  queue_.pop_front();
  retry_delay_ms_ = 0;
  return done;
}

std::int64_t OutgoingMessages::retry_later(std::int64_t now_ms) {
  retry_delay_ms_ = retry_delay_ms_ == 0 ? kFirstRetryMs : std::min(retry_delay_ms_ * 2, kMaxRetryMs);
  Message& first = queue_.front();
  first.ack_id.reset();
  first.not_before_ms = now_ms + retry_delay_ms_;
  return first.not_before_ms;
}

void OutgoingMessages::connection_lost() {
  if (!queue_.empty()) queue_.front().ack_id.reset();
}

std::deque<OutgoingMessages::Message> OutgoingMessages::take_all() {
  std::deque<Message> all;
  all.swap(queue_);
  for (auto& message : all) message.ack_id.reset();
  retry_delay_ms_ = 0;
  return all;
}

}  // namespace chat_client
