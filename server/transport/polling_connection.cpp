#include "transport/polling_connection.hpp"

#include "codec/engineio_packet.hpp"

namespace chatd::transport {

PollingConnection::PollingConnection(std::size_t max_buffered_bytes) : max_buffered_bytes_(max_buffered_bytes) {}

void PollingConnection::set_on_closed(std::function<void()> on_closed) {
  std::lock_guard lock(mutex_);
  on_closed_ = std::move(on_closed);
}

bool PollingConnection::write(const eio::Frame& frame) {
  {
    std::lock_guard lock(mutex_);
    if (next_) return next_->write(frame);  // under the lock: keeps the order
    if (closed_ || buffered_bytes_ + frame.bytes.size() > max_buffered_bytes_) return false;
    frames_.push_back(frame);
    buffered_bytes_ += frame.bytes.size();
  }
  ready_.notify_all();
  return true;
}

void PollingConnection::close(std::uint16_t code, std::string_view reason) {
  std::function<void()> on_closed;
  {
    std::lock_guard lock(mutex_);
    if (next_) {
      next_->close(code, reason);
      return;
    }
    if (closed_) return;
    closed_ = true;
    // The server tells a close in the next poll; a close the client asked for
    // (kNormal) just ends the waiting poll.
    if (code != eio::close_code::kNormal) {
      frames_.push_back(eio::Frame{codec::eio::encode_text_frame(codec::eio::PacketType::Close), false});
    }
    on_closed = std::move(on_closed_);
  }
  // Forget the session before the waiting poll answers, so that the client's
  // next request already finds it gone.
  if (on_closed) on_closed();
  ready_.notify_all();
}

std::string PollingConnection::take_payload() {
  std::vector<std::string> binary_parts;  // keeps the encoded parts alive for the views
  std::vector<std::string_view> parts;
  binary_parts.reserve(frames_.size());
  parts.reserve(frames_.size());
  for (const auto& frame : frames_) {
    if (frame.binary) {
      binary_parts.push_back(codec::eio::encode_binary_part(frame.bytes));
      parts.emplace_back(binary_parts.back());
    } else {
      parts.emplace_back(frame.bytes);
    }
  }
  std::string payload = codec::eio::encode_payload(parts);
  frames_.clear();
  buffered_bytes_ = 0;
  if (payload.empty()) payload = codec::eio::encode_text_frame(codec::eio::PacketType::Noop);
  return payload;
}

PollingConnection::PollResult PollingConnection::poll(std::chrono::milliseconds timeout,
                                                      std::chrono::milliseconds upgrade_grace) {
  using Outcome = PollResult::Outcome;
  std::unique_lock lock(mutex_);
  if (polling_) return {Outcome::Overlapping, {}};
  if (probing_ && ready_.wait_for(lock, upgrade_grace, [this] { return next_ != nullptr; })) {
    return {Outcome::Upgraded, {}};
  }
  if (next_) return {Outcome::Upgraded, {}};
  polling_ = true;
  ready_.notify_all();  // a POSTed close may be waiting for this poll
  ready_.wait_for(lock, timeout, [this] { return !frames_.empty() || probing_ || closed_ || next_; });
  std::string payload = take_payload();
  polling_ = false;
  return {Outcome::Payload, std::move(payload)};
}

void PollingConnection::wait_for_poller(std::chrono::milliseconds grace) {
  std::unique_lock lock(mutex_);
  ready_.wait_for(lock, grace, [this] { return polling_ || closed_ || next_ != nullptr; });
}

void PollingConnection::probing() {
  {
    std::lock_guard lock(mutex_);
    probing_ = true;
  }
  ready_.notify_all();
}

void PollingConnection::upgraded(std::shared_ptr<eio::FrameSink> next) {
  {
    std::lock_guard lock(mutex_);
    for (const auto& frame : frames_) next->write(frame);
    frames_.clear();
    buffered_bytes_ = 0;
    next_ = std::move(next);
    on_closed_ = nullptr;  // the WebSocket reports the end from now on
  }
  ready_.notify_all();
}

}  // namespace chatd::transport
