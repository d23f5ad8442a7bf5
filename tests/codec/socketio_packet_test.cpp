#include <catch2/catch.hpp>

#include "codec/socketio_packet.hpp"

using namespace codec;
using nlohmann::json;

// Examples from the Socket.IO v5 protocol specification.
TEST_CASE("Socket.IO packets from the specification decode") {
  auto connect = sio::decode("0");
  REQUIRE(connect);
  CHECK(connect->type == sio::PacketType::Connect);
  CHECK(connect->nsp == "/");
  CHECK(connect->data.is_null());

  auto connect_auth = sio::decode("0/admin,{\"token\":\"123\"}");
  REQUIRE(connect_auth);
  CHECK(connect_auth->nsp == "/admin");
  CHECK(connect_auth->data["token"] == "123");

  auto event = sio::decode("2[\"foo\"]");
  REQUIRE(event);
  CHECK(event->type == sio::PacketType::Event);
  CHECK(event->data == json::array({"foo"}));
  CHECK_FALSE(event->ack_id);

  auto event_ack = sio::decode("2/admin,456[\"project:delete\",123]");
  REQUIRE(event_ack);
  CHECK(event_ack->nsp == "/admin");
  CHECK(event_ack->ack_id == 456u);

  auto ack = sio::decode("3/admin,456[]");
  REQUIRE(ack);
  CHECK(ack->type == sio::PacketType::Ack);
  CHECK(ack->ack_id == 456u);

  auto error = sio::decode("4{\"message\":\"Not authorized\"}");
  REQUIRE(error);
  CHECK(error->type == sio::PacketType::ConnectError);

  auto binary = sio::decode("51-[\"hello\",{\"_placeholder\":true,\"num\":0}]");
  REQUIRE(binary);
  CHECK(binary->type == sio::PacketType::BinaryEvent);
  CHECK(binary->attachments == 1u);

  auto disconnect = sio::decode("1/admin,");
  REQUIRE(disconnect);
  CHECK(disconnect->type == sio::PacketType::Disconnect);
  CHECK(disconnect->nsp == "/admin");
}

TEST_CASE("Socket.IO packets round-trip through encode") {
  for (const char* text :
       {"0", "0/admin,{\"token\":\"123\"}", "2[\"foo\"]", "2/admin,456[\"project:delete\",123]", "3/admin,456[]",
        "4{\"message\":\"Not authorized\"}", "1", "51-[\"hello\",{\"_placeholder\":true,\"num\":0}]",
        "61-/admin,456[{\"_placeholder\":true,\"num\":0}]"}) {
    auto packet = sio::decode(text);
    INFO(text);
    REQUIRE(packet);
    CHECK(sio::encode(*packet) == text);
  }
}

TEST_CASE("Socket.IO decoding refuses malformed packets with a reason") {
  const std::pair<const char*, CodecErrorKind> cases[] = {
      {"", CodecErrorKind::Empty},
      {"9", CodecErrorKind::UnknownType},
      {"2{\"not\":\"array\"}", CodecErrorKind::Malformed},
      {"2[]", CodecErrorKind::Malformed},
      {"2[1,2]", CodecErrorKind::WrongType},
      {"2[\"a\"", CodecErrorKind::InvalidJson},
      {"2[\"\\ud800\"]", CodecErrorKind::InvalidJson},  // lone surrogate
      {"299999999999999999999[\"a\"]", CodecErrorKind::TooLarge},
      {"29007199254740992[\"a\"]", CodecErrorKind::TooLarge},  // 2^53
      {"5[\"a\"]", CodecErrorKind::Malformed},
      {"5999-[\"a\"]", CodecErrorKind::TooLarge},
      {"1{}", CodecErrorKind::Malformed},
      {"0[]", CodecErrorKind::Malformed},
      {"3[]", CodecErrorKind::Malformed},
      {"01[\"a\"]", CodecErrorKind::Malformed},
  };
  for (const auto& [text, kind] : cases) {
    INFO(text);
    auto packet = sio::decode(text);
    REQUIRE_FALSE(packet);
    CHECK(packet.error().kind == kind);
    CHECK_FALSE(packet.error().reason.empty());
  }
  CHECK(sio::decode("0/" + std::string(300, 'x') + ",").error().kind == CodecErrorKind::TooLarge);
}

TEST_CASE("JSON nested deeper than the limit is refused before parsing") {
  const std::string deep = "2[\"a\"," + std::string(33, '[') + std::string(33, ']') + "]";
  CHECK(sio::decode(deep).error().kind == CodecErrorKind::TooLarge);
  const std::string fine = "2[\"a\"," + std::string(30, '[') + std::string(30, ']') + "]";
  CHECK(sio::decode(fine));
  // Brackets inside strings are text, not nesting.
  CHECK(sio::decode("2[\"a\",\"" + std::string(100, '[') + "\\\"\"]"));
  // A stack-exhausting payload (what the fuzzer's by-hand finding was) is refused cheaply.
  CHECK_FALSE(sio::decode("2[\"nickname\"," + std::string(400000, '[') + std::string(400001, ']')));
}

TEST_CASE("Encoding never throws on invalid UTF-8 strings") {
  auto packet = sio::make_event("user message", json::array({std::string("bad \xFF")}));
  CHECK_NOTHROW(sio::encode(packet));
}

TEST_CASE("The CONNECT answer carries the sid, and the pid when recovery is on") {
  CHECK(sio::encode(sio::encode_connect_answer("/", {"s1", std::nullopt})) == R"(0{"sid":"s1"})");
  CHECK(sio::encode(sio::encode_connect_answer("/", {"s1", "p1"})) == R"(0{"pid":"p1","sid":"s1"})");
  CHECK(sio::encode(sio::encode_connect_answer("/admin", {"s2", std::nullopt})) == R"(0/admin,{"sid":"s2"})");

  const auto read = [](std::string_view text) {
    auto packet = sio::decode(text);
    REQUIRE(packet);
    return sio::decode_connect_answer(*packet);
  };
  const auto with_pid = read(R"(0{"pid":"p1","sid":"s1"})");
  REQUIRE(with_pid);
  CHECK(with_pid->sid == "s1");
  CHECK(with_pid->pid == "p1");

  const auto without_pid = read(R"(0{"sid":"s1"})");
  REQUIRE(without_pid);
  CHECK_FALSE(without_pid->pid);

  // Socket.IO v4 servers answer with no payload; a pid of another type offers nothing.
  const auto bare = read("0");
  REQUIRE(bare);
  CHECK(bare->sid.empty());
  CHECK_FALSE(bare->pid);
  const auto odd = read(R"(0{"pid":7,"sid":["x"]})");
  REQUIRE(odd);
  CHECK(odd->sid.empty());
  CHECK_FALSE(odd->pid);

  const auto not_connect = read(R"(2["x"])");
  REQUIRE_FALSE(not_connect);
  CHECK(not_connect.error().kind == CodecErrorKind::Malformed);
}

TEST_CASE("CONNECT_ERROR carries the refusal's message") {
  CHECK(sio::encode(sio::encode_connect_error("/", "invalid packet: x")) == R"(4{"message":"invalid packet: x"})");
  CHECK(sio::encode(sio::encode_connect_error("/admin", "Invalid namespace")) ==
        R"(4/admin,{"message":"Invalid namespace"})");

  const auto read = [](std::string_view text) {
    auto packet = sio::decode(text);
    REQUIRE(packet);
    return sio::decode_connect_error(*packet);
  };
  const auto refusal = read(R"(4{"message":"Not authorized","data":{"x":1}})");
  REQUIRE(refusal);
  CHECK(refusal->message == "Not authorized");
  const auto old_style = read(R"(4"Not authorized")");  // Socket.IO v4 servers
  REQUIRE(old_style);
  CHECK(old_style->message == "Not authorized");

  const auto no_message = read(R"(4{"reason":"x"})");
  REQUIRE_FALSE(no_message);
  CHECK(no_message.error().kind == CodecErrorKind::WrongType);
  CHECK_FALSE(read(R"(4{"message":42})"));
  const auto not_an_error = read("0");
  REQUIRE_FALSE(not_an_error);
  CHECK(not_an_error.error().kind == CodecErrorKind::Malformed);

  // The encoder's output reads back, whatever the text.
  for (const std::string message : {"", "命名空间无效", "quote \" and \\"}) {
    const auto back = read(sio::encode(sio::encode_connect_error("/", message)));
    REQUIRE(back);
    CHECK(back->message == message);
  }
}
