// Choosing a nickname: acceptance, the broadcasts that follow, and refusals.

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "alice_and_newcomer.hpp"
#include "chatd_process.hpp"
#include "socketio_test_client.hpp"
#include "test_support.hpp"

using chat_it::ChatdProcess;
using chat_it::SocketIoTestClient;
using nlohmann::json;
namespace events = codec::events;

TEST_CASE("an accepted nickname is acked and announced to everyone", "[nickname]") {
  ChatdProcess server;
  SocketIoTestClient alice(server.port());
  alice.connect();
  alice.send_text(R"(421["nickname","alice"])");
  // Raw frames: the ack, then (empty history) the list of nicknames.
  CHECK(alice.next_frame() == "431[false]");
  CHECK(alice.next_frame() == R"(42["nicknames",{"alice":"alice"}])");

  SocketIoTestClient bob(server.port());
  bob.connect();
  const auto id = bob.emit(events::kNickname, json::array({"bob"}));
  const std::string ack_frame = bob.next_frame();
  CHECK(ack_frame == "43" + std::to_string(id) + "[false]");
  const auto ack = events::decode_nickname_ack(SocketIoTestClient::decode_message(ack_frame));
  REQUIRE(ack);
  CHECK_FALSE(ack->refused);
  CHECK(ack->reason.empty());
  const auto bob_list = chat_it::event_as<events::Nicknames>(bob.next_frame());
  CHECK(bob_list.nicknames == std::vector<std::string>{"alice", "bob"});

  // The others hear of the newcomer, then get the new list.
  CHECK(alice.next_frame() == R"(42["announcement","bob connected"])");
  CHECK(alice.next_frame() == R"(42["nicknames",{"alice":"alice","bob":"bob"}])");
  REQUIRE(chat_it::stop_server(server, {&alice, &bob}) == 0);
}

TEST_CASE("nicknames are trimmed before use", "[nickname]") {
  ChatdProcess server;
  SocketIoTestClient carol(server.port());
  carol.connect();
  const auto id = carol.emit(events::kNickname, json::array({"  carol\t "}));
  CHECK(carol.next_frame() == "43" + std::to_string(id) + "[false]");
  CHECK(carol.next_frame() == R"(42["nicknames",{"carol":"carol"}])");
  REQUIRE(chat_it::stop_server(server, {&carol}) == 0);
}

TEST_CASE_METHOD(chat_it::AliceAndNewcomer,
                 "a nickname in use is refused, whatever its case, and the client may pick another", "[nickname]") {
  for (const std::string taken : {"alice", "Alice", "ALICE", " alice "}) {
    INFO("nickname: '" << taken << "'");
    const auto id = newcomer.emit(events::kNickname, json::array({taken}));
    CHECK(newcomer.next_frame() == "43" + std::to_string(id) + R"([true,"Nickname already in use"])");
  }

  // The refusal kept the connection: the same client joins under another name.
  newcomer.join("alice2");
  CHECK_FALSE(newcomer.closed());
  // Alice heard nothing of the refused attempt, only of alice2.
  CHECK(alice.next_frame() == R"(42["announcement","alice2 connected"])");
  REQUIRE(stop() == 0);
}

TEST_CASE_METHOD(chat_it::AliceAndNewcomer, "a nickname refusal without an ack id arrives as a chat error event",
                 "[nickname]") {
  newcomer.send_text(R"(42["nickname","alice"])");
  CHECK(newcomer.next_frame() == R"(42["chat error",{"event":"nickname","reason":"Nickname already in use"}])");
  newcomer.join("bob");
  REQUIRE(stop() == 0);
}

TEST_CASE("invalid nicknames are refused with a reason and the connection stays open", "[nickname]") {
  struct Case {
    const char* name;
    std::string nickname;
    std::string reason_part;
  };
  const std::vector<Case> cases = {
      {"empty", "", "empty"},
      {"only spaces", "   \t  ", "empty"},
      {"33 characters", std::string(33, 'x'), "longer than 32"},
      {"33 CJK characters",
       [] {
         std::string s;
         for (int i = 0; i < 33; ++i) s += "\xE5\x90\x8D";
         return s;
       }(),
       "longer than 32"},
      {"control character",
       "ali\x01"
       "ce",
       "control"},
      {"escape character", "ali\x1b[31mce", "control"},
      {"right-to-left override",
       "ali\xE2\x80\xAE"
       "ecila",
       "direction"},
      {"zero-width space",
       "ali\xE2\x80\x8B"
       "ce",
       "invisible"},
  };
  ChatdProcess server;
  SocketIoTestClient client(server.port());
  client.connect();
  // One connection tries them all: a refusal never closes it.
  for (const auto& c : cases) {
    INFO(c.name);
    const auto id = client.emit(events::kNickname, json::array({c.nickname}));
    const auto frame = client.next_frame();
    CHECK(frame.rfind("43" + std::to_string(id) + "[true,\"", 0) == 0);
    const auto ack = events::decode_nickname_ack(SocketIoTestClient::decode_message(frame));
    REQUIRE(ack);
    CHECK(ack->refused);
    CHECK_THAT(ack->reason, Catch::Matchers::Contains(c.reason_part));
  }
  CHECK_FALSE(client.closed());

  client.join("valid");
  REQUIRE(chat_it::stop_server(server, {&client}) == 0);
}

TEST_CASE("a nickname of 32 characters, CJK included, is accepted", "[nickname]") {
  ChatdProcess server;
  SocketIoTestClient client(server.port());
  std::string nickname;
  for (int i = 0; i < 32; ++i) nickname += "\xE5\x90\x8D";  // 名, 3 bytes each
  client.join(nickname);
  REQUIRE(chat_it::stop_server(server, {&client}) == 0);
}

TEST_CASE("a nickname that is not a string is refused", "[nickname]") {
  ChatdProcess server;
  SocketIoTestClient client(server.port());
  client.connect();
  for (const auto& argument : {json(42), json{{"name", "alice"}}, json::array({"alice"}), json(true), json(nullptr)}) {
    INFO("argument: " << argument.dump());
    const auto id = client.emit(events::kNickname, json::array({argument}));
    CHECK(client.next_frame() == "43" + std::to_string(id) + R"([true,"nickname must be a string"])");
  }
  client.join("alice");
  REQUIRE(chat_it::stop_server(server, {&client}) == 0);
}

TEST_CASE("a second nickname for the same connection is refused", "[nickname]") {
  ChatdProcess server;
  SocketIoTestClient alice(server.port());
  alice.join("alice");
  const auto id = alice.emit(events::kNickname, json::array({"alicia"}));
  const auto ack = events::decode_nickname_ack(alice.wait_for_ack(id));
  REQUIRE(ack);
  CHECK(ack->refused);
  CHECK_FALSE(ack->reason.empty());
  // Still alice: a message goes out under that name.
  SocketIoTestClient bob(server.port());
  bob.join("bob");
  alice.say("still me");
  const auto message = chat_it::event_as<events::UserMessage>(bob.wait_for_event(events::kUserMessage));
  CHECK(message.from == "alice");
  REQUIRE(chat_it::stop_server(server, {&alice, &bob}) == 0);
}
