#include "transport/polling_connection.hpp"

#include "chat/engineio_packet.hpp"

namespace chatd::transport {

namespace packet = ::chat::eio;

PollingConnection::PollingConnection(std::size_t max_buffered_bytes) : max_buffered_bytes_(max_buffered_bytes) {}

void PollingConnection::set_on_closed(std::function<void()> on_closed) {
  std::lock_guard lock(mutex_);
  on_closed_ = std::move(on_closed);
}

bool PollingConnection::write_text(std::string_view frame) {
  {
    std::lock_guard lock(mutex_);
    if (next_) return next_->write_text(frame);  // under the lock: keeps the order
    if (closed_ || buffered_bytes_ + frame.size() > max_buffered_bytes_) return false;
    frames_.emplace_back(frame);
    buffered_bytes_ += frame.size();
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
    // The client learns of the close from a close packet in its next poll.
    frames_.push_back(packet::encode_text_frame(packet::PacketType::Close));
    on_closed = std::move(on_closed_);
  }
  ready_.notify_all();
  if (on_closed) on_closed();
}

std::string PollingConnection::take_payload() {
  std::vector<std::string_view> views(frames_.begin(), frames_.end());
  std::string payload = packet::encode_payload(views);
  frames_.clear();
  buffered_bytes_ = 0;
  if (payload.empty()) payload = packet::encode_text_frame(packet::PacketType::Noop);
  return payload;
}

std::optional<std::string> PollingConnection::poll(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  if (polling_) return std::nullopt;
  polling_ = true;
  ready_.wait_for(lock, timeout, [this] { return !frames_.empty() || probing_ || next_; });
  std::string payload = take_payload();
  polling_ = false;
  return payload;
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
    for (const auto& frame : frames_) next->write_text(frame);
    frames_.clear();
    buffered_bytes_ = 0;
    next_ = std::move(next);
    on_closed_ = nullptr;  // the WebSocket reports the end from now on
  }
  ready_.notify_all();
}

}  // namespace chatd::transport
