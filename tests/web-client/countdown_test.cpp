#include <catch2/catch.hpp>

#include "chat_client/countdown.hpp"
#include "fake_transport.hpp"

using chat_client::ChatModel;
using chat_client::format_countdown;
using chat_client::LineKind;
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
