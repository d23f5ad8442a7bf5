#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

#include "fake_transport.hpp"

using chat_client::ConnectionState;
using chat_client::DeliveryStatus;
using chat_client::LineKind;
using test_support::ClientFixture;
using test_support::kOpenFrame;

namespace {

bool has_system_line(const chat_client::ChatModel& model, const std::string& text) {
  for (const auto& line : model.lines()) {
    if (line.kind == LineKind::System && line.text == text) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("a dropped connection reconnects after the backoff delay", "[reconnect]") {
  ClientFixture f;
  f.join_as("bob");
  f.transport.drop();

  CHECK(f.client.state() == ConnectionState::Disconnected);
  REQUIRE(f.model.reconnect_at_ms().has_value());
  CHECK(*f.model.reconnect_at_ms() == f.now_ms + 1000);  // first delay, jitter centred
  CHECK(has_system_line(f.model, "Disconnected, reconnecting in 1s\u2026"));

  f.now_ms += 999;
  f.client.tick();
  CHECK(f.transport.open_calls() == 1);
  f.now_ms += 1;
  f.client.tick();
  CHECK(f.transport.open_calls() == 2);
  CHECK(f.client.state() == ConnectionState::Connecting);
}

TEST_CASE("the nickname is re-sent automatically after a reconnect", "[reconnect]") {
  ClientFixture f;
  f.join_as("bob");
  f.drop_and_reopen();
  f.transport.clear_sent();
  f.transport.receive("40{\"sid\":\"s2\"}");

  CHECK(f.client.state() == ConnectionState::Joining);
  REQUIRE(f.transport.sent().size() == 1);
  CHECK(f.transport.sent()[0] == R"(422["nickname","bob"])");
  CHECK(has_system_line(f.model, "Reconnected"));

  f.transport.receive("432[false]");
  CHECK(f.client.state() == ConnectionState::Joined);
  CHECK(f.model.nickname() == "bob");
}

TEST_CASE("if the name was taken meanwhile, the user is asked again", "[reconnect]") {
  ClientFixture f;
  f.join_as("bob");
  f.drop_and_reopen();
  f.transport.receive("40");
  f.transport.receive(R"(432[true,"Nickname already in use"])");
  CHECK(f.client.state() == ConnectionState::NeedsNickname);
  CHECK(f.model.nickname_error() == "Nickname already in use");

  // A later reconnect does not insist on the lost name.
  f.drop_and_reopen();
  f.transport.receive("40");
  CHECK(f.client.state() == ConnectionState::NeedsNickname);
}

TEST_CASE("failed attempts back off exponentially up to the cap", "[reconnect]") {
  ClientFixture f;
  f.join_as("bob");
  f.transport.drop();
  std::vector<std::int64_t> delays;
  for (int i = 0; i < 8; ++i) {
    REQUIRE(f.model.reconnect_at_ms().has_value());
    const std::int64_t delay = *f.model.reconnect_at_ms() - f.now_ms;
    delays.push_back(delay);
    f.now_ms += delay;
    f.client.tick();
    REQUIRE(f.client.state() == ConnectionState::Connecting);
    f.transport.drop("refused");  // the server is still down
  }
  CHECK(delays == std::vector<std::int64_t>{1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000});
}

TEST_CASE("a successful reconnect resets the backoff", "[reconnect]") {
  ClientFixture f;
  f.join_as("bob");
  f.transport.drop();
  f.now_ms += 1000;
  f.client.tick();
  f.transport.drop();  // second failure: 2 s
  CHECK(*f.model.reconnect_at_ms() - f.now_ms == 2000);
  f.now_ms += 2000;
  f.client.tick();
  f.transport.accept();
  f.transport.receive(kOpenFrame);
  f.transport.receive("40");
  f.transport.receive("432[false]");
  REQUIRE(f.client.state() == ConnectionState::Joined);
  f.transport.drop();
  CHECK(*f.model.reconnect_at_ms() - f.now_ms == 1000);
}

TEST_CASE("messages awaiting an ack stay pending across a drop and are sent again, in order, after the re-join",
          "[reconnect]") {
  ClientFixture f;
  f.join_as("bob");
  f.client.send_message("are you there?");  // in flight
  f.client.send_message("hello?");          // waiting behind it
  f.transport.drop();
  REQUIRE(f.model.lines().size() >= 2);
  CHECK(f.model.lines()[0].status == DeliveryStatus::Pending);
  CHECK(f.model.lines()[1].status == DeliveryStatus::Pending);
  f.now_ms += 1000;
  f.client.tick();
  f.transport.accept();
  f.transport.clear_sent();
  f.transport.receive(kOpenFrame);
  f.transport.receive("40");
  CHECK(f.transport.last_sent() == R"(423["nickname","bob"])");
  f.transport.receive("433[false]");
  // The same key as the first time: the server stores it once.
  const std::string prefix = f.client.message_key_prefix();
  CHECK(f.transport.last_sent() == "424[\"user message\",\"are you there?\",{\"key\":\"" + prefix + "-1\"}]");
  f.transport.receive(R"(434[{"id":7,"ts":1}])");
  CHECK(f.transport.last_sent() == "425[\"user message\",\"hello?\",{\"key\":\"" + prefix + "-2\"}]");
  f.transport.receive(R"(435[{"id":8,"ts":2}])");
  CHECK(f.model.lines()[0].status == DeliveryStatus::Confirmed);
  CHECK(f.model.lines()[0].server_id == 7);
  CHECK(f.model.lines()[1].status == DeliveryStatus::Confirmed);
}

TEST_CASE("the messages of a name that could not be taken back are marked failed", "[reconnect]") {
  ClientFixture f;
  f.join_as("bob");
  f.client.send_message("lost in the gap");
  f.drop_and_reopen();
  f.transport.receive("40");
  f.transport.receive(R"(433[true,"Nickname already in use"])");
  CHECK(f.client.state() == ConnectionState::NeedsNickname);
  CHECK(f.model.lines()[0].status == DeliveryStatus::Failed);
  CHECK(f.model.lines()[0].failure == "not sent: could not rejoin as bob");
}

TEST_CASE("history replayed on re-join is not shown twice", "[reconnect]") {
  ClientFixture f;
  f.join_as("bob");
  f.transport.receive(R"(42["user message","alice","one",{"id":1,"ts":1,"history":true}])");
  f.client.send_message("mine");
  f.transport.receive(R"(432[{"id":2,"ts":2}])");
  f.drop_and_reopen();
  f.transport.receive("40");
  f.transport.receive("433[false]");
  f.transport.receive(R"(42["user message","alice","one",{"id":1,"ts":1,"history":true}])");
  f.transport.receive(R"(42["user message","bob","mine",{"id":2,"ts":2,"history":true}])");
  f.transport.receive(R"(42["user message","alice","missed",{"id":3,"ts":3,"history":true}])");

  int messages = 0;
  for (const auto& line : f.model.lines()) messages += line.kind == LineKind::Message ? 1 : 0;
  CHECK(messages == 3);
  CHECK(f.model.lines().back().text == "missed");
}

TEST_CASE("a server close packet or namespace disconnect triggers a reconnect", "[reconnect]") {
  SECTION("engine.io close") {
    ClientFixture f;
    f.join_as("bob");
    f.transport.receive("1");
    CHECK(f.client.state() == ConnectionState::Disconnected);
    CHECK(f.transport.close_calls() == 1);
  }
  SECTION("socket.io disconnect") {
    ClientFixture f;
    f.join_as("bob");
    f.transport.receive("41");
    CHECK(f.client.state() == ConnectionState::Disconnected);
    CHECK(f.model.reconnect_at_ms().has_value());
  }
}

namespace {

// Joins as bob on a server with connection state recovery on (its CONNECT
// answer carries a pid), then sees one broadcast with offset "b-1-7".
void join_with_recovery(ClientFixture& f) {
  f.client.start();
  f.transport.accept();
  f.transport.receive(kOpenFrame);
  f.transport.receive(R"(40{"sid":"s1","pid":"p1"})");
  f.client.submit_nickname("bob");
  f.transport.receive("431[false]");
  f.transport.receive(R"(42["announcement","bob connected","b-1-7"])");
  REQUIRE(f.client.state() == ConnectionState::Joined);
}

void reconnect_to_namespace_prompt(ClientFixture& f) {
  f.transport.drop();
  f.now_ms += 1000;
  f.client.tick();
  f.transport.accept();
  f.transport.clear_sent();
  f.transport.receive(kOpenFrame);
}

}  // namespace

TEST_CASE("a reconnect resumes the session: no re-join, the missed broadcasts are shown", "[reconnect][recovery]") {
  ClientFixture f;
  join_with_recovery(f);
  reconnect_to_namespace_prompt(f);
  // The CONNECT asks to resume with the pid and the last offset seen.
  REQUIRE(f.transport.sent().size() == 1);
  CHECK(f.transport.sent()[0] == R"(40{"offset":"b-1-7","pid":"p1"})");

  f.transport.receive(R"(40{"sid":"s2","pid":"p1"})");
  CHECK(f.client.state() == ConnectionState::Joined);
  CHECK(f.model.session_resumed());
  CHECK(f.model.nickname() == "bob");
  CHECK(has_system_line(f.model, "Reconnected"));
  CHECK(f.transport.sent().size() == 1);  // no nickname sent again

  f.transport.receive(R"(42["user message","alice","while you were away",{"id":9,"ts":1},"b-2-9"])");
  const auto& last = f.model.lines().back();
  CHECK(last.from == "alice");
  CHECK(last.text == "while you were away");
  CHECK(f.client.send_message("back"));

  // A message whose ack the next drop takes away is sent again as soon as
  // the session is resumed, with its key.
  reconnect_to_namespace_prompt(f);
  f.transport.receive(R"(40{"sid":"s3","pid":"p1"})");
  CHECK(f.transport.last_sent() ==
        "423[\"user message\",\"back\",{\"key\":\"" + f.client.message_key_prefix() + "-1\"}]");
  f.transport.receive(R"(433[{"id":10,"ts":1}])");
  CHECK(std::any_of(f.model.lines().begin(), f.model.lines().end(), [](const auto& line) {
    return line.own && line.server_id == 10 && line.status == DeliveryStatus::Confirmed;
  }));

  // The next reconnect presents the newest offset.
  reconnect_to_namespace_prompt(f);
  CHECK(f.transport.sent()[0] == R"(40{"offset":"b-2-9","pid":"p1"})");
}

TEST_CASE("a session the server does not resume is joined again", "[reconnect][recovery]") {
  ClientFixture f;
  join_with_recovery(f);
  reconnect_to_namespace_prompt(f);
  f.transport.receive(R"(40{"sid":"s2","pid":"p2"})");  // a new session
  CHECK(f.client.state() == ConnectionState::Joining);
  CHECK_FALSE(f.model.session_resumed());
  CHECK(f.transport.last_sent() == R"(422["nickname","bob"])");
  f.transport.receive("432[false]");
  CHECK(f.client.state() == ConnectionState::Joined);

  // The old session's offset is not offered for the new one.
  f.transport.receive(R"(42["announcement","carol connected","c-1-7"])");
  reconnect_to_namespace_prompt(f);
  CHECK(f.transport.sent()[0] == R"(40{"offset":"c-1-7","pid":"p2"})");
}

TEST_CASE("without a pid from the server there is nothing to resume", "[reconnect][recovery]") {
  ClientFixture f;
  f.join_as("bob");  // the CONNECT answer has no pid: recovery is off
  f.transport.receive(R"(42["announcement","carol connected"])");
  reconnect_to_namespace_prompt(f);
  CHECK(f.transport.sent()[0] == "40");
}

TEST_CASE("a client that never joined does not ask to resume", "[reconnect][recovery]") {
  ClientFixture f;
  f.client.start();
  f.transport.accept();
  f.transport.receive(kOpenFrame);
  f.transport.receive(R"(40{"sid":"s1","pid":"p1"})");
  f.transport.receive(R"(42["nicknames",{"alice":"alice"},"b-1-0"])");
  reconnect_to_namespace_prompt(f);
  CHECK(f.transport.sent()[0] == "40");
}
