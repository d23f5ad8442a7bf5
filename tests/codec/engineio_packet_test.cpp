#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "codec/engineio_packet.hpp"

using namespace codec;

TEST_CASE("Engine.IO text frames decode by their type digit") {
  auto ping = eio::decode_text_frame("2");
  REQUIRE(ping);
  CHECK(ping->type == eio::PacketType::Ping);
  CHECK(ping->data.empty());

  auto probe = eio::decode_text_frame("2probe");
  REQUIRE(probe);
  CHECK(probe->data == "probe");

  auto message = eio::decode_text_frame("42[\"a\"]");
  REQUIRE(message);
  CHECK(message->type == eio::PacketType::Message);
  CHECK(message->data == "2[\"a\"]");
}

TEST_CASE("Engine.IO decoding refuses bad frames with a typed error") {
  CHECK(eio::decode_text_frame("").error().kind == CodecErrorKind::Empty);
  CHECK(eio::decode_text_frame("7").error().kind == CodecErrorKind::UnknownType);
  CHECK(eio::decode_text_frame("x").error().kind == CodecErrorKind::UnknownType);
  CHECK(eio::decode_text_frame("4\xFF").error().kind == CodecErrorKind::InvalidUtf8);
  CHECK(eio::decode_text_frame(std::string(11, '4'), 10).error().kind == CodecErrorKind::TooLarge);
  CHECK(eio::decode_binary_frame(std::string(11, 'x'), 10).error().kind == CodecErrorKind::TooLarge);
}

TEST_CASE("Engine.IO frames round-trip") {
  for (auto type : {eio::PacketType::Open, eio::PacketType::Close, eio::PacketType::Ping, eio::PacketType::Pong,
                    eio::PacketType::Message, eio::PacketType::Upgrade, eio::PacketType::Noop}) {
    const auto frame = eio::encode_text_frame(type, "data");
    auto decoded = eio::decode_text_frame(frame);
    REQUIRE(decoded);
    CHECK(decoded->type == type);
    CHECK(decoded->data == "data");
  }
}

TEST_CASE("The open packet carries the handshake the client needs") {
  eio::Handshake handshake{"abc", 25000, 20000, 1000000, false};
  const auto frame = eio::encode_open(handshake);
  REQUIRE(frame.front() == '0');
  const auto json = nlohmann::json::parse(frame.substr(1));
  CHECK(json["sid"] == "abc");
  CHECK(json["upgrades"] == nlohmann::json::array());
  CHECK(json["pingInterval"] == 25000);
  CHECK(json["pingTimeout"] == 20000);
  CHECK(json["maxPayload"] == 1000000);

  auto decoded = eio::decode_open(frame.substr(1));
  REQUIRE(decoded);
  CHECK(decoded->sid == "abc");
  CHECK(decoded->ping_interval_ms == 25000u);
  CHECK_FALSE(eio::decode_open("{\"sid\":1}"));
  CHECK_FALSE(eio::decode_open("not json"));
}
