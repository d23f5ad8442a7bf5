#include "engineio/session.hpp"

#include <vector>

#include "engineio/send_pool.hpp"
#include "log/logger.hpp"

namespace chatd::eio {

Session::Session(std::string sid, std::shared_ptr<FrameSink> sink, SendPool& pool, std::size_t max_queued_bytes,
                 std::string remote_address, metrics::Counter* overflows)
    : sid_(std::move(sid)),
      remote_address_(std::move(remote_address)),
      pool_(pool),
      max_queued_bytes_(max_queued_bytes),
      overflows_(overflows),
      sink_(std::move(sink)) {}

std::shared_ptr<FrameSink> Session::sink() const {
  std::lock_guard lock(mutex_);
  return sink_;
}

void Session::replace_sink(std::shared_ptr<FrameSink> sink) {
  bool schedule = false;
  {
    std::lock_guard lock(mutex_);
    sink_ = std::move(sink);
    long_polling_ = false;
    schedule = !queue_.empty() && !flush_scheduled_;
    flush_scheduled_ = flush_scheduled_ || schedule;
  }
  if (schedule) pool_.schedule(shared_from_this());
}

bool Session::send(SharedFrame frame) { return send(std::span<const SharedFrame>(&frame, 1)); }

bool Session::send(std::span<const SharedFrame> frames) {
  if (enqueue(frames)) pool_.schedule(shared_from_this());
  return !closing_;
}

bool Session::enqueue(std::span<const SharedFrame> frames) {
  std::size_t bytes = 0;
  for (const auto& frame : frames) bytes += frame->bytes.size();
  bool schedule = false;
  bool overflowed = false;
  {
    std::lock_guard lock(mutex_);
    if (close_request_) return false;
    if (queued_bytes_ + bytes > max_queued_bytes_) {
      // Drop what is queued: the reader is too slow to ever catch up.
      queue_.clear();
      queued_snapshot_.reset();
      queued_bytes_ = 0;
      close_request_ = CloseRequest{close_code::kPolicyViolation, "outbound queue full: client too slow"};
      closing_ = true;
      overflowed = true;
    } else {
      queued_bytes_ += bytes;
      for (const auto& frame : frames) {
        if (frame->snapshot) {
          // In a join storm every join sends the whole online list to
          // everyone: without this, each session queued every list (O(N^2)
          // bytes per session) while the send threads fell behind.
          if (queued_snapshot_) {
            queued_bytes_ -= queue_[*queued_snapshot_]->bytes.size();
            queue_[*queued_snapshot_] = nullptr;
          }
          queued_snapshot_ = queue_.size();
        }
        queue_.push_back(frame);
      }
    }
    schedule = !flush_scheduled_;
    flush_scheduled_ = true;
  }
  if (overflowed) {
    if (overflows_) overflows_->add();
    log::info("send queue full: closing the session", {{"sid", sid_}, {"max_queued_bytes", max_queued_bytes_}});
  }
  return schedule;
}

void Session::close(std::uint16_t code, std::string reason) {
  bool schedule = false;
  {
    std::lock_guard lock(mutex_);
    if (close_request_) return;
    close_request_ = CloseRequest{code, std::move(reason)};
    closing_ = true;
    schedule = !flush_scheduled_;
    flush_scheduled_ = true;
  }
  if (schedule) pool_.schedule(shared_from_this());
}

void Session::flush() {
  std::vector<SharedFrame> batch;
  for (;;) {
    std::optional<CloseRequest> close;
    std::shared_ptr<FrameSink> sink;
    {
      std::lock_guard lock(mutex_);
      sink = sink_;
      if (!queue_.empty()) {
        for (auto& frame : queue_) {
          if (frame) batch.push_back(std::move(frame));
        }
        queue_.clear();
        queued_snapshot_.reset();
        queued_bytes_ = 0;
      } else if (close_request_ && !close_sent_) {
        close = close_request_;
        close_sent_ = true;
      } else {
        flush_scheduled_ = false;
        return;
      }
    }
    if (close) {
      sink->close(close->code, close->reason);
      continue;
    }
    sink->write_all(batch);  // false: peer gone, and the transport reports the close
    batch.clear();
  }
}

std::string Session::close_reason() const {
  std::lock_guard lock(mutex_);
  return close_request_ ? close_request_->reason : std::string();
}

std::optional<Session::Clock::time_point> Session::awaiting_pong_since() const {
  const auto since = awaiting_pong_since_.load();
  if (since == 0) return std::nullopt;
  return Clock::time_point(Clock::duration(since));
}

}  // namespace chatd::eio
