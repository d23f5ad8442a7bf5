#pragma once
// Delays between reconnect attempts: exponential, capped, with jitter so that
// many clients dropped by one server restart do not all come back at once.

#include <cstdint>
#include <functional>

namespace chat_client {

struct BackoffPolicy {
  std::int64_t initial_ms = 1000;
  std::int64_t max_ms = 30000;
  double factor = 2.0;
  double jitter = 0.5;  // the delay is spread over [d*(1-jitter), d*(1+jitter)], then capped
};

class ReconnectBackoff {
 public:
  // `random01` returns a number in [0, 1); injected so tests are deterministic.
  ReconnectBackoff(BackoffPolicy policy, std::function<double()> random01);

  // The delay before the next attempt; each call counts one more attempt.
  std::int64_t next_delay_ms();
  // Back to the initial delay, after a connection succeeded.
  void reset() { attempts_ = 0; }
  int attempts() const { return attempts_; }

 private:
  BackoffPolicy policy_;
  std::function<double()> random01_;
  int attempts_ = 0;
};

}  // namespace chat_client
