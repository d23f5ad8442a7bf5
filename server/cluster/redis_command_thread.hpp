#pragma once
// The thread that owns a node's command connection to Redis (docs/cluster.md,
// "Threads"): other threads queue commands and never wait for Redis; this
// one sends everything queued as one pipeline (Redis then fsyncs its AOF
// once for all of it) and hands each reply to its callback, on this thread.
// While Redis cannot be reached, queued commands fail at once with
// "cluster unavailable", except those queued to wait (departures), which run
// when it is back.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <stop_token>
#include <thread>

#include "cluster/redis_connection.hpp"

namespace chatd::cluster {

class RedisCommandThread {
 public:
  using Reply = RedisConnection::Reply;
  using Done = std::function<void(Reply)>;
  enum class WhenDown { Fail, Wait };
  // Runs after each (re)connection, before any command: loads the functions,
  // checks the cluster. A failure counts as Redis being unreachable.
  using Prepare = std::function<::codec::Result<void, ::codec::Failure>(RedisConnection&)>;
  // Runs every tick interval while connected (heartbeats, session refreshes).
  using Tick = std::function<void(RedisConnection&)>;

  RedisCommandThread(RedisEndpoint endpoint, Prepare prepare, std::chrono::milliseconds tick_interval, Tick tick);
  // Stops the thread; commands still queued fail.
  ~RedisCommandThread();
  RedisCommandThread(const RedisCommandThread&) = delete;
  RedisCommandThread& operator=(const RedisCommandThread&) = delete;

  void submit(RedisConnection::Command argv, Done done, WhenDown when_down = WhenDown::Fail);
  // Whether the connection is up (and prepared): otherwise a command queued
  // now with WhenDown::Fail fails.
  bool available() const { return available_.load(std::memory_order_acquire); }
  // Waits up to `timeout` for the queue to empty (at shutdown: departures).
  void drain(std::chrono::milliseconds timeout);

 private:
  struct Job {
    RedisConnection::Command argv;
    Done done;
    WhenDown when_down;
    bool retry;  // put back after Redis lost its functions: runs again once they are loaded
  };
  void run(std::stop_token stop);
  bool connect();
  void fail_waiting_jobs(const ::codec::Failure& failure);
  // Fails the queued commands that must not wait for Redis (all but
  // WhenDown::Wait ones, and with keep_retries those put back to run again).
  void fail_unwaiting_jobs(bool keep_retries);

  RedisConnection connection_;
  const Prepare prepare_;
  const std::chrono::milliseconds tick_interval_;
  const Tick tick_;
  std::atomic<bool> available_{false};
  bool reported_down_ = false;  // this thread only: log each outage once

  std::mutex mutex_;
  std::condition_variable_any wake_;
  std::condition_variable drained_;
  std::deque<Job> queue_;
  bool busy_ = false;
  std::jthread thread_;  // last: stops first
};

}  // namespace chatd::cluster
