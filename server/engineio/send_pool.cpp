#include "engineio/send_pool.hpp"

#include <utility>
#include <vector>

#include "engineio/session.hpp"

namespace chatd::eio {

namespace {

// The sessions made ready on this thread while a DeferredScheduling is alive.
struct Deferred {
  bool active = false;
  std::vector<std::pair<SendPool*, std::shared_ptr<Session>>> sessions;
};
thread_local Deferred deferred;

}  // namespace

DeferredScheduling::DeferredScheduling() : outermost_(!deferred.active) { deferred.active = true; }

DeferredScheduling::~DeferredScheduling() {
  if (!outermost_) return;
  deferred.active = false;
  auto ready = std::move(deferred.sessions);
  deferred.sessions.clear();
  // Nearly always one pool; group by pool without assuming it.
  while (!ready.empty()) {
    SendPool* pool = ready.front().first;
    std::vector<std::shared_ptr<Session>> sessions;
    std::erase_if(ready, [&](auto& entry) {
      if (entry.first != pool) return false;
      sessions.push_back(std::move(entry.second));
      return true;
    });
    pool->schedule(sessions);
  }
}

SendPool::SendPool(unsigned threads) {
  if (threads == 0) threads = 1;
  for (unsigned i = 0; i < threads; ++i) threads_.emplace_back([this] { run(); });
}

SendPool::~SendPool() { stop(); }

void SendPool::schedule(std::shared_ptr<Session> session) {
  if (deferred.active) {
    deferred.sessions.emplace_back(this, std::move(session));
    return;
  }
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    queue_.push_back(std::move(session));
  }
  ready_.notify_one();
}

void SendPool::schedule(std::vector<std::shared_ptr<Session>>& sessions) {
  if (sessions.empty()) return;
  if (deferred.active) {
    for (auto& session : sessions) deferred.sessions.emplace_back(this, std::move(session));
    sessions.clear();
    return;
  }
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
