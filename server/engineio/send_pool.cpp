#include "engineio/send_pool.hpp"

#include <utility>

#include "engineio/session.hpp"

namespace chatd::eio {

SendPool::SendPool(unsigned threads) {
  if (threads == 0) threads = 1;
  for (unsigned i = 0; i < threads; ++i) threads_.emplace_back([this] { run(); });
}

SendPool::~SendPool() { stop(); }

void SendPool::schedule(std::shared_ptr<Session> session) {
  if (DeferredScheduling::defer(*this, session)) return;
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    queue_.push_back(std::move(session));
  }
  ready_.notify_one();
}

void SendPool::schedule(std::vector<std::shared_ptr<Session>>& sessions) {
  if (sessions.empty()) return;
  if (DeferredScheduling::defer(*this, sessions)) return;
  const std::size_t count = sessions.size();
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    for (auto& session : sessions) queue_.push_back(std::move(session));
  }
  sessions.clear();
  if (count >= threads_.size()) {
    ready_.notify_all();
  } else {
    for (std::size_t i = 0; i < count; ++i) ready_.notify_one();
  }
}

void SendPool::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  ready_.notify_all();
  for (auto& thread : threads_) {
    if (thread.joinable()) thread.join();
  }
}

void SendPool::run() {
  for (;;) {
    std::shared_ptr<Session> session;
    {
      std::unique_lock lock(mutex_);
      ready_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_ && queue_.empty()) return;
      session = std::move(queue_.front());
      queue_.pop_front();
    }
    session->flush();
  }
}

}  // namespace chatd::eio
