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
  // The same for many sessions, with one lock and one wake-up round.
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

// Collects the sessions a broadcast made ready, and schedules them together
// when it goes out of scope: a broadcast to N clients then costs one lock of
// the pool, not N.
class ScheduleBatch {
 public:
  explicit ScheduleBatch(SendPool& pool) : pool_(pool) {}
  ~ScheduleBatch() { pool_.schedule(sessions_); }
  ScheduleBatch(const ScheduleBatch&) = delete;
  ScheduleBatch& operator=(const ScheduleBatch&) = delete;

  void add(std::shared_ptr<Session> session) { sessions_.push_back(std::move(session)); }

 private:
  SendPool& pool_;
  std::vector<std::shared_ptr<Session>> sessions_;
};

// While one is alive on a thread, the sessions that thread makes ready are
// only collected, and scheduled together when the outermost one ends: the
// SQLite writer reports a whole committed batch (acks and broadcasts of many
// messages) and then wakes the send threads once, instead of once or more per
// message. Each wake-up is a context switch; on a server confined to one core
// they were the largest cost of storing a message (profiled in S6).
class DeferredScheduling {
 public:
  DeferredScheduling();
  ~DeferredScheduling();
  DeferredScheduling(const DeferredScheduling&) = delete;
  DeferredScheduling& operator=(const DeferredScheduling&) = delete;

 private:
  bool outermost_;
};

}  // namespace chatd::eio
