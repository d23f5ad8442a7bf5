// Graceful shutdown: connected clients get a close frame, chatd exits 0.

#include <catch2/catch.hpp>

#include <signal.h>

#include "chatd_process.hpp"
#include "socketio_test_client.hpp"
#include "test_support.hpp"

using chat_it::ChatdProcess;
using chat_it::SocketIoTestClient;
using std::chrono::milliseconds;

TEST_CASE("SIGTERM closes every client with 1001 and chatd exits 0", "[shutdown]") {
  const int signal_number = GENERATE(SIGTERM, SIGINT);
  CAPTURE(signal_number);
  ChatdProcess server;
  SocketIoTestClient alice(server.port());
  SocketIoTestClient bob(server.port());
  SocketIoTestClient bare(server.port());  // WebSocket only, no namespace
  alice.join("alice");
  bob.join("bob");
  bare.open_websocket();
  REQUIRE(bare.next_frame().rfind("0{", 0) == 0);

  server.send_signal(signal_number);
  const bool all_closed = chat_it::pump_together({&alice, &bob, &bare}, milliseconds(4000),
                                                 [&] { return alice.closed() && bob.closed() && bare.closed(); });
  CHECK(all_closed);
  for (auto* client : {&alice, &bob, &bare}) {
    REQUIRE(client->close_frame());
    CHECK(client->close_frame()->code == 1001);
    CHECK(client->close_frame()->reason == "server shutting down");
  }
  CHECK(server.wait_for_exit() == 0);
  CHECK(server.stop_duration() < milliseconds(5000));
}

TEST_CASE("chatd without clients exits 0 within 5 s of SIGTERM", "[shutdown]") {
  // Unassisted: no wake-up connections to CivetWeb's listener.
  ChatdProcess server;
  CHECK(server.running());
  CHECK(server.stop(ChatdProcess::kStopGrace, /*wake_listener=*/false) == 0);
  CHECK(server.stop_duration() < milliseconds(5000));
  CHECK_FALSE(server.running());
}
