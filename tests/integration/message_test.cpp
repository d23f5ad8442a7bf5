// Chat messages: storing, acking, broadcasting, refusing; and leaving.

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "alice_and_bob.hpp"
#include "alice_and_newcomer.hpp"
#include "chatd_process.hpp"
#include "socketio_test_client.hpp"
#include "test_support.hpp"

using chat_it::ChatdProcess;
using chat_it::SocketIoTestClient;
using nlohmann::json;
namespace events = codec::events;

namespace {

std::string repeat(const std::string& unit, std::size_t times) {
  std::string out;
  for (std::size_t i = 0; i < times; ++i) out += unit;
  return out;
}

std::string raw_event(std::uint64_t ack_id, const std::string& json_args) {
  return "42" + std::to_string(ack_id) + json_args;
}

}  // namespace

TEST_CASE("a message is acked to its sender and delivered to every other joined client", "[message]") {
  ChatdProcess server;
  SocketIoTestClient alice(server.port());
  SocketIoTestClient bob(server.port());
  SocketIoTestClient carol(server.port());
  SocketIoTestClient lurker(server.port());  // connected, no nickname
  alice.join("alice");
  bob.join("bob");
  carol.join("carol");
  lurker.connect();
  chat_it::settle(alice, 3);
  chat_it::settle(bob, 3);

  const auto before = chat_it::now_ms();
  const auto first_id = alice.reserve_ack_id();
  alice.send_text(raw_event(first_id, R"(["user message","hello everyone"])"));
  const auto first = alice.next_packet();
  const auto after = chat_it::now_ms();
  const auto first_ack = events::decode_user_message_ack(first);
  REQUIRE(first_ack);
  REQUIRE(first_ack->meta);
  const auto meta = *first_ack->meta;
  CHECK(meta.id > 0);
  CHECK(meta.ts >= before - 1000);
  CHECK(meta.ts <= after + 1000);
  CHECK_FALSE(meta.history);

  // Others get the message with the same id and timestamp, as raw text.
  const std::string expected = R"(42["user message","alice","hello everyone",{"id":)" + std::to_string(meta.id) +
                               ",\"ts\":" + std::to_string(meta.ts) + "}]";
  CHECK(bob.next_frame() == expected);
  const auto carol_message = chat_it::event_as<events::UserMessage>(carol.next_frame());
  CHECK(carol_message.from == "alice");
  CHECK(carol_message.text == "hello everyone");
  CHECK(carol_message.meta.id == meta.id);
  CHECK(carol_message.meta.ts == meta.ts);
  CHECK_FALSE(carol_message.meta.history);

  // A later marker: alice gets exactly its ack (never her own message as an
  // event), bob gets exactly the marker, with a larger id.
  const auto marker_meta = alice.say("marker");
  CHECK(marker_meta.id > meta.id);
  CHECK(alice.inbox_size() == 0);
  const auto frames = bob.frames_until([](const std::string& f) { return chat_it::is_event_frame(f, "user message"); });
  REQUIRE(frames.size() == 1);
  CHECK(chat_it::event_as<events::UserMessage>(frames[0]).text == "marker");
  CHECK(chat_it::event_as<events::UserMessage>(carol.next_frame()).text == "marker");
  // Alice's stream held the two acks and nothing else since she settled.
  const auto& log = alice.received();
  REQUIRE(log.size() >= 2);
  CHECK(log[log.size() - 2] == chat_it::message_ack_frame(first_id, meta));
  CHECK(log.back() == chat_it::message_ack_frame(first_id + 1, marker_meta));

  // The client without a nickname heard nothing of the conversation.
  lurker.pump_for(std::chrono::milliseconds(100));
  CHECK(lurker.inbox_size() == 0);
  REQUIRE(chat_it::stop_server(server, {&alice, &bob, &carol, &lurker}) == 0);
}

TEST_CASE_METHOD(chat_it::AliceAndNewcomer, "messages are refused before a nickname is chosen", "[message]") {
  newcomer.send_text(R"(421["user message","hi"])");
  CHECK(newcomer.next_frame() == R"(431[{"error":"Choose a nickname before sending messages"}])");
  newcomer.send_text(R"(42["user message","hi"])");
  CHECK(newcomer.next_frame() ==
        R"(42["chat error",{"event":"user message","reason":"Choose a nickname before sending messages"}])");

  // Once joined, the same connection can talk; alice never got the refused ones.
  newcomer.join("early");
  newcomer.say("now it works");
  const auto message = chat_it::event_as<events::UserMessage>(alice.wait_for_event(events::kUserMessage));
  CHECK(message.text == "now it works");
  CHECK(message.from == "early");
  REQUIRE(stop() == 0);
}

TEST_CASE_METHOD(chat_it::AliceAndBob, "empty and blank messages are refused", "[message]") {
  for (const std::string text : {"", " ", "   \t\n  ", "\xE3\x80\x80" /* U+3000 */}) {
    INFO("text: '" << text << "'");
    const auto id = alice.emit(events::kUserMessage, json::array({text}));
    CHECK(alice.next_frame() == "43" + std::to_string(id) + R"([{"error":"Message is empty"}])");
  }

  alice.say("after the refusals");
  // The first message bob gets is this one: the blank ones never reached him.
  const auto message = chat_it::event_as<events::UserMessage>(bob.wait_for_event(events::kUserMessage));
  CHECK(message.text == "after the refusals");
  REQUIRE(stop() == 0);
}

TEST_CASE("a message refusal without an ack id arrives as a chat error event", "[message]") {
  ChatdProcess server;
  SocketIoTestClient alice(server.port());
  alice.join("alice");
  alice.send_text(R"(42["user message",""])");
  CHECK(alice.next_frame() == R"(42["chat error",{"event":"user message","reason":"Message is empty"}])");
  REQUIRE(chat_it::stop_server(server, {&alice}) == 0);
}

TEST_CASE_METHOD(chat_it::AliceAndBob, "a message without an ack id is delivered and not echoed", "[message]") {
  alice.emit_without_ack(events::kUserMessage, json::array({"no ack wanted"}));
  const auto marker = alice.say("marker");
  CHECK(alice.inbox_size() == 0);
  const auto frames = alice.received();
  // Alice's last frame is the marker's ack; nothing came for the first message.
  CHECK(chat_it::is_ack_frame(frames.back(), alice.next_ack_id() - 1));
  CHECK_FALSE(chat_it::is_event_frame(frames[frames.size() - 2], "user message"));

  const auto first = chat_it::event_as<events::UserMessage>(bob.wait_for_event(events::kUserMessage));
  CHECK(first.text == "no ack wanted");
  CHECK(first.meta.id < marker.id);
  const auto second = chat_it::event_as<events::UserMessage>(bob.next_frame());
  CHECK(second.text == "marker");
  REQUIRE(stop() == 0);
}

TEST_CASE_METHOD(chat_it::AliceAndBob, "messages up to 2000 characters are accepted, longer ones refused",
                 "[message]") {
  SECTION("2001 ASCII characters") {
    const auto id = alice.emit(events::kUserMessage, json::array({std::string(2001, 'a')}));
    CHECK(alice.next_frame() == "43" + std::to_string(id) + R"([{"error":"Message is longer than 2000 characters"}])");
  }
  SECTION("2001 CJK characters") {
    const auto id = alice.emit(events::kUserMessage, json::array({repeat("\xE5\xAD\x97", 2001)}));
    CHECK(alice.next_frame() == "43" + std::to_string(id) + R"([{"error":"Message is longer than 2000 characters"}])");
  }
  SECTION("2000 CJK characters (6000 bytes) and 2000 ASCII characters") {
    const std::string cjk = repeat("\xE5\xAD\x97", 2000);  // 字
    REQUIRE(cjk.size() == 6000);
    alice.say(cjk);
    const auto message = chat_it::event_as<events::UserMessage>(bob.wait_for_event(events::kUserMessage));
    CHECK(message.text == cjk);
    const std::string ascii(2000, 'a');
    alice.say(ascii);
    CHECK(chat_it::event_as<events::UserMessage>(bob.wait_for_event(events::kUserMessage)).text == ascii);
  }
  // In every case the connection is still good.
  alice.say("still here");
  CHECK(chat_it::event_as<events::UserMessage>(bob.wait_for_event(events::kUserMessage)).text == "still here");
  REQUIRE(stop() == 0);
}

TEST_CASE_METHOD(chat_it::AliceAndBob, "a lone surrogate makes the packet invalid JSON", "[message]") {
  alice.send_text(R"(42["user message","\ud800"])");
  CHECK(alice.next_frame() == R"(42["chat error",{"event":"","reason":"invalid packet: payload is not valid JSON"}])");

  // A proper surrogate pair is fine and arrives as UTF-8.
  alice.send_text(raw_event(alice.reserve_ack_id(), R"(["user message","smile \ud83d\ude00"])"));
  const auto ack = events::decode_user_message_ack(alice.next_packet());
  REQUIRE(ack);
  CHECK(ack->meta);
  const auto message = chat_it::event_as<events::UserMessage>(bob.next_frame());
  CHECK(message.text == "smile \xF0\x9F\x98\x80");
  REQUIRE(stop() == 0);
}

TEST_CASE_METHOD(chat_it::AliceAndBob, "message text arrives byte for byte", "[message]") {
  const std::string text =
      "quotes \" and \\ backslash\nnew line\ttab <script>alert(1)</script> caf\xC3\xA9 \xF0\x9F\x8E\x89 "
      "\xD8\xB3\xD9\x84\xD8\xA7\xD9\x85 '; DROP TABLE messages; --";
  const auto meta = alice.say(text);
  const auto message = chat_it::event_as<events::UserMessage>(bob.wait_for_event(events::kUserMessage));
  CHECK(message.text == text);
  CHECK(message.meta.id == meta.id);
  // The SQL-looking text was stored as text: the store still works.
  alice.say("next");
  CHECK(chat_it::event_as<events::UserMessage>(bob.wait_for_event(events::kUserMessage)).meta.id > meta.id);
  REQUIRE(stop() == 0);
}

TEST_CASE("leaving is announced to the others and frees the nickname", "[message][disconnect]") {
  ChatdProcess server;
  SocketIoTestClient alice(server.port());
  alice.join("alice");
  auto bob = std::make_unique<SocketIoTestClient>(server.port());
  bob->join("bob");
  chat_it::settle(alice, 2);

  SECTION("WebSocket close") { bob->close(); }
  SECTION("TCP connection dropped") { bob->drop(); }
  SECTION("Socket.IO DISCONNECT packet") { bob->send_text("41"); }

  CHECK(alice.next_frame() == R"(42["announcement","bob disconnected"])");
  CHECK(alice.next_frame() == R"(42["nicknames",{"alice":"alice"}])");

  // The name is free again; a message from the new bob reaches alice.
  SocketIoTestClient new_bob(server.port());
  new_bob.join("bob");
  CHECK(alice.next_frame() == R"(42["announcement","bob connected"])");
  new_bob.say("I am back");
  CHECK(chat_it::event_as<events::UserMessage>(alice.wait_for_event(events::kUserMessage)).text == "I am back");
  bob.reset();
  REQUIRE(chat_it::stop_server(server, {&alice, &new_bob}) == 0);
}

TEST_CASE_METHOD(chat_it::AliceAndBob, "after a Socket.IO DISCONNECT the same connection can connect and join again",
                 "[message][disconnect]") {
  bob.send_text("41");
  chat_it::wait_for_announcement(alice, "bob disconnected");
  bob.send_text("40");
  CHECK(SocketIoTestClient::decode_message(bob.next_frame()).data.at("sid").is_string());
  bob.join("bob");
  bob.say("hello again");
  CHECK(chat_it::event_as<events::UserMessage>(alice.wait_for_event(events::kUserMessage)).text == "hello again");
  REQUIRE(stop() == 0);
}
