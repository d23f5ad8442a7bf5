#pragma once
// --settle S (load mode): after the joins, wait until the server has stopped
// sending the joins' online lists and announcements (none for a second), at
// most S seconds, before the first phase. A burst of N joins makes the
// server send up to N lists of up to N names to each member; a server that
// is still sending them would be measured on its backlog, not on messages.
#include <boost/asio/steady_timer.hpp>

#include <cstdint>
#include <functional>

#include "run_context.hpp"

namespace loadgen {

class SettleWait {
 public:
  explicit SettleWait(RunContext& run) : run_(run), ticker_(run.io) {}

  // Calls `done` once settled (at once when --settle is 0).
  void start(std::function<void()> done);

  // Seconds it waited, and whether the server went quiet within --settle.
  double seconds() const { return seconds_; }
  bool quiet() const { return quiet_; }

 private:
  void tick();

  RunContext& run_;
  boost::asio::steady_timer ticker_;
  std::function<void()> done_;
  std::int64_t start_ns_ = 0, last_change_ns_ = 0;
  std::uint64_t last_count_ = 0;
  double seconds_ = 0;
  bool quiet_ = true;
};

}  // namespace loadgen
