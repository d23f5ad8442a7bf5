// --max-connections: connections beyond the limit are closed with 1013.

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "chatd_process.hpp"
#include "http_test_client.hpp"
#include "socketio_test_client.hpp"
#include "test_support.hpp"

using chat_it::ChatdProcess;
using chat_it::SocketIoTestClient;
namespace events = chat::events;

TEST_CASE("a connection beyond --max-connections is closed with 1013 and the others keep working", "[limits]") {
  ChatdProcess server({"--max-connections", "2"});
  SocketIoTestClient alice(server.port());
  SocketIoTestClient bob(server.port());
  alice.join("alice");
  bob.join("bob");

  SocketIoTestClient third(server.port());
  third.open_websocket();
  const auto close = third.wait_for_close();
  CHECK(close.code == 1013);
  CHECK_THAT(close.reason, Catch::Matchers::Contains("server full"));
  CHECK(third.inbox_size() == 0);  // no open packet for a refused session

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
  REQUIRE(chat_it::stop_server(server, {&alice, &bob, &third, &carol}) == 0);
}
