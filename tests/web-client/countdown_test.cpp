#include <catch2/catch.hpp>

#include "chat_client/countdown.hpp"
#include "fake_transport.hpp"

using chat_client::ChatModel;
using chat_client::format_countdown;
using chat_client::LineKind;
using chat_client::next_countdown_change_ms;
using test_support::ClientFixture;

TEST_CASE("countdowns are whole seconds, rounded up, at least one", "[countdown]") {
  CHECK(format_countdown(1000) == "1s");
  CHECK(format_countdown(1001) == "2s");
  CHECK(format_countdown(1) == "1s");
  CHECK(format_countdown(30000) == "30s");
  // Due or overdue (the next tick reconnects): still "1s", never "0s" or less.
  CHECK(format_countdown(0) == "1s");
  CHECK(format_countdown(-999) == "1s");
  CHECK(format_countdown(-5000) == "1s");
}

TEST_CASE("a countdown's text next changes on a whole second before the end", "[countdown]") {
  // 10 s to go at 0: "10s" until 1000 ms have passed, then "9s".
  CHECK(next_countdown_change_ms(10'000, 0) == 1'000);
  CHECK(format_countdown(10'000 - 999) == "10s");
  CHECK(format_countdown(10'000 - 1'000) == "9s");
  // 2.5 s to go: "3s" until 0.5 s have passed.
  CHECK(next_countdown_change_ms(10'000, 7'500) == 8'000);
  CHECK(format_countdown(10'000 - 7'999) == "3s");
  CHECK(format_countdown(10'000 - 8'000) == "2s");
  // In the last second "1s" stays until the wait is over.
  CHECK(next_countdown_change_ms(10'000, 9'000) == 10'000);
  CHECK(next_countdown_change_ms(10'000, 9'500) == 10'000);
  // Due or overdue: now (never a time in the past).
  CHECK(next_countdown_change_ms(10'000, 10'000) == 10'000);
  CHECK(next_countdown_change_ms(10'000, 12'000) == 12'000);
  // Every change time is later than now, and the text differs just after it.
  for (std::int64_t now = 0; now < 10'000; now += 37) {
    const std::int64_t next = next_countdown_change_ms(10'000, now);
    CHECK(next > now);
    if (next < 10'000) {
      CHECK(format_countdown(10'000 - (next - 1)) == format_countdown(10'000 - now));
      CHECK(format_countdown(10'000 - next) != format_countdown(10'000 - now));
    }
  }
}

TEST_CASE("the model counts down to the scheduled reconnect", "[countdown][model]") {
  ChatModel model;
  CHECK_FALSE(model.reconnect_countdown(0));
  model.set_reconnect_at(10'000);
  CHECK(model.reconnect_countdown(0) == "10s");
  CHECK(model.reconnect_countdown(8'500) == "2s");
  CHECK(model.reconnect_countdown(9'999) == "1s");
  CHECK(model.reconnect_countdown(12'000) == "1s");
  model.set_reconnect_at(std::nullopt);
  CHECK_FALSE(model.reconnect_countdown(0));
}

TEST_CASE("the disconnect line and the countdown say the same", "[countdown][reconnect]") {
  ClientFixture f;
  f.join_as("bob");
  f.transport.drop();  // first delay: 1 s
  f.now_ms += 1000;
  f.client.tick();
  f.transport.drop();  // second: 2 s
  REQUIRE_FALSE(f.model.lines().empty());
  const auto& line = f.model.lines().back();
  CHECK(line.kind == LineKind::System);
  CHECK(line.text == "Disconnected, reconnecting in " + f.model.reconnect_countdown(f.now_ms).value() + "\u2026");
  CHECK(line.text == "Disconnected, reconnecting in 2s\u2026");
  f.now_ms += 1500;
  CHECK(f.model.reconnect_countdown(f.now_ms) == "1s");
  f.now_ms += 500;
  f.client.tick();  // reconnecting: nothing to count down to
  CHECK_FALSE(f.model.reconnect_countdown(f.now_ms));
}
