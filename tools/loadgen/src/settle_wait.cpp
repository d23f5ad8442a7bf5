#include "settle_wait.hpp"

#include <utility>

#include "clock.hpp"
#include "json_text.hpp"

namespace loadgen {

using error_code = boost::system::error_code;

namespace {
constexpr std::int64_t kQuietNs = 1'000'000'000;
}

void SettleWait::start(std::function<void()> done) {
  done_ = std::move(done);
  if (run_.options.settle <= 0) {
    auto d = std::move(done_);
    return d();
  }
  start_ns_ = last_change_ns_ = now_ns();
  last_count_ = run_.tally.nicknames_events + run_.tally.announcements;
  run_.log("settling: waiting for the online lists to stop (at most " + fixed(run_.options.settle, 0) + " s)");
  tick();
}

void SettleWait::tick() {
  ticker_.expires_after(std::chrono::milliseconds(100));
  ticker_.async_wait([this](error_code ec) {
    if (ec) return;
    const std::int64_t now = now_ns();
    const std::uint64_t count = run_.tally.nicknames_events + run_.tally.announcements;
    if (count != last_count_) {
      last_count_ = count;
      last_change_ns_ = now;
    }
    const bool quiet = now - last_change_ns_ >= kQuietNs;
    if (quiet || seconds_between(start_ns_, now) >= run_.options.settle) {
      quiet_ = quiet;
      seconds_ = seconds_between(start_ns_, last_change_ns_);
      run_.log(std::string(quiet ? "settled: the last list came " : "not settled: lists still coming after ") +
               fixed(seconds_, 1) + " s after the joins");
      auto done = std::move(done_);
      return done();
    }
    tick();
  });
}

}  // namespace loadgen
