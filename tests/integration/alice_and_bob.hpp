#pragma once
// Where most chat tests start (with TEST_CASE_METHOD, or as an object when
// chatd needs arguments): a chatd, and two clients that joined as alice and
// bob, alice's inbox read up to the nicknames list of both.

#include <string>
#include <vector>

#include "chatd_process.hpp"
#include "socketio_test_client.hpp"
#include "test_support.hpp"

namespace chat_it {

struct AliceAndBob {
  explicit AliceAndBob(std::vector<std::string> chatd_args = {})
      : server(std::move(chatd_args)), alice(server.port()), bob(server.port()) {
    alice.join("alice");
    bob.join("bob");
    settle(alice, 2);
  }

  // Stops chatd while alice, bob and `others` read on (see stop_server).
  // (Built by push_back: GCC 12 at -O3 takes an insert of an initializer
  // list at the front for an overflow, -Wstringop-overflow, and -Werror
  // stops the build.)
  int stop(const std::vector<SocketIoTestClient*>& others = {}) {
    std::vector<SocketIoTestClient*> readers{&alice, &bob};
    for (SocketIoTestClient* other : others) readers.push_back(other);
    return stop_server(server, readers);
  }

  ChatdProcess server;
  SocketIoTestClient alice;
  SocketIoTestClient bob;
};

}  // namespace chat_it
