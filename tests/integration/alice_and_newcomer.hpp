#pragma once
// Where the tests of what comes before a nickname start (TEST_CASE_METHOD): a
// chatd, alice joined, and a newcomer connected to the namespace without one.

#include <string>
#include <vector>

#include "chatd_process.hpp"
#include "socketio_test_client.hpp"
#include "test_support.hpp"

namespace chat_it {

struct AliceAndNewcomer {
  AliceAndNewcomer() : alice(server.port()), newcomer(server.port()) {
    alice.join("alice");
    newcomer.connect();
  }

  // Stops chatd while alice and the newcomer read on (see stop_server).
  int stop() { return stop_server(server, {&alice, &newcomer}); }

  ChatdProcess server;
  SocketIoTestClient alice;
  SocketIoTestClient newcomer;
};

}  // namespace chat_it
