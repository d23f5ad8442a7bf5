// --max-connections and --max-connections-per-address: sessions beyond the
// limits are refused with 1013 (WebSocket) or an HTTP error (long-polling).

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "alice_and_bob.hpp"
#include "chatd_process.hpp"
#include "http_test_client.hpp"
#include "socketio_test_client.hpp"
#include "test_support.hpp"

using chat_it::ChatdProcess;
using chat_it::SocketIoTestClient;
namespace events = codec::events;

namespace {

// A WebSocket beyond a limit is closed at once with 1013 (no open packet: no
// session); returns the close's reason.
std::string refused_websocket_reason(std::uint16_t port) {
  SocketIoTestClient client(port);
  client.open_websocket();
  const auto close = client.wait_for_close();
  CHECK(close.code == 1013);
  CHECK(client.inbox_size() == 0);
  return close.reason;
}

}  // namespace

TEST_CASE("a connection beyond --max-connections is closed with 1013 and the others keep working", "[limits]") {
  chat_it::AliceAndBob chat({"--max-connections", "2"});
  auto& [server, alice, bob] = chat;
  CHECK_THAT(refused_websocket_reason(server.port()), Catch::Matchers::Contains("server full"));

  // Long-polling is refused before a session exists, with Engine.IO's error body.
  const auto polling = chat_it::HttpTestClient(server.port()).get("/socket.io/?EIO=4&transport=polling");
  CHECK(polling.status == 503);
  CHECK(nlohmann::json::parse(polling.body) ==
        nlohmann::json{{"code", 4}, {"message", "server full: too many connections, try again later"}});

  const auto health = nlohmann::json::parse(chat_it::HttpTestClient(server.port()).get("/healthz").body);
  CHECK(health.at("sessions") == 2);

  alice.say("we are two");
  CHECK(chat_it::event_as<events::UserMessage>(bob.wait_for_event(events::kUserMessage)).text == "we are two");
  bob.say("indeed");
  CHECK(chat_it::event_as<events::UserMessage>(alice.wait_for_event(events::kUserMessage)).text == "indeed");

  // A freed place can be taken again.
  bob.close();
  chat_it::wait_for_announcement(alice, "bob disconnected");
  SocketIoTestClient carol(server.port());
  carol.join("carol");
  carol.say("I got in");
  CHECK(chat_it::event_as<events::UserMessage>(alice.wait_for_event(events::kUserMessage)).text == "I got in");
  REQUIRE(chat.stop({&carol}) == 0);
}

TEST_CASE("sessions beyond --max-connections-per-address are refused on both transports, with a reason", "[limits]") {
  // Every test client comes from 127.0.0.1: the cap applies to all of them.
  chat_it::AliceAndBob chat({"--max-connections-per-address", "2"});
  auto& [server, alice, bob] = chat;
  const chat_it::HttpTestClient http(server.port());
  const std::string polling_handshake = "/socket.io/?EIO=4&transport=polling";
  const std::string too_many = "too many connections from your address (at most 2), try again later";

  // A third WebSocket is closed at once with 1013 and the reason.
  CHECK(refused_websocket_reason(server.port()) == too_many);

  // A long-polling handshake gets an HTTP error with Engine.IO's error body.
  const auto refused = http.get(polling_handshake);
  CHECK(refused.status == 429);
  CHECK(refused.content_type == "application/json");
  const auto body = nlohmann::json::parse(refused.body);
  CHECK(body.at("code") == 4);
  CHECK(body.at("message") == too_many);

  CHECK(nlohmann::json::parse(http.get("/healthz").body).at("sessions") == 2);
  alice.say("still here");
  CHECK(chat_it::event_as<events::UserMessage>(bob.wait_for_event(events::kUserMessage)).text == "still here");

  // The count drops when a session closes; a long-polling session counts too.
  bob.close();
  chat_it::wait_for_announcement(alice, "bob disconnected");
  const auto opened = http.get(polling_handshake);
  CHECK(opened.status == 200);
  CHECK(opened.body.rfind("0{", 0) == 0);
  CHECK(refused_websocket_reason(server.port()) == too_many);
  REQUIRE(chat.stop() == 0);
}

TEST_CASE("a per-address cap of 0 (--max-connections-per-address 0) lifts the cap", "[limits]") {
  // One more than the default cap of 100, all from 127.0.0.1.
  constexpr int kClients = 101;
  ChatdProcess server({"--max-connections-per-address", "0", "--max-connections", "120"});
  std::vector<std::unique_ptr<SocketIoTestClient>> clients;
  for (int i = 0; i < kClients; ++i) {
    clients.push_back(std::make_unique<SocketIoTestClient>(server.port()));
    clients.back()->connect();
  }
  CHECK(nlohmann::json::parse(chat_it::HttpTestClient(server.port()).get("/healthz").body).at("sessions") == kClients);
  for (auto& client : clients) client->close();
  REQUIRE(chat_it::stop_server(server) == 0);
}
