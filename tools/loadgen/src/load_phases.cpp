#include "load_phases.hpp"

#include <algorithm>

#include "clock.hpp"
#include "json_text.hpp"
#include "proc_stats.hpp"

namespace loadgen {

using error_code = boost::system::error_code;

int LoadPhases::probe_of(int sender) const {
  const Options& o = run_.options;
  if (!o.probe) return -1;
  if (o.clients > o.senders) return o.senders + sender % (o.clients - o.senders);
  return (sender + 1) % o.clients;
}

void LoadPhases::pump(Client& c) {
  const Options& o = run_.options;
  if (!sending_ || o.rate > 0 || c.idx >= o.senders || c.state != ClientState::Joined) return;
  for (;;) {
    const std::uint64_t done =
        (o.probe && c.probe_alive && probe_of(c.idx) >= 0) ? std::min(c.acked, c.probed) : c.acked;
    if (c.sent - done >= static_cast<std::uint64_t>(o.window)) break;
    run_.send_message(c, now_ns());
  }
}

void LoadPhases::delivered(Client& receiver, int sender, std::uint64_t seq) {
  if (sender >= 0 && sender < run_.options.senders && probe_of(sender) == receiver.idx) {
    Client& s = *run_.clients[static_cast<std::size_t>(sender)];
    s.probed = std::max(s.probed, seq + 1);
    pump(s);
  }
}

void LoadPhases::probe_closed(const Client& c) {
  for (int s = 0; c.idx >= 0 && s < run_.options.senders && s < static_cast<int>(run_.clients.size()); ++s) {
    if (probe_of(s) == c.idx) run_.clients[static_cast<std::size_t>(s)]->probe_alive = false;
  }
}

void LoadPhases::start() {
  Options& o = run_.options;
  Tally& tally = run_.tally;
  const Phase& ph = o.phases[phase_index_];
  o.rate = ph.rate;
  o.duration = ph.duration;
  label_ = ph.label;
  stall_phase_ = ph.stall;
  tally.sent_window = tally.acks_window = tally.deliveries_window = tally.sent_phase = tally.deliveries_phase = 0;
  tally.latency = Histogram{};
  window_started_ = false;
  rss_series_.clear();
  cpu_window_start_ = cpu_window_end_ = server_cpu_window_start_ = server_cpu_window_end_ = 0;
  if (stall_phase_) {
    for (auto& c : run_.clients) {
      if (c->stalled) c->reading = false;  // the slow consumer stops reading here
    }
  }
  const std::int64_t now = now_ns();
  send_start_ns_ = now;
  tally.window_start_ns = now + static_cast<std::int64_t>(o.warmup * 1e9);
  tally.window_end_ns = tally.window_start_ns + static_cast<std::int64_t>(o.duration * 1e9);
  sending_ = true;
  run_.log("phase " + label_ + ": warm-up " + fixed(o.warmup, 1) + " s, measuring " + fixed(o.duration, 1) + " s" +
           (o.rate > 0 ? ", " + fixed(o.rate, 0) + " msg/s" : ", window " + std::to_string(o.window)));
  sample_server();
  if (o.rate > 0) {
    rate_issued_ = 0;
    rate_tick();
  } else {
    for (int s = 0; s < o.senders; ++s) pump(*run_.clients[static_cast<std::size_t>(s)]);
  }
  tick();
}

void LoadPhases::rate_tick() {
  if (!sending_) return;
  const Options& o = run_.options;
  const std::int64_t now = now_ns();
  // Message i is due at send_start + i / rate: the first at once. (Counting
  // from 1 would send each message one interval after the time stamped in
  // it, adding 1 / rate -- 20 ms at 50 msg/s -- to every latency.)
  const auto due = static_cast<std::uint64_t>(seconds_between(send_start_ns_, now) * o.rate) + 1;
  int skipped = 0;
  while (rate_issued_ < due && skipped < o.senders) {
    Client& c = *run_.clients[static_cast<std::size_t>(rate_issued_ % static_cast<std::uint64_t>(o.senders))];
    if (c.state != ClientState::Joined) {
      ++rate_issued_;
      ++skipped;
      continue;
    }
    const auto stamp = send_start_ns_ + static_cast<std::int64_t>(static_cast<double>(rate_issued_) * 1e9 / o.rate);
    run_.send_message(c, stamp);
    ++rate_issued_;
  }
  rate_timer_.expires_after(std::chrono::milliseconds(1));
  rate_timer_.async_wait([this](error_code ec) {
    if (!ec) rate_tick();
  });
}

// Four times a second while a phase runs: sample the server, open and close
// the measurement window, end the phase once drained.
void LoadPhases::tick() {
  ticker_.expires_after(std::chrono::milliseconds(250));
  ticker_.async_wait([this](error_code ec) {
    if (ec) return;
    const Options& o = run_.options;
    const Tally& tally = run_.tally;
    const std::int64_t now = now_ns();
    if (now - last_sample_ns_ >= 1'000'000'000) sample_server();
    if (!window_started_ && now >= tally.window_start_ns) {
      window_started_ = true;
      cpu_window_start_ = self_cpu_seconds();
      if (o.server_pid) {
        server_cpu_window_start_ = process_cpu_seconds(*o.server_pid).value_or(0);
        rss_window_start_ = process_rss_kib(*o.server_pid).value_or(-1);
      }
    }
    if (sending_ && now >= tally.window_end_ns) {
      sending_ = false;
      cpu_window_end_ = self_cpu_seconds();
      if (o.server_pid) {
        server_cpu_window_end_ = process_cpu_seconds(*o.server_pid).value_or(0);
        rss_window_end_ = process_rss_kib(*o.server_pid).value_or(-1);
      }
      drain_end_ns_ = now + static_cast<std::int64_t>(o.drain * 1e9);
      run_.log("window over: " + std::to_string(tally.deliveries_window) + " deliveries, draining");
    }
    if (!sending_ && now >= tally.window_end_ns) {
      if (now >= drain_end_ns_ || tally.deliveries_phase >= expected_deliveries()) {
        return stall_phase_ ? start_stall_check() : end();
      }
    }
    tick();
  });
}

int LoadPhases::active_receivers() const {
  int n = 0;
  for (const auto& c : run_.clients) n += (c->reading && c->state == ClientState::Joined) ? 1 : 0;
  return n;
}

std::uint64_t LoadPhases::expected_deliveries() const {
  const int receivers = active_receivers();
  return receivers > 1 ? run_.tally.sent_phase * static_cast<std::uint64_t>(receivers - 1) : 0;
}

void LoadPhases::sample_server() {
  last_sample_ns_ = now_ns();
  if (!run_.options.server_pid) return;
  const auto rss = process_rss_kib(*run_.options.server_pid);
  if (rss) {
    rss_series_.push_back(
        {seconds_between(send_start_ns_ ? send_start_ns_ : run_.run_start_ns, last_sample_ns_), *rss});
  }
}

// The slow consumers read again: what is buffered, then the close if they were cut off.
void LoadPhases::start_stall_check() {
  std::vector<Client*> stalled;
  for (auto& c : run_.clients) {
    if (c->stalled) stalled.push_back(c.get());
  }
  if (stalled.empty()) return end();
  run_.log("reading the stalled clients' sockets again");
  stall_check_end_ns_ = now_ns() + static_cast<std::int64_t>(std::max(1.0, run_.options.drain) * 1e9);
  for (Client* c : stalled) {
    c->reading = false;  // still count drained bytes
    if (c->state != ClientState::Closed && !c->read_pending)
      c->drain([this] { return now_ns() < stall_check_end_ns_; });
  }
  ticker_.expires_after(std::chrono::milliseconds(200));
  stall_tick();
}

void LoadPhases::stall_tick() {
  ticker_.async_wait([this](error_code ec) {
    if (ec) return;
    check_stalled();
    if (run_.finishing || stall_check_end_ns_ == 0) return;
    ticker_.expires_after(std::chrono::milliseconds(200));
    stall_tick();
  });
}

void LoadPhases::check_stalled() {
  if (stall_check_end_ns_ == 0 || run_.finishing) return;
  bool all_closed = true;
  for (auto& c : run_.clients) {
    if (c->stalled && c->state != ClientState::Closed) all_closed = false;
  }
  if (all_closed || now_ns() >= stall_check_end_ns_) {
    stall_check_end_ns_ = 0;
    ticker_.cancel();
    end();
  }
}

// A phase is over: its result line, then the next phase or the end.
void LoadPhases::end() {
  run_.report();
  if (++phase_index_ >= run_.options.phases.size()) return run_.finish();
  ticker_.expires_after(std::chrono::milliseconds(1000));
  ticker_.async_wait([this](error_code ec) {
    if (!ec) start();
  });
}

}  // namespace loadgen
