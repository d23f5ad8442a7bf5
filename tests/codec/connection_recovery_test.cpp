#include <catch2/catch.hpp>

#include "codec/chat_events.hpp"
#include "codec/connection_recovery.hpp"

using namespace codec;
using nlohmann::json;

namespace {

// What the server's Socket.IO layer hands the namespace: the CONNECT's payload.
json auth_of(std::string_view connect_text) {
  auto packet = sio::decode(connect_text);
  REQUIRE(packet);
  REQUIRE(packet->type == sio::PacketType::Connect);
  return packet->data;
}

sio::Packet decoded(std::string_view text) {
  auto packet = sio::decode(text);
  REQUIRE(packet);
  return std::move(*packet);
}

}  // namespace

TEST_CASE("A client's CONNECT asks to resume with its pid and last offset, or for nothing") {
  CHECK(sio::encode(sio::encode_connect()) == "0");
  CHECK(sio::encode(sio::encode_connect(sio::ResumeAuth{"p1", "b-1-7"})) == R"(0{"offset":"b-1-7","pid":"p1"})");

  const auto resume = sio::decode_resume_auth(auth_of(R"(0{"offset":"b-1-7","pid":"p1"})"));
  REQUIRE(resume);
  CHECK(resume->pid == "p1");
  CHECK(resume->offset == "b-1-7");

  // Whatever the client puts there round-trips, quotes and Chinese included.
  const sio::ResumeAuth odd{"p\"1\\", "偏移-1"};
  const auto back = sio::decode_resume_auth(auth_of(sio::encode(sio::encode_connect(odd))));
  REQUIRE(back);
  CHECK(back->pid == odd.pid);
  CHECK(back->offset == odd.offset);
}

TEST_CASE("CONNECT auth that is not a resume request is no resume request, not an error to answer") {
  const auto kind_of = [](const json& auth) {
    const auto result = sio::decode_resume_auth(auth);
    REQUIRE_FALSE(result);
    return result.error().kind;
  };
  CHECK(kind_of(auth_of("0")) == CodecErrorKind::WrongType);  // no payload: null
  CHECK(kind_of(json::object()) == CodecErrorKind::Empty);
  CHECK(kind_of(json{{"token", "abc"}}) == CodecErrorKind::Empty);
  CHECK(kind_of(json{{"pid", "p1"}}) == CodecErrorKind::WrongType);
  CHECK(kind_of(json{{"offset", "b-1-7"}}) == CodecErrorKind::WrongType);
  CHECK(kind_of(json{{"pid", 1}, {"offset", "b-1-7"}}) == CodecErrorKind::WrongType);
  CHECK(kind_of(json{{"pid", "p1"}, {"offset", nullptr}}) == CodecErrorKind::WrongType);
  CHECK(kind_of(json::array({"p1", "b-1-7"})) == CodecErrorKind::WrongType);
}

TEST_CASE("An offset is added as the last argument of an encoded event") {
  auto packet = events::encode_text(events::Announcement{"bob connected"});
  sio::append_offset(packet, "12-3-4");
  CHECK(packet == R"(2["announcement","bob connected","12-3-4"])");

  // The same bytes as encoding the event with the offset as one more argument.
  auto generic_packet = events::encode(events::UserMessage{"a", "b", {1, 2, false}});
  generic_packet.data.push_back("9-9-9");
  auto direct_packet = events::encode_text(events::UserMessage{"a", "b", {1, 2, false}});
  sio::append_offset(direct_packet, "9-9-9");
  CHECK(direct_packet == sio::encode(generic_packet));

  std::string empty_args = "3[]";
  sio::append_offset(empty_args, "x");
  CHECK(empty_args == R"(3["x"])");
  for (const std::string not_a_list : {"1", "", "]"}) {
    std::string text = not_a_list;
    sio::append_offset(text, "x");
    CHECK(text == not_a_list);
  }
}

TEST_CASE("The client reads a broadcast's offset from its last argument") {
  auto announcement = events::encode_text(events::Announcement{"bob connected"});
  sio::append_offset(announcement, "b-1-7");
  const auto offset = sio::trailing_offset(decoded(announcement));
  REQUIRE(offset);
  CHECK(*offset == "b-1-7");

  // The offset does not change what the event says.
  const auto event = events::decode_server_event(decoded(announcement));
  REQUIRE(event);
  CHECK(std::get<events::Announcement>(*event).text == "bob connected");

  auto message = events::encode_text(events::UserMessage{"alice", "hi", {9, 1, false}});
  sio::append_offset(message, "b-2-9");
  CHECK(sio::trailing_offset(decoded(message)).value() == "b-2-9");

  // Events that end with something else carry no offset; the name is never one.
  CHECK(sio::trailing_offset(decoded(R"(2["user message","a","b",{"id":1,"ts":2}])")).error().kind ==
        CodecErrorKind::WrongType);
  CHECK(sio::trailing_offset(decoded(R"(2["announcement"])")).error().kind == CodecErrorKind::WrongType);
  CHECK(sio::trailing_offset(decoded(R"(31["x"])")).error().kind == CodecErrorKind::Malformed);
  CHECK(sio::trailing_offset(decoded(R"(0{"sid":"x"})")).error().kind == CodecErrorKind::Malformed);
}
