#include "join_storm.hpp"

#include <algorithm>

#include "clock.hpp"

namespace loadgen {

namespace websocket = boost::beast::websocket;
using error_code = boost::system::error_code;

void JoinStorm::start() {
  const int prefill = run_.options.prefill;
  if (prefill <= 0) return start_storm();
  prefiller_ = run_.make_client(-1, run_.options.nick_prefix + "prefill");
  prefilling_ = true;
  Client& p = *prefiller_;
  p.counted = true;  // not part of the connect phase
  run_.log("pre-filling " + std::to_string(prefill) + " messages");
  p.connect(run_.endpoint, run_.host_header, [this](const std::string& why) { prefill_failed(why); });
  // The nickname ack arrives like any client's (ConnectPhase::ready, counted
  // already), so poll for the joined state.
  wait_for_prefiller();
}

void JoinStorm::wait_for_prefiller() {
  ticker_.expires_after(std::chrono::milliseconds(5));
  ticker_.async_wait([this](error_code ec) {
    if (ec) return;
    if (prefiller_->state == ClientState::Closed) return prefill_failed(prefiller_->end_reason);
    if (prefiller_->state != ClientState::Joined) return wait_for_prefiller();
    for (int i = 0; i < std::min(16, run_.options.prefill); ++i) run_.send_message(*prefiller_, now_ns());
  });
}

void JoinStorm::prefill_acked(Client& p) {
  const auto prefill = static_cast<std::uint64_t>(run_.options.prefill);
  if (p.acked >= prefill) {
    prefilling_ = false;
    run_.log("pre-filled " + std::to_string(p.acked) + " messages");
    p.ws.async_close(websocket::close_code::normal, [this, &p](error_code) {
      p.state = ClientState::Closed;
      ticker_.expires_after(std::chrono::milliseconds(300));
      ticker_.async_wait([this](error_code ec) {
        if (!ec) start_storm();
      });
    });
    p.counted = true;
    return;
  }
  if (p.sent < prefill) run_.send_message(p, now_ns());
}

void JoinStorm::prefill_failed(const std::string& why) {
  run_.tally.first_error = "prefill: " + why;
  run_.log(run_.tally.first_error);
  run_.finish();
}

void JoinStorm::start_storm() {
  start_ns_ = now_ns();
  storming_ = true;
  connect_.start(static_cast<int>(run_.clients.size()), [this] {
    joined_ns_ = now_ns();
    check();
    // Wait up to --drain seconds for the rest of the history.
    ticker_.expires_after(std::chrono::milliseconds(static_cast<std::int64_t>(run_.options.drain * 1000)));
    ticker_.async_wait([this](error_code ec) {
      if (!ec) run_.finish();
    });
  });
}

void JoinStorm::check() {
  if (!storming_ || joined_ns_ == 0 || run_.finishing) return;
  for (auto& c : run_.clients) {
    if (c->state == ClientState::Joined && run_.options.prefill > 0 && c->history < run_.options.prefill) return;
  }
  run_.finish();
}

}  // namespace loadgen
