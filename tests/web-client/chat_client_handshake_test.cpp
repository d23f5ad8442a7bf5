#include <catch2/catch.hpp>

#include "fake_transport.hpp"

using chat_client::ConnectionState;
using test_support::ClientFixture;
using test_support::kOpenFrame;

TEST_CASE("the handshake goes from Connecting to the nickname prompt", "[handshake]") {
  ClientFixture f;
  REQUIRE(f.client.state() == ConnectionState::Disconnected);

  f.client.start();
  CHECK(f.transport.open_calls() == 1);
  CHECK(f.transport.last_url() == "ws://chat.test/socket.io/?EIO=4&transport=websocket");
  CHECK(f.client.state() == ConnectionState::Connecting);

  f.transport.accept();
  CHECK(f.client.state() == ConnectionState::Handshaking);
  CHECK(f.transport.sent().empty());

  f.transport.receive(kOpenFrame);
  CHECK(f.client.state() == ConnectionState::NamespaceConnecting);
  REQUIRE(f.transport.sent().size() == 1);
  CHECK(f.transport.sent()[0] == "40");

  f.transport.receive(R"(40{"sid":"nsp-sid"})");
  CHECK(f.client.state() == ConnectionState::NeedsNickname);
  CHECK(f.model.connection_state() == ConnectionState::NeedsNickname);
}

TEST_CASE("pings are answered with pongs", "[handshake]") {
  ClientFixture f;
  f.connect_to_prompt();
  f.transport.clear_sent();
  f.transport.receive("2");
  REQUIRE(f.transport.sent().size() == 1);
  CHECK(f.transport.sent()[0] == "3");
  f.transport.receive("2probe");
  CHECK(f.transport.last_sent() == "3probe");
}

TEST_CASE("pings keep a quiet connection alive, silence drops it", "[handshake]") {
  ClientFixture f;
  f.connect_to_prompt();
  // 25 s interval + 20 s timeout: pings every 25 s keep it alive.
  for (int i = 0; i < 4; ++i) {
    f.now_ms += 25000;
    f.transport.receive("2");
    f.client.tick();
    CHECK(f.client.state() == ConnectionState::NeedsNickname);
  }
  f.now_ms += 45001;
  f.client.tick();
  CHECK(f.client.state() == ConnectionState::Disconnected);
  CHECK(f.transport.close_calls() == 1);
  CHECK(f.client.last_disconnect_reason() == "server stopped answering");
}

TEST_CASE("a handshake that never completes times out", "[handshake]") {
  ClientFixture f;
  f.client.start();
  f.transport.accept();
  f.now_ms += 9000;
  f.client.tick();
  CHECK(f.client.state() == ConnectionState::Handshaking);
  f.now_ms += 2000;
  f.client.tick();
  CHECK(f.client.state() == ConnectionState::Disconnected);
  CHECK(f.client.last_disconnect_reason() == "connection timed out");
}

TEST_CASE("a namespace CONNECT_ERROR is shown and leads to a reconnect", "[handshake]") {
  ClientFixture f;
  f.client.start();
  f.transport.accept();
  f.transport.receive(kOpenFrame);
  f.transport.receive(R"(44{"message":"not allowed"})");
  CHECK(f.client.state() == ConnectionState::Disconnected);
  REQUIRE(f.model.reconnect_at_ms().has_value());
  bool shown = false;
  for (const auto& line : f.model.lines()) {
    shown = shown || line.text.find("not allowed") != std::string::npos;
  }
  CHECK(shown);
}
