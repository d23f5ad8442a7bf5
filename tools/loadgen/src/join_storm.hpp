#pragma once
// --mode storm: one extra client stores --prefill messages, then every client
// connects and joins at once; the storm is over when each has its history
// (or, without history, has joined), or after --drain seconds.
#include <boost/asio/steady_timer.hpp>

#include <cstdint>
#include <memory>
#include <string>

#include "connect_phase.hpp"
#include "run_context.hpp"

namespace loadgen {

class JoinStorm {
 public:
  JoinStorm(RunContext& run, ConnectPhase& connect) : run_(run), connect_(connect), ticker_(run.io) {}

  void start();
  // While the history is being filled, acks go to the pre-filler.
  bool prefilling() const { return prefilling_; }
  void prefill_acked(Client& prefiller);
  // A client got its whole history: maybe the last one.
  void check();

  std::int64_t start_ns() const { return start_ns_; }

 private:
  void wait_for_prefiller();
  void prefill_failed(const std::string& why);
  void start_storm();

  RunContext& run_;
  ConnectPhase& connect_;
  boost::asio::steady_timer ticker_;
  std::unique_ptr<Client> prefiller_;
  bool prefilling_ = false, storming_ = false;
  std::int64_t start_ns_ = 0, joined_ns_ = 0;
};

}  // namespace loadgen
