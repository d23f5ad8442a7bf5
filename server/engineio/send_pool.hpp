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

  // Asks a send thread to flush this session's queue.
  void schedule(std::shared_ptr<Session> session);
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
