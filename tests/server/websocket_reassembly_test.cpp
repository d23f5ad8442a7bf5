// WebSocketConnection::take_frame: CivetWeb hands over frames; the connection
// puts fragmented messages back together and refuses what breaks the limits.

#include <catch2/catch.hpp>

#include <civetweb.h>

#include <optional>
#include <string>

#include "engineio/close_code.hpp"
#include "transport/websocket_connection.hpp"

using chatd::transport::WebSocketConnection;
namespace close_code = chatd::eio::close_code;

namespace {

constexpr int kText = MG_WEBSOCKET_OPCODE_TEXT;
constexpr int kBinary = MG_WEBSOCKET_OPCODE_BINARY;
constexpr int kContinuation = MG_WEBSOCKET_OPCODE_CONTINUATION;

// A connection with no socket behind it: only its reassembly is used.
WebSocketConnection connection(std::size_t max_message_bytes = 1000) { return {nullptr, max_message_bytes}; }

}  // namespace

TEST_CASE("An unfragmented frame is a whole message at once, text or binary") {
  auto ws = connection();
  const std::string text = "42[\"user message\",\"hi\"]";
  auto message = ws.take_frame(kText, true, text);
  REQUIRE(message.ok());
  REQUIRE(message->has_value());
  CHECK_FALSE((*message)->binary());
  CHECK((*message)->bytes() == text);
  // Not copied: the message is the frame's own bytes.
  CHECK((*message)->bytes().data() == text.data());

  const std::string bytes("\x01\x00\x02", 3);
  auto binary = ws.take_frame(kBinary, true, bytes);
  REQUIRE(binary.ok());
  REQUIRE(binary->has_value());
  CHECK((*binary)->binary());
  CHECK((*binary)->bytes() == bytes);
}

TEST_CASE("Fragments are put back together; nothing comes out until the last one") {
  auto ws = connection();
  auto first = ws.take_frame(kText, false, "42[\"user ");
  REQUIRE(first.ok());
  CHECK_FALSE(first->has_value());
  auto middle = ws.take_frame(kContinuation, false, "message\",");
  REQUIRE(middle.ok());
  CHECK_FALSE(middle->has_value());
  auto last = ws.take_frame(kContinuation, true, "\"hi\"]");
  REQUIRE(last.ok());
  REQUIRE(last->has_value());
  CHECK_FALSE((*last)->binary());
  CHECK((*last)->bytes() == "42[\"user message\",\"hi\"]");

  // The next message starts afresh, and keeps the kind of its first frame.
  REQUIRE(ws.take_frame(kBinary, false, "ab").ok());
  auto binary = ws.take_frame(kContinuation, true, "cd");
  REQUIRE(binary.ok());
  REQUIRE(binary->has_value());
  CHECK((*binary)->binary());
  CHECK((*binary)->bytes() == "abcd");
}

TEST_CASE("Fragments beyond the limit are refused with 1009; the next message is read as usual") {
  auto ws = connection(10);
  REQUIRE(ws.take_frame(kText, false, "123456").ok());
  auto too_big = ws.take_frame(kContinuation, false, "78901");
  REQUIRE_FALSE(too_big.ok());
  CHECK(too_big.error().close_code == close_code::kTooBig);
  CHECK(too_big.error().reason == "Engine.IO packet exceeds maxPayload");

  // A first fragment alone can be too big too.
  auto first_too_big = ws.take_frame(kText, false, std::string(11, 'x'));
  REQUIRE_FALSE(first_too_big.ok());
  CHECK(first_too_big.error().close_code == close_code::kTooBig);

  // Exactly at the limit is fine, and what was refused is gone.
  REQUIRE(ws.take_frame(kText, false, "12345").ok());
  auto at_limit = ws.take_frame(kContinuation, true, "67890");
  REQUIRE(at_limit.ok());
  REQUIRE(at_limit->has_value());
  CHECK((*at_limit)->bytes() == "1234567890");
}

TEST_CASE("An unknown opcode is a protocol error (1002)") {
  auto ws = connection();
  auto unknown = ws.take_frame(0x3, true, "x");  // reserved data opcode
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.error().close_code == close_code::kProtocolError);
  CHECK(unknown.error().reason == "unknown WebSocket opcode");
}
