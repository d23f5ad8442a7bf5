#include "chat_client/reconnect_backoff.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

namespace chat_client {

ReconnectBackoff::ReconnectBackoff(BackoffPolicy policy, std::function<double()> random01)
    : policy_(policy), random01_(std::move(random01)) {}

std::int64_t ReconnectBackoff::next_delay_ms() {
  const double cap = static_cast<double>(policy_.max_ms);
  // pow() grows without bound; clamp before jitter so the cap holds.
  const double base = std::min(cap, static_cast<double>(policy_.initial_ms) * std::pow(policy_.factor, attempts_));
  ++attempts_;
  double r = random01_ ? random01_() : 0.5;
  r = std::clamp(r, 0.0, 1.0);
  const double spread = base * policy_.jitter;
  const double delay = std::clamp(base - spread + 2.0 * spread * r, 0.0, cap);
  return static_cast<std::int64_t>(std::llround(delay));
}

}  // namespace chat_client
