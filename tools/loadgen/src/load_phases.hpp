#pragma once
// --mode load: the joined clients' senders send, through one phase after the
// other (--phases): as fast as flow control allows (a window of unanswered
// messages per sender, a slot freed by the ack and by the delivery to a probe
// receiver) or at a fixed rate. Each phase warms up, measures for its
// duration, drains, and (in a stall phase) checks that the server cut off the
// clients that stopped reading; then its result line is written.
#include <boost/asio/steady_timer.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "run_context.hpp"

namespace loadgen {

class LoadPhases {
 public:
  explicit LoadPhases(RunContext& run) : run_(run), ticker_(run.io), rate_timer_(run.io) {}

  // Starts the next phase (the first, at first).
  void start();
  // Sends what the sender's window allows (fast phases only).
  void pump(Client& sender);
  // `receiver` got message `seq` of `sender`: a probe delivery frees a slot.
  void delivered(Client& receiver, int sender, std::uint64_t seq);
  // The server closed `client`: a sender whose probe it was no longer waits
  // for its deliveries.
  void probe_closed(const Client& client);
  // The server closed a stalled client: the stall check may be complete.
  void stalled_closed() { check_stalled(); }

  bool all_done() const { return phase_index_ >= run_.options.phases.size(); }

  // For the result line of the phase that just ended.
  const std::string& label() const { return label_; }
  bool stall_phase() const { return stall_phase_; }
  int active_receivers() const;
  std::uint64_t expected_deliveries() const;
  bool window_over() const { return cpu_window_end_ > 0; }
  double cpu_seconds() const { return cpu_window_end_ - cpu_window_start_; }
  double server_cpu_seconds() const { return server_cpu_window_end_ - server_cpu_window_start_; }
  std::int64_t rss_window_start() const { return rss_window_start_; }
  std::int64_t rss_window_end() const { return rss_window_end_; }
  const std::vector<std::pair<double, std::int64_t>>& rss_series() const { return rss_series_; }

 private:
  int probe_of(int sender) const;
  void rate_tick();
  void tick();
  void sample_server();
  void start_stall_check();
  void stall_tick();
  void check_stalled();
  void end();

  RunContext& run_;
  boost::asio::steady_timer ticker_;
  boost::asio::steady_timer rate_timer_;
  std::size_t phase_index_ = 0;
  std::string label_;
  bool stall_phase_ = false;
  bool sending_ = false, window_started_ = false;
  std::int64_t send_start_ns_ = 0, drain_end_ns_ = 0;
  std::int64_t last_sample_ns_ = 0, stall_check_end_ns_ = 0;
  std::uint64_t rate_issued_ = 0;
  double cpu_window_start_ = 0, cpu_window_end_ = 0, server_cpu_window_start_ = 0, server_cpu_window_end_ = 0;
  std::int64_t rss_window_start_ = -1, rss_window_end_ = -1;
  std::vector<std::pair<double, std::int64_t>> rss_series_;
};

}  // namespace loadgen
