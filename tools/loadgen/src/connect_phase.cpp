#include "connect_phase.hpp"

#include <utility>

#include "clock.hpp"
#include "json_text.hpp"
#include "proc_stats.hpp"

namespace loadgen {

using error_code = boost::system::error_code;

void ConnectPhase::start(int concurrency, std::function<void()> done) {
  done_ = std::move(done);
  next_ = 0;
  target_ = static_cast<int>(run_.clients.size());
  start_ns_ = now_ns();
  last_progress_ns_ = start_ns_;
  cpu_start_ = self_cpu_seconds();
  run_.log("connecting " + std::to_string(target_) + " clients, " + std::to_string(concurrency) + " at a time");
  for (int i = 0; i < concurrency && next_ < target_; ++i)
    start_client(*run_.clients[static_cast<std::size_t>(next_++)]);
  tick();
}

double ConnectPhase::seconds() const { return end_ns_ ? seconds_between(start_ns_, end_ns_) : 0; }

// Once a second: report, and give up on handshakes that made no progress for 30 s.
void ConnectPhase::tick() {
  ticker_.expires_after(std::chrono::seconds(1));
  ticker_.async_wait([this](error_code ec) {
    if (ec || !done_) return;
    if (run_.options.verbose) run_.log("ready " + std::to_string(ready_) + " failed " + std::to_string(failed_));
    if (now_ns() - last_progress_ns_ > 30'000'000'000) {
      run_.log("handshakes stalled for 30 s: giving up on the rest");
      for (auto& c : run_.clients) {
        if (!c->counted) failed(*c, "handshake stalled (no progress for 30 s)");
      }
      return;
    }
    tick();
  });
}

void ConnectPhase::start_client(Client& c) {
  const std::size_t target = run_.target_of(c.idx);
  c.connect(run_.endpoints[target], run_.host_headers[target], [this, &c](const std::string& why) { failed(c, why); });
}

void ConnectPhase::ready(Client& c) {
  c.ready_ns = now_ns();
  if (c.counted) return;
  c.counted = true;
  ++ready_;
  progress();
}

void ConnectPhase::failed(Client& c, const std::string& why) {
  if (c.state != ClientState::Closed) {
    c.state = ClientState::Closed;
    c.drop();
  }
  if (c.end_reason.empty()) c.end_reason = why;
  if (c.counted) return;
  c.counted = true;
  ++failed_;
  if (run_.tally.first_error.empty()) run_.tally.first_error = why;
  progress();
}

void ConnectPhase::progress() {
  last_progress_ns_ = now_ns();
  if (next_ < target_) start_client(*run_.clients[static_cast<std::size_t>(next_++)]);
  if (ready_ + failed_ == target_ && done_) {
    end_ns_ = now_ns();
    cpu_end_ = self_cpu_seconds();
    ticker_.cancel();
    run_.log("connected " + std::to_string(ready_) + ", failed " + std::to_string(failed_) + " in " +
             fixed(seconds_between(start_ns_, end_ns_)) + " s");
    auto done = std::move(done_);
    done_ = nullptr;
    done();
  }
}

}  // namespace loadgen
