#include "chat/token_bucket.hpp"

#include <algorithm>

namespace chatd::chat {

namespace {
constexpr std::int64_t kNanosPerSecond = 1'000'000'000;
}

// Units: one token is kNanosPerSecond units; a second of refill adds `rate` tokens.
TokenBucket::TokenBucket(std::uint32_t rate_per_second, std::uint32_t burst, Clock::time_point now)
    : rate_per_second_(rate_per_second),
      capacity_(std::int64_t{std::max<std::uint32_t>(burst, 1)} * kNanosPerSecond),
      level_(capacity_),
      refilled_at_(now) {}

bool TokenBucket::try_take(Clock::time_point now) {
  if (rate_per_second_ == 0) return true;
  if (now > refilled_at_) {  // a clock that went backwards adds nothing
    const auto elapsed = std::chrono::duration_cast<std::chrono::nanoseconds>(now - refilled_at_).count();
    const std::int64_t to_full = (capacity_ - level_ + rate_per_second_ - 1) / rate_per_second_;
    level_ = elapsed >= to_full ? capacity_ : std::min(capacity_, level_ + elapsed * rate_per_second_);
    refilled_at_ = now;
  }
  if (level_ < kNanosPerSecond) return false;
  level_ -= kNanosPerSecond;
  return true;
}

}  // namespace chatd::chat
