#pragma once
// Connects the run's clients, a number at a time: the WebSocket, the
// namespace and (unless idle without --join) the nickname; counts those that
// got ready and those that failed, and gives up on handshakes that stall.
#include <boost/asio/steady_timer.hpp>

#include <cstdint>
#include <functional>
#include <string>

#include "run_context.hpp"

namespace loadgen {

class ConnectPhase {
 public:
  explicit ConnectPhase(RunContext& run) : run_(run), ticker_(run.io) {}

  // Connects every client, `concurrency` at a time, then calls `done`.
  void start(int concurrency, std::function<void()> done);
  // The client is ready (joined, or in the namespace when it picks no nickname).
  void ready(Client& c);
  // The client could not get ready (it is closed if it is not yet).
  void failed(Client& c, const std::string& why);

  int ready_count() const { return ready_; }
  int failed_count() const { return failed_; }
  // Whether a connect phase has ended, and its length (0 before).
  bool ended() const { return end_ns_ != 0; }
  double seconds() const;
  // This process's CPU seconds during the last connect phase.
  double cpu_seconds() const { return cpu_end_ - cpu_start_; }

 private:
  void tick();
  void start_client(Client& c);
  void progress();

  RunContext& run_;
  boost::asio::steady_timer ticker_;
  std::function<void()> done_;
  int next_ = 0, target_ = 0, ready_ = 0, failed_ = 0;
  std::int64_t start_ns_ = 0, end_ns_ = 0, last_progress_ns_ = 0;
  double cpu_start_ = 0, cpu_end_ = 0;
};

}  // namespace loadgen
