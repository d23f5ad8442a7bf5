#pragma once
// --mode idle: once connected, the clients are held for --hold seconds; the
// server's memory and threads are sampled a second in and at the end.
#include <boost/asio/steady_timer.hpp>

#include <cstdint>

#include "run_context.hpp"

namespace loadgen {

class IdleHold {
 public:
  explicit IdleHold(RunContext& run) : run_(run), ticker_(run.io) {}

  // `ready`: how many clients got ready, for the log.
  void start(int ready);

  // The server's resident KiB and threads a second in, and its resident KiB at the end (-1: unknown).
  std::int64_t rss_after() const { return rss_after_; }
  std::int64_t threads_after() const { return threads_after_; }
  std::int64_t rss_end() const { return rss_end_; }

 private:
  RunContext& run_;
  boost::asio::steady_timer ticker_;
  std::int64_t rss_after_ = -1, threads_after_ = -1, rss_end_ = -1;
};

}  // namespace loadgen
