// Engine.IO heartbeat: the server pings, a client that answers stays, a
// client that does not is closed with "ping timeout".

#include <catch2/catch.hpp>

#include <algorithm>

#include "chatd_process.hpp"
#include "socketio_test_client.hpp"
#include "test_support.hpp"

using chat_it::ChatdProcess;
using chat_it::SocketIoTestClient;
using std::chrono::milliseconds;
namespace events = codec::events;

namespace {

const std::vector<std::string> kFastHeartbeat = {"--ping-interval", "200", "--ping-timeout", "200"};

}  // namespace

TEST_CASE("a client that answers pings stays connected", "[heartbeat]") {
  ChatdProcess server(kFastHeartbeat);
  SocketIoTestClient alice(server.port());
  SocketIoTestClient bob(server.port());
  alice.join("alice");
  bob.join("bob");
  REQUIRE(alice.handshake().ping_interval_ms == 200);
  REQUIRE(alice.handshake().ping_timeout_ms == 200);

  chat_it::pump_together({&alice, &bob}, milliseconds(1500));

  CHECK_FALSE(alice.closed());
  CHECK_FALSE(bob.closed());
  // One ping every 200 ms: about 7 in 1.5 s (allow for scheduling slack).
  CHECK(alice.pings_received() >= 4);
  CHECK(alice.pings_received() <= 10);
  CHECK(bob.pings_received() >= 4);
  // A ping is the bare Engine.IO packet "2".
  const auto& log = alice.received();
  CHECK(std::count(log.begin(), log.end(), std::string("2")) == static_cast<long>(alice.pings_received()));

  alice.say("still alive");
  CHECK(chat_it::event_as<events::UserMessage>(bob.wait_for_event(events::kUserMessage)).text == "still alive");
  REQUIRE(chat_it::stop_server(server, {&alice, &bob}) == 0);
}

TEST_CASE("a client that never answers pings is closed with 1008 ping timeout", "[heartbeat]") {
  ChatdProcess server(kFastHeartbeat);
  SocketIoTestClient alice(server.port());
  alice.join("alice");

  SocketIoTestClient silent(server.port());
  silent.set_auto_pong(false);
  const auto opened = std::chrono::steady_clock::now();
  silent.join("silent");

  const bool closed = chat_it::pump_together({&alice, &silent}, milliseconds(3000), [&] { return silent.closed(); });
  const auto elapsed = std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - opened);
  REQUIRE(closed);
  CHECK(silent.pings_received() >= 1);
  const auto close = silent.wait_for_close(milliseconds(10));
  CHECK(close.code == 1008);
  CHECK(close.reason == "ping timeout");
  // First ping after 200 ms, closed 200 ms later (plus the heartbeat tick).
  CHECK(elapsed >= milliseconds(350));
  CHECK(elapsed <= milliseconds(1400));

  // The responsive client was not affected and hears of the departure.
  CHECK_FALSE(alice.closed());
  chat_it::wait_for_announcement(alice, "silent disconnected");
  SocketIoTestClient bob(server.port());
  bob.join("bob");
  alice.say("after the timeout");
  CHECK(chat_it::event_as<events::UserMessage>(bob.wait_for_event(events::kUserMessage)).text == "after the timeout");
  REQUIRE(chat_it::stop_server(server, {&alice, &silent, &bob}) == 0);
}

TEST_CASE("a probe ping from the client is answered with a probe pong", "[heartbeat]") {
  ChatdProcess server;
  SocketIoTestClient client(server.port());
  client.connect();
  client.send_text("2probe");
  CHECK(client.next_frame() == "3probe");
  CHECK_FALSE(client.closed());
  REQUIRE(chat_it::stop_server(server, {&client}) == 0);
}
