#include <catch2/catch.hpp>

#include "fake_transport.hpp"

using chat_client::ConnectionState;
using test_support::ClientFixture;

TEST_CASE("an accepted nickname joins the room", "[nickname]") {
  ClientFixture f;
  f.connect_to_prompt();
  f.transport.clear_sent();

  CHECK(f.client.submit_nickname("  bob  "));
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
  REQUIRE_FALSE(refusal);
  CHECK(f.model.nickname_error() == refusal.error().reason);
  CHECK(f.transport.sent().empty());
  CHECK(f.client.state() == ConnectionState::NeedsNickname);

  CHECK_FALSE(f.client.submit_nickname(std::string(33, 'x')));
  CHECK(f.transport.sent().empty());
}

TEST_CASE("a nickname cannot be sent before the session is open", "[nickname]") {
  ClientFixture f;
  f.client.start();
  CHECK_FALSE(f.client.submit_nickname("bob"));
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

TEST_CASE("the nickname prompt shows while the user picks and while their pick is answered", "[nickname]") {
  ClientFixture f;
  CHECK_FALSE(f.client.shows_nickname_prompt());  // not connected yet
  f.connect_to_prompt();
  CHECK(f.client.shows_nickname_prompt());
  f.client.submit_nickname("bob");
  CHECK(f.client.state() == ConnectionState::Joining);
  CHECK(f.client.shows_nickname_prompt());  // "Joining..." under the field
  f.transport.receive("431[false]");
  CHECK_FALSE(f.client.shows_nickname_prompt());
}

TEST_CASE("a re-join after a reconnect shows no nickname prompt, unless it fails", "[nickname][reconnect]") {
  ClientFixture f;
  f.join_as("bob");
  f.transport.drop();
  CHECK_FALSE(f.client.shows_nickname_prompt());
  f.now_ms += 1000;
  f.client.tick();
  f.transport.accept();
  f.transport.receive(test_support::kOpenFrame);
  f.transport.receive("40");
  REQUIRE(f.client.state() == ConnectionState::Joining);  // re-sending "bob" on its own
  CHECK_FALSE(f.client.shows_nickname_prompt());

  // The server refuses the re-join without an ack: the user picks, and their
  // own pick shows the prompt while it is answered.
  f.transport.receive(R"(42["chat error",{"event":"nickname","reason":"Too many attempts"}])");
  REQUIRE(f.client.state() == ConnectionState::NeedsNickname);
  CHECK(f.client.shows_nickname_prompt());
  f.client.submit_nickname("bobby");
  REQUIRE(f.client.state() == ConnectionState::Joining);
  CHECK(f.client.shows_nickname_prompt());
  f.transport.receive(R"(433[true,"Nickname already in use"])");
  CHECK(f.client.shows_nickname_prompt());
  CHECK(f.model.nickname_error() == "Nickname already in use");
  // A refusal of the user's own pick is theirs to fix, not a failed re-join.
  for (const auto& line : f.model.lines()) CHECK(line.text.find("Could not rejoin") == std::string::npos);
}
