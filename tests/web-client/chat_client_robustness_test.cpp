#include <catch2/catch.hpp>

#include "fake_transport.hpp"

using chat_client::ConnectionState;
using test_support::ClientFixture;

TEST_CASE("bad frames are counted and ignored, the session survives", "[robustness]") {
  ClientFixture f;
  f.join_as("bob");
  const std::vector<std::string> bad = {
      "",                                                          // empty
      "9",                                                         // unknown engine.io type
      "4",                                                         // empty socket.io packet
      "49",                                                        // unknown socket.io type
      "42",                                                        // event without payload
      "42{not json",                                               // broken JSON
      "42[]",                                                      // event without name
      "42[17]",                                                    // name not a string
      R"(42["user message"])",                                     // missing arguments
      R"(42["user message",1,2])",                                 // wrong argument types
      R"(42["nicknames","bob"])",                                  // wrong shape
      R"(42["no such event","x"])",                                // unknown event
      "43",                                                        // ack without id
      "4399[false]",                                               // ack nobody asked for
      "451-[\"user message\",{\"_placeholder\":true,\"num\":0}]",  // binary event
      "42/admin,[\"announcement\",\"x\"]",                         // other namespace
      "4\xff\xfe",                                                 // invalid UTF-8
      "0{\"sid\":\"again\"}",                                      // open packet mid-session
      "40",                                                        // CONNECT mid-session
  };
  for (const auto& frame : bad) {
    INFO("frame: " << frame);
    f.transport.receive(frame);
    CHECK(f.client.state() == ConnectionState::Joined);
  }
  CHECK(f.model.lines().empty());
  CHECK(f.model.ignored_frames() == bad.size());

  // And the connection still works.
  f.transport.receive(R"(42["announcement","still here"])");
  REQUIRE(f.model.lines().size() == 1);
  CHECK(f.model.lines()[0].text == "still here");
}

TEST_CASE("a malformed handshake drops the connection instead of hanging", "[robustness]") {
  ClientFixture f;
  f.client.start();
  f.transport.accept();
  f.transport.receive("0{\"sid\":1}");
  CHECK(f.client.state() == ConnectionState::Disconnected);
  CHECK(f.model.reconnect_at_ms().has_value());
}

TEST_CASE("socket.io traffic before the engine.io handshake is ignored", "[robustness]") {
  ClientFixture f;
  f.client.start();
  f.transport.accept();
  f.transport.receive(R"(42["announcement","too early"])");
  CHECK(f.client.state() == ConnectionState::Handshaking);
  CHECK(f.model.lines().empty());
}

TEST_CASE("a binary frame is ignored", "[robustness]") {
  ClientFixture f;
  f.join_as("bob");
  f.client.on_transport_binary(std::string_view("\x00\x01", 2));
  CHECK(f.client.state() == ConnectionState::Joined);
  CHECK(f.model.ignored_frames() == 1);
}

TEST_CASE("a late close notification after our own close is harmless", "[robustness]") {
  ClientFixture f;
  f.join_as("bob");
  f.transport.receive("1");  // server asks to close: the client closes and schedules
  const auto first_reconnect = f.model.reconnect_at_ms();
  const auto lines = f.model.lines().size();
  f.client.on_transport_closed("late");
  CHECK(f.model.reconnect_at_ms() == first_reconnect);
  CHECK(f.model.lines().size() == lines);
}
