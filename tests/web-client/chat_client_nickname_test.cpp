#include <catch2/catch.hpp>

#include "fake_transport.hpp"

using chat_client::ConnectionState;
using test_support::ClientFixture;

TEST_CASE("an accepted nickname joins the room", "[nickname]") {
  ClientFixture f;
  f.connect_to_prompt();
  f.transport.clear_sent();

  CHECK_FALSE(f.client.submit_nickname("  bob  ").has_value());
  REQUIRE(f.transport.sent().size() == 1);
  CHECK(f.transport.sent()[0] == R"(421["nickname","bob"])");  // trimmed, ack id 1
  CHECK(f.client.state() == ConnectionState::Joining);

  f.transport.receive("431[false]");
  CHECK(f.client.state() == ConnectionState::Joined);
  CHECK(f.model.nickname() == "bob");
  CHECK(f.model.nickname_error().empty());
  CHECK(f.model.has_joined_once());
}

TEST_CASE("a refused nickname returns to the prompt with the reason", "[nickname]") {
  ClientFixture f;
  f.connect_to_prompt();
  f.client.submit_nickname("bob");
  f.transport.receive(R"(431[true,"Nickname already in use"])");
  CHECK(f.client.state() == ConnectionState::NeedsNickname);
  CHECK(f.model.nickname_error() == "Nickname already in use");
  CHECK(f.model.nickname().empty());

  // A second try uses a new ack id and clears the error once accepted.
  f.transport.clear_sent();
  f.client.submit_nickname("bobby");
  CHECK(f.transport.last_sent() == R"(422["nickname","bobby"])");
  f.transport.receive("432[false]");
  CHECK(f.client.state() == ConnectionState::Joined);
  CHECK(f.model.nickname() == "bobby");
  CHECK(f.model.nickname_error().empty());
}

TEST_CASE("a refusal without a reason still shows something", "[nickname]") {
  ClientFixture f;
  f.connect_to_prompt();
  f.client.submit_nickname("bob");
  f.transport.receive("431[true]");
  CHECK(f.client.state() == ConnectionState::NeedsNickname);
  CHECK_FALSE(f.model.nickname_error().empty());
}

TEST_CASE("invalid nicknames are refused locally, without a round trip", "[nickname]") {
  ClientFixture f;
  f.connect_to_prompt();
  f.transport.clear_sent();
  const auto refusal = f.client.submit_nickname("   ");
  REQUIRE(refusal.has_value());
  CHECK(f.model.nickname_error() == *refusal);
  CHECK(f.transport.sent().empty());
  CHECK(f.client.state() == ConnectionState::NeedsNickname);

  CHECK(f.client.submit_nickname(std::string(33, 'x')).has_value());
  CHECK(f.transport.sent().empty());
}

TEST_CASE("a nickname cannot be sent before the session is open", "[nickname]") {
  ClientFixture f;
  f.client.start();
  CHECK(f.client.submit_nickname("bob").has_value());
  f.transport.accept();
  CHECK(f.transport.sent().empty());
}

TEST_CASE("a chat error about the nickname returns to the prompt", "[nickname]") {
  ClientFixture f;
  f.connect_to_prompt();
  f.client.submit_nickname("bob");
  f.transport.receive(R"(42["chat error",{"event":"nickname","reason":"Too many attempts"}])");
  CHECK(f.client.state() == ConnectionState::NeedsNickname);
  CHECK(f.model.nickname_error() == "Too many attempts");
}

TEST_CASE("non-ASCII nicknames go out as UTF-8", "[nickname]") {
  ClientFixture f;
  f.connect_to_prompt();
  f.client.submit_nickname("小明");
  CHECK(f.transport.last_sent() == "421[\"nickname\",\"小明\"]");
  f.transport.receive("431[false]");
  CHECK(f.model.nickname() == "小明");
}
