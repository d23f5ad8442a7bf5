#include <catch2/catch.hpp>

#include "client_event.hpp"
#include "codec/chat_events.hpp"

using namespace codec;
using codec_test::client_event;
using nlohmann::json;

TEST_CASE("Client events decode into typed requests") {
  auto nick = client_event("21[\"nickname\",\"bob\"]");
  REQUIRE(nick);
  const auto& request = std::get<events::NicknameRequest>(*nick);
  CHECK(request.nickname == "bob");
  CHECK(request.ack_id == 1u);

  auto message = client_event("2[\"user message\",\"你好\"]");
  REQUIRE(message);
  CHECK(std::get<events::UserMessageRequest>(*message).text == "你好");
  CHECK_FALSE(std::get<events::UserMessageRequest>(*message).ack_id);
}

TEST_CASE("Client events with wrong argument types are refused") {
  CHECK(client_event("2[\"nickname\",42]").error().kind == CodecErrorKind::WrongType);
  CHECK(client_event("2[\"nickname\",{}]").error().kind == CodecErrorKind::WrongType);
  CHECK(client_event("2[\"nickname\",[\"a\"]]").error().kind == CodecErrorKind::WrongType);
  CHECK(client_event("2[\"nickname\"]").error().kind == CodecErrorKind::WrongType);
  CHECK(client_event("2[\"user message\",null]").error().kind == CodecErrorKind::WrongType);
  CHECK(client_event("2[\"no such event\",\"x\"]").error().kind == CodecErrorKind::UnknownEvent);
  auto ack_packet = sio::decode("31[]");
  REQUIRE(ack_packet);
  CHECK_FALSE(events::decode_client_event(*ack_packet));
}

TEST_CASE("Server events encode as the classic example expects") {
  CHECK(sio::encode(events::encode(events::Announcement{"bob connected"})) == R"(2["announcement","bob connected"])");
  CHECK(sio::encode(events::encode(events::Nicknames{{"alice", "bob"}})) ==
        R"(2["nicknames",{"alice":"alice","bob":"bob"}])");
  CHECK(sio::encode(events::encode(events::UserMessage{"bob", "hi", {7, 1700000000000, true}})) ==
        R"(2["user message","bob","hi",{"history":true,"id":7,"ts":1700000000000}])");
  CHECK(sio::encode(events::encode_ack(3, events::NicknameAck{true, "Nickname already in use"})) ==
        R"(33[true,"Nickname already in use"])");
  CHECK(sio::encode(events::encode_ack(3, events::NicknameAck{false, {}})) == "33[false]");
}

TEST_CASE("Server events round-trip through the client-side decoders") {
  const events::UserMessage original{"bob", "你好", {42, 123, false}};
  auto decoded = events::decode_server_event(events::encode(original));
  REQUIRE(decoded);
  const auto& message = std::get<events::UserMessage>(*decoded);
  CHECK(message.from == "bob");
  CHECK(message.text == "你好");
  CHECK(message.meta.id == 42);
  CHECK_FALSE(message.meta.history);

  auto nicknames = events::decode_server_event(events::encode(events::Nicknames{{"b", "a"}}));
  REQUIRE(nicknames);
  CHECK(std::get<events::Nicknames>(*nicknames).nicknames == std::vector<std::string>{"a", "b"});

  auto error = events::decode_server_event(events::encode(events::ChatError{"user message", "too long"}));
  REQUIRE(error);
  CHECK(std::get<events::ChatError>(*error).reason == "too long");

  auto stored = events::decode_user_message_ack(
      events::encode_ack(5, events::UserMessageAck{events::MessageMeta{1, 2, false}, {}}));
  REQUIRE(stored);
  REQUIRE(stored->meta);
  CHECK(stored->meta->id == 1);
  auto refused = events::decode_user_message_ack(events::encode_ack(5, events::UserMessageAck{{}, "Message is empty"}));
  REQUIRE(refused);
  CHECK_FALSE(refused->meta);
  CHECK(refused->error == "Message is empty");

  auto nick_ack = events::decode_nickname_ack(events::encode_ack(1, events::NicknameAck{true, "taken"}));
  REQUIRE(nick_ack);
  CHECK(nick_ack->refused);
  CHECK(nick_ack->reason == "taken");
}

TEST_CASE("Client-side decoders refuse malformed server events") {
  CHECK_FALSE(events::decode_server_event(sio::make_event("nicknames", json::array({"x"}))));
  CHECK_FALSE(events::decode_server_event(sio::make_event("user message", json::array({1, 2}))));
  CHECK_FALSE(events::decode_server_event(sio::make_event("weird", json::array())));
  CHECK_FALSE(events::decode_nickname_ack(sio::make_ack(1, json::array({"no"}))));
  CHECK_FALSE(events::decode_user_message_ack(sio::make_ack(1, json::array({json::object()}))));
}

TEST_CASE("A refusal takes the refusal form of its event's ack, or is a chat error without an ack") {
  auto decoded = [](const std::string& text) {
    auto packet = sio::decode(text);
    REQUIRE(packet);
    return *packet;
  };
  auto nickname = events::decode_nickname_ack(decoded(events::encode_refusal_text(events::kNickname, 7, "taken")));
  REQUIRE(nickname);
  CHECK(nickname->refused);
  CHECK(nickname->reason == "taken");

  auto message = events::decode_user_message_ack(decoded(events::encode_refusal_text(events::kUserMessage, 8, "slow")));
  REQUIRE(message);
  CHECK_FALSE(message->meta);
  CHECK(message->error == "slow");

  auto history = events::decode_history_ack(decoded(events::encode_refusal_text(events::kHistory, 9, "no")));
  REQUIRE(history);
  CHECK_FALSE(history->page);
  CHECK(history->error == "no");

  auto error = events::decode_server_event(decoded(events::encode_refusal_text(events::kHistory, std::nullopt, "why")));
  REQUIRE(error);
  const auto* chat_error = std::get_if<events::ChatError>(&*error);
  REQUIRE(chat_error);
  CHECK(chat_error->event == events::kHistory);
  CHECK(chat_error->reason == "why");
}
