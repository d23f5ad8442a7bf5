#include <catch2/catch.hpp>

#include "chat_client/reconnect_backoff.hpp"

using chat_client::BackoffPolicy;
using chat_client::ReconnectBackoff;

TEST_CASE("jitter spreads the delay around the exponential base", "[backoff]") {
  BackoffPolicy policy;  // 1 s, x2, cap 30 s, jitter 0.5
  SECTION("lowest draw") {
    ReconnectBackoff backoff(policy, [] { return 0.0; });
    CHECK(backoff.next_delay_ms() == 500);
    CHECK(backoff.next_delay_ms() == 1000);
    CHECK(backoff.next_delay_ms() == 2000);
  }
  SECTION("highest draw never exceeds the cap") {
    ReconnectBackoff backoff(policy, [] { return 0.999999; });
    CHECK(backoff.next_delay_ms() == 1500);
    for (int i = 0; i < 20; ++i) CHECK(backoff.next_delay_ms() <= policy.max_ms);
    CHECK(backoff.next_delay_ms() == policy.max_ms);
  }
}

TEST_CASE("reset returns to the first delay", "[backoff]") {
  ReconnectBackoff backoff(BackoffPolicy{}, [] { return 0.5; });
  backoff.next_delay_ms();
  backoff.next_delay_ms();
  CHECK(backoff.attempts() == 2);
  backoff.reset();
  CHECK(backoff.next_delay_ms() == 1000);
}

TEST_CASE("many attempts do not overflow", "[backoff]") {
  ReconnectBackoff backoff(BackoffPolicy{}, [] { return 0.5; });
  std::int64_t last = 0;
  for (int i = 0; i < 5000; ++i) last = backoff.next_delay_ms();
  CHECK(last == 30000);
}
