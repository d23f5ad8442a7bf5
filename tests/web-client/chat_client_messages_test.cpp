#include <catch2/catch.hpp>

#include "fake_transport.hpp"

using chat_client::ConnectionState;
using chat_client::DeliveryStatus;
using chat_client::LineKind;
using test_support::ClientFixture;

TEST_CASE("history and live messages are told apart", "[messages]") {
  ClientFixture f;
  f.join_as("bob");
  f.transport.receive(R"(42["user message","alice","old news",{"id":7,"ts":1600000000000,"history":true}])");
  f.transport.receive(R"(42["nicknames",{"alice":"alice","bob":"bob"}])");
  f.transport.receive(R"(42["user message","alice","fresh",{"id":8,"ts":1700000000500}])");

  REQUIRE(f.model.lines().size() == 2);
  const auto& old_line = f.model.lines()[0];
  CHECK(old_line.kind == LineKind::Message);
  CHECK(old_line.from == "alice");
  CHECK(old_line.text == "old news");
  CHECK(old_line.history);
  CHECK(old_line.ts_ms == 1600000000000);
  CHECK(old_line.server_id == 7);
  CHECK_FALSE(old_line.own);

  const auto& live = f.model.lines()[1];
  CHECK(live.text == "fresh");
  CHECK_FALSE(live.history);
  CHECK(live.ts_ms == 1700000000500);

  CHECK(f.model.online() == std::vector<std::string>{"alice", "bob"});
}

TEST_CASE("history that arrives before the nickname ack is kept", "[messages]") {
  ClientFixture f;
  f.connect_to_prompt();
  f.client.submit_nickname("bob");
  f.transport.receive(R"(42["user message","alice","early",{"id":1,"ts":5,"history":true}])");
  f.transport.receive("431[false]");
  REQUIRE(f.model.lines().size() == 1);
  CHECK(f.model.lines()[0].text == "early");
}

TEST_CASE("announcements are logged as such", "[messages]") {
  ClientFixture f;
  f.join_as("bob");
  f.transport.receive(R"(42["announcement","alice connected"])");
  REQUIRE(f.model.lines().size() == 1);
  CHECK(f.model.lines()[0].kind == LineKind::Announcement);
  CHECK(f.model.lines()[0].text == "alice connected");
  CHECK(f.model.lines()[0].ts_ms == f.now_ms);
}

TEST_CASE("own messages show at once and are confirmed by their ack", "[messages]") {
  ClientFixture f;
  f.join_as("bob");
  f.transport.clear_sent();

  CHECK(f.client.send_message("hello 你好"));
  // With its idempotency key: this page's prefix and a counter.
  CHECK(f.transport.last_sent() ==
        "422[\"user message\",\"hello 你好\",{\"key\":\"" + f.client.message_key_prefix() + "-1\"}]");
  REQUIRE(f.model.lines().size() == 1);
  CHECK(f.model.lines()[0].own);
  CHECK(f.model.lines()[0].from == "bob");
  CHECK(f.model.lines()[0].status == DeliveryStatus::Pending);

  f.transport.receive(R"(432[{"id":42,"ts":1700000009999}])");
  CHECK(f.model.lines()[0].status == DeliveryStatus::Confirmed);
  CHECK(f.model.lines()[0].server_id == 42);
  CHECK(f.model.lines()[0].ts_ms == 1700000009999);
}

TEST_CASE("a refused message is marked failed with the reason", "[messages]") {
  ClientFixture f;
  f.join_as("bob");
  f.client.send_message("spam");
  f.transport.receive(R"(432[{"error":"Slow down"}])");
  REQUIRE(f.model.lines().size() == 1);
  CHECK(f.model.lines()[0].status == DeliveryStatus::Failed);
  CHECK(f.model.lines()[0].failure == "Slow down");
}

TEST_CASE("messages go one at a time, in the order typed, each after the last one's ack", "[messages]") {
  ClientFixture f;
  f.join_as("bob");  // used ack id 1
  f.transport.clear_sent();
  f.client.send_message("first");   // 2, sent at once
  f.client.send_message("second");  // waits for the first's ack
  f.client.send_message("third");
  const std::string prefix = f.client.message_key_prefix();
  CHECK(f.transport.sent() ==
        std::vector<std::string>{"422[\"user message\",\"first\",{\"key\":\"" + prefix + "-1\"}]"});
  CHECK(f.model.lines()[1].status == DeliveryStatus::Pending);
  f.transport.receive(R"(433[{"id":11,"ts":2}])");  // not the one in flight
  CHECK(f.model.lines()[0].status == DeliveryStatus::Pending);
  CHECK(f.transport.sent().size() == 1);
  f.transport.receive(R"(432[{"id":10,"ts":1}])");
  CHECK(f.model.lines()[0].status == DeliveryStatus::Confirmed);
  CHECK(f.model.lines()[0].server_id == 10);
  CHECK(f.transport.last_sent() == "423[\"user message\",\"second\",{\"key\":\"" + prefix + "-2\"}]");
  f.transport.receive(R"(433[{"id":11,"ts":2}])");
  CHECK(f.transport.last_sent() == "424[\"user message\",\"third\",{\"key\":\"" + prefix + "-3\"}]");
  f.transport.receive(R"(434[{"id":12,"ts":3}])");
  for (const auto& line : f.model.lines()) CHECK(line.status == DeliveryStatus::Confirmed);
  CHECK(f.model.lines()[2].server_id == 12);
}

TEST_CASE("a message refused by the rate limit is sent again later, before the next one", "[messages]") {
  ClientFixture f;
  f.join_as("bob");
  f.transport.clear_sent();
  f.client.send_message("one");
  f.client.send_message("two");
  f.transport.receive(R"(432[{"error":"rate limit: at most 10 messages per second"}])");
  CHECK(f.model.lines()[0].status == DeliveryStatus::Pending);
  CHECK(f.transport.sent().size() == 1);
  f.now_ms += 99;
  f.client.tick();
  CHECK(f.transport.sent().size() == 1);  // not yet: 100 ms
  f.now_ms += 1;
  f.client.tick();
  const std::string prefix = f.client.message_key_prefix();
  CHECK(f.transport.last_sent() == "423[\"user message\",\"one\",{\"key\":\"" + prefix + "-1\"}]");
  // Refused again: twice the wait.
  f.transport.receive(R"(433[{"error":"rate limit: at most 10 messages per second"}])");
  f.now_ms += 199;
  f.client.tick();
  CHECK(f.transport.sent().size() == 2);
  f.now_ms += 1;
  f.client.tick();
  CHECK(f.transport.sent().size() == 3);
  f.transport.receive(R"(434[{"id":1,"ts":1}])");
  CHECK(f.model.lines()[0].status == DeliveryStatus::Confirmed);
  CHECK(f.transport.last_sent() == "425[\"user message\",\"two\",{\"key\":\"" + prefix + "-2\"}]");
  f.transport.receive(R"(435[{"id":2,"ts":2}])");
  CHECK(f.model.lines()[1].status == DeliveryStatus::Confirmed);
}

TEST_CASE("empty or overlong messages are refused locally", "[messages]") {
  ClientFixture f;
  f.join_as("bob");
  f.transport.clear_sent();
  CHECK_FALSE(f.client.send_message("   "));
  CHECK_FALSE(f.client.send_message(std::string(2001, 'a')));
  CHECK(f.transport.sent().empty());
  // The refusals are shown as error lines, not as messages.
  for (const auto& line : f.model.lines()) CHECK(line.kind == LineKind::Error);
}

TEST_CASE("a blank line is not sent, and leaves no error line", "[messages]") {
  ClientFixture f;
  f.join_as("bob");
  f.transport.clear_sent();
  for (const std::string blank : {"", " ", "  \t ", "\xE3\x80\x80"}) {  // the last: an ideographic space
    INFO("blank: \"" << blank << "\"");
    const auto sent = f.client.send_message(blank);
    REQUIRE_FALSE(sent);
    CHECK(sent.error().reason == "Message is empty");
  }
  CHECK(f.transport.sent().empty());
  CHECK(f.model.lines().empty());

  // Text that breaks another rule is refused with an error line.
  const auto overlong = f.client.send_message(std::string(2001, 'a'));
  REQUIRE_FALSE(overlong);
  REQUIRE(f.model.lines().size() == 1);
  CHECK(f.model.lines()[0].kind == LineKind::Error);
  CHECK(f.model.lines()[0].text == overlong.error().reason);
}

TEST_CASE("messages cannot be sent before joining", "[messages]") {
  ClientFixture f;
  f.connect_to_prompt();
  f.transport.clear_sent();
  CHECK_FALSE(f.client.send_message("hi"));
  CHECK(f.transport.sent().empty());
  CHECK(f.model.lines().empty());
}

TEST_CASE("chat errors are logged", "[messages]") {
  ClientFixture f;
  f.join_as("bob");
  f.transport.receive(R"(42["chat error",{"event":"user message","reason":"Message is empty"}])");
  REQUIRE(f.model.lines().size() == 1);
  CHECK(f.model.lines()[0].kind == LineKind::Error);
  CHECK(f.model.lines()[0].text == "Message is empty");
}
