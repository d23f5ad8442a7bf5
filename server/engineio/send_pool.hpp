#pragma once
// A few threads that write queued frames to sockets, so that whoever produces
// a frame (a broadcast, the heartbeat) only enqueues it and never blocks on a
// slow peer's socket.

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

// How callers batch their schedule() calls; comes with the pool.
#include "engineio/deferred_scheduling.hpp"

namespace chatd::eio {

class Session;

class SendPool {
 public:
  explicit SendPool(unsigned threads);
  ~SendPool();
  SendPool(const SendPool&) = delete;
  SendPool& operator=(const SendPool&) = delete;

  // Asks a send thread to flush this session's queue (deferred while a
  // DeferredScheduling is alive on the calling thread).
  void schedule(std::shared_ptr<Session> session);
  // The same for many sessions, with one lock and one wake-up round (what a
  // DeferredScheduling does when it ends).
  void schedule(std::vector<std::shared_ptr<Session>>& sessions);
  void stop();

 private:
  void run();

  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::shared_ptr<Session>> queue_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace chatd::eio
