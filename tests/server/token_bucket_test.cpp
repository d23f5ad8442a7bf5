#include <catch2/catch.hpp>

#include "chat/token_bucket.hpp"

using chatd::chat::TokenBucket;
using namespace std::chrono_literals;

namespace {

// How many of `attempts` takes at the same instant succeed.
int take_all(TokenBucket& bucket, TokenBucket::Clock::time_point at, int attempts) {
  int taken = 0;
  for (int i = 0; i < attempts; ++i) taken += bucket.try_take(at) ? 1 : 0;
  return taken;
}

}  // namespace

TEST_CASE("A full bucket allows a burst, then refuses until it refills") {
  const TokenBucket::Clock::time_point start{};
  TokenBucket bucket(10, 20, start);
  CHECK(take_all(bucket, start, 25) == 20);
  CHECK_FALSE(bucket.try_take(start + 99ms));  // 0.99 of a token
  CHECK(bucket.try_take(start + 100ms));       // one token per 100 ms at 10/s
  CHECK_FALSE(bucket.try_take(start + 100ms));
  CHECK(take_all(bucket, start + 600ms, 10) == 5);
}

TEST_CASE("A bucket refills at the rate, never beyond the burst") {
  const TokenBucket::Clock::time_point start{};
  TokenBucket bucket(10, 20, start);
  CHECK(take_all(bucket, start, 20) == 20);
  CHECK(take_all(bucket, start + 1h, 100) == 20);
  // Steady traffic at the rate is never refused.
  auto now = start + 2h;
  CHECK(take_all(bucket, now, 20) == 20);
  for (int i = 0; i < 1000; ++i) {
    now += 100ms;
    REQUIRE(bucket.try_take(now));
  }
  // Partial refills add up exactly: ten 10 ms steps make one token.
  for (int i = 0; i < 9; ++i) {
    now += 10ms;
    REQUIRE_FALSE(bucket.try_take(now));
  }
  now += 10ms;
  CHECK(bucket.try_take(now));
}

TEST_CASE("A rate of 1 per second with a burst of 1 allows one event per second") {
  const TokenBucket::Clock::time_point start{};
  TokenBucket bucket(1, 1, start);
  CHECK(take_all(bucket, start, 3) == 1);
  CHECK_FALSE(bucket.try_take(start + 999ms));
  CHECK(bucket.try_take(start + 1s));
}

TEST_CASE("A rate of 0 means no limit") {
  const TokenBucket::Clock::time_point start{};
  TokenBucket bucket(0, 1, start);
  CHECK(take_all(bucket, start, 100000) == 100000);
}

TEST_CASE("A clock that goes backwards adds no tokens") {
  const auto start = TokenBucket::Clock::time_point{} + 10s;
  TokenBucket bucket(10, 2, start);
  CHECK(take_all(bucket, start, 2) == 2);
  CHECK_FALSE(bucket.try_take(start - 5s));
  CHECK_FALSE(bucket.try_take(start + 50ms));  // the step back did not move the refill point
  CHECK(bucket.try_take(start + 100ms));
}
