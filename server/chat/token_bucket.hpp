#pragma once
// A token bucket: allows `rate` events per second on average and bursts of up
// to `burst` events. The caller passes the time, so that tests need no clock.

#include <chrono>
#include <cstdint>

namespace chatd::chat {

class TokenBucket {
 public:
  using Clock = std::chrono::steady_clock;

  // `rate_per_second` 0 means no limit. The bucket starts full.
  TokenBucket(std::uint32_t rate_per_second, std::uint32_t burst, Clock::time_point now);

  // Takes one token if there is one; false means the event is over the limit.
  bool try_take(Clock::time_point now);

 private:
  // Integer arithmetic in nanoseconds of refill: one token is 1 s / rate,
  // so that refills never drift by rounding.
  const std::int64_t rate_per_second_;
  const std::int64_t capacity_;  // burst tokens, in token-nanoseconds
  std::int64_t level_;           // tokens held, in token-nanoseconds
  Clock::time_point refilled_at_;
};

}  // namespace chatd::chat
