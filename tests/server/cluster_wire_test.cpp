// Cluster mode's reading and writing of @socket.io/redis-streams-adapter's
// wire (docs/cluster.md): sessions, broadcast data, stream ids, redis URLs.
// The encoded samples are what a Node.js node (adapter 0.3.1) wrote, as
// recorded with redis-cli MONITOR in the protocol notes.

#include <catch2/catch.hpp>

#include "cluster/adapter_broadcast.hpp"
#include "cluster/adapter_session.hpp"
#include "cluster/base64.hpp"
#include "cluster/redis_endpoint.hpp"
#include "cluster/stream_id.hpp"

using namespace chatd::cluster;

TEST_CASE("base64: Node's Buffer encoding, padded; decoding takes it unpadded too", "[cluster]") {
  CHECK(base64_encode("") == "");
  CHECK(base64_encode("f") == "Zg==");
  CHECK(base64_encode("fo") == "Zm8=");
  CHECK(base64_encode("foo") == "Zm9v");
  CHECK(base64_encode(std::string("\xff\xfe\x00", 3)) == "//4A");
  CHECK(base64_decode("Zm8=") == std::optional<std::string>("fo"));
  CHECK(base64_decode("Zm8") == std::optional<std::string>("fo"));
  CHECK(base64_decode("//4A") == std::optional<std::string>(std::string("\xff\xfe\x00", 3)));
  CHECK_FALSE(base64_decode("Zm9v!"));
  CHECK_FALSE(base64_decode("Z"));
  CHECK_FALSE(base64_decode("{\"a\":1}"));
}

TEST_CASE("sessions: a Node.js node's session decodes to its sid, pid, rooms and nickname", "[cluster]") {
  // {"sid":"hVscVrMR0AU_r9YuAAAA","pid":"1DVFJxr41Qeo-iVDAAAB","rooms":["hVscVrMR0AU_r9YuAAAA","room1"],
  //  "data":{"nick":"alice"}}
  const auto session = decode_adapter_session(
      "hKNzaWS0aFZzY1ZyTVIwQVVfcjlZdUFBQUGjcGlktDFEVkZKeHI0MVFlby1pVkRBQUFCpXJvb21zkrRoVnNjVnJNUjBBVV9yOVl1QUFB"
      "QaVyb29tMaRkYXRhgaRuaWNrpWFsaWNl");
  REQUIRE(session);
  CHECK(session->sid == "hVscVrMR0AU_r9YuAAAA");
  CHECK(session->pid == "1DVFJxr41Qeo-iVDAAAB");
  CHECK(session->rooms == std::vector<std::string>{"hVscVrMR0AU_r9YuAAAA", "room1"});
  CHECK(session->nick == std::optional<std::string>("alice"));
}

TEST_CASE("sessions: what chatd writes is the adapter's map, byte for byte", "[cluster]") {
  const AdapterSession session{
      "hVscVrMR0AU_r9YuAAAA", "1DVFJxr41Qeo-iVDAAAB", {"hVscVrMR0AU_r9YuAAAA", "room1"}, "alice"};
  // The same bytes as the Node.js node's value above: same keys, same order.
  CHECK(encode_adapter_session(session) ==
        "hKNzaWS0aFZzY1ZyTVIwQVVfcjlZdUFBQUGjcGlktDFEVkZKeHI0MVFlby1pVkRBQUFCpXJvb21zkrRoVnNjVnJNUjBBVV9yOVl1QUFB"
        "QaVyb29tMaRkYXRhgaRuaWNrpWFsaWNl");
  const auto back = decode_adapter_session(encode_adapter_session(AdapterSession{"s", "p", {"s", "chat"}, "Zoë"}));
  REQUIRE(back);
  CHECK(back->nick == std::optional<std::string>("Zoë"));
  const auto without = decode_adapter_session(encode_adapter_session(AdapterSession{"s", "p", {"s"}, std::nullopt}));
  REQUIRE(without);
  CHECK_FALSE(without->nick);
}

TEST_CASE("sessions: broken values are refused with a reason, never thrown", "[cluster][bad-input]") {
  CHECK_FALSE(decode_adapter_session(""));
  CHECK_FALSE(decode_adapter_session("not base64!"));
  CHECK_FALSE(decode_adapter_session(base64_encode("\x93\x01\x02\x03")));                      // an array, not a map
  CHECK_FALSE(decode_adapter_session(base64_encode("\x84\xa3sid")));                           // cut short
  CHECK_FALSE(decode_adapter_session(base64_encode("\x80\x80")));                              // two values
  CHECK_FALSE(decode_adapter_session(base64_encode(std::string("\xdf\xff\xff\xff\xff", 5))));  // a huge map announced
  CHECK_FALSE(decode_adapter_session(base64_encode("\x81\xa3sid\x01")));                       // sid is not a string
}

TEST_CASE("broadcasts: JSON data gives the event, rooms, except and whether it takes an offset", "[cluster]") {
  const auto plain = decode_adapter_broadcast(
      R"({"packet":{"type":2,"data":["m3","bcast except me"]},"opts":{"rooms":[],"except":["hVsc"],"flags":{}}})");
  REQUIRE(plain);
  CHECK(plain->args == nlohmann::json::array({"m3", "bcast except me"}));
  CHECK(plain->rooms.empty());
  CHECK(plain->except == std::vector<std::string>{"hVsc"});
  CHECK(plain->takes_offset);
  CHECK(::codec::sio::encode(to_outgoing(*plain, "1796012452708-0").packet) ==
        R"(2["m3","bcast except me","1796012452708-0"])");

  const auto vol = decode_adapter_broadcast(
      R"({"packet":{"type":2,"data":["m5","volatile"]},"opts":{"rooms":[],"except":[],"flags":{"volatile":true}}})");
  REQUIRE(vol);
  CHECK_FALSE(vol->takes_offset);
  CHECK(::codec::sio::encode(to_outgoing(*vol, "1-0").packet) == R"(2["m5","volatile"])");
  const auto acked = decode_adapter_broadcast(R"({"packet":{"type":2,"data":["x"],"id":4},"opts":{"rooms":["r"]}})");
  REQUIRE(acked);
  CHECK_FALSE(acked->takes_offset);
  CHECK(acked->rooms == std::vector<std::string>{"r"});
}

TEST_CASE("broadcasts: MessagePack data gives binary attachments and Dates as ISO text", "[cluster]") {
  // io.emit("m6", Buffer.from([1, 2, 3]), new Date(0)) on a Node.js node.
  const auto binary =
      decode_adapter_broadcast("gqZwYWNrZXSCpHR5cGUCpGRhdGGTom02xAMBAgPW/wAAAACkb3B0c4Olcm9vbXOQpmV4Y2VwdJClZmxhZ3OA");
  REQUIRE(binary);
  CHECK(binary->args == nlohmann::json::parse(R"(["m6",{"_placeholder":true,"num":0},"1970-01-01T00:00:00.000Z"])"));
  CHECK(binary->attachments == std::vector<std::string>{std::string("\x01\x02\x03", 3)});
  const auto out = to_outgoing(*binary, "5-1");
  CHECK(out.binary());
  CHECK(::codec::sio::encode(out.packet) ==
        R"(51-["m6",{"_placeholder":true,"num":0},"1970-01-01T00:00:00.000Z","5-1"])");
}

TEST_CASE("broadcasts: what is not an event, or not well-formed, is refused", "[cluster][bad-input]") {
  CHECK_FALSE(decode_adapter_broadcast(""));
  CHECK_FALSE(decode_adapter_broadcast(" {\"packet\":{}}"));  // the adapter reads this as base64 too
  CHECK_FALSE(decode_adapter_broadcast(R"({"packet":{"type":3,"data":["x"]}})"));
  CHECK_FALSE(decode_adapter_broadcast(R"({"packet":{"type":2,"data":[]}})"));
  CHECK_FALSE(decode_adapter_broadcast(R"({"packet":{"type":2,"data":[1]}})"));
  CHECK_FALSE(decode_adapter_broadcast(R"({"packet":{"type":2,"data":["x"]},"opts":{"rooms":"r"}})"));
  CHECK_FALSE(decode_adapter_broadcast(R"({"packet":{"type":2,"data":["x"]},"opts":{"except":[1]}})"));
  CHECK_FALSE(decode_adapter_broadcast(R"({"packet":)"));
  std::string deep = R"({"packet":{"type":2,"data":["x",)";
  for (int i = 0; i < 100; ++i) deep += "[";
  for (int i = 0; i < 100; ++i) deep += "]";
  CHECK_FALSE(decode_adapter_broadcast(deep + "]}}"));
}

TEST_CASE("broadcasts: replay keeps what shouldIncludePacket keeps", "[cluster]") {
  const std::vector<std::string> session_rooms{"sidA", "chat"};
  const auto with = [](std::vector<std::string> rooms, std::vector<std::string> except) {
    AdapterBroadcast broadcast;
    broadcast.rooms = std::move(rooms);
    broadcast.except = std::move(except);
    return broadcast;
  };
  CHECK(should_include(session_rooms, with({}, {})));
  CHECK(should_include(session_rooms, with({"chat"}, {"sidB"})));
  CHECK(should_include(session_rooms, with({"sidA"}, {})));
  CHECK_FALSE(should_include(session_rooms, with({"chat"}, {"sidA"})));  // its own message
  CHECK_FALSE(should_include(session_rooms, with({"sidB"}, {})));        // someone else's private emit
  CHECK_FALSE(should_include({"sidC"}, with({"chat"}, {})));             // not a member
}

TEST_CASE("stream ids: exactly <ms>-<seq>, ordered, with the next one after", "[cluster]") {
  CHECK(StreamId::parse("1796012452708-0") == StreamId{1796012452708, 0});
  CHECK(StreamId::parse("0-0") == StreamId{});
  for (const char* bad : {"", "1", "1-", "-1", "1-2-3", "+1-2", "1-x", "a-1", " 1-2", "99999999999999999999-0"}) {
    INFO(bad);
    CHECK_FALSE(StreamId::parse(bad));
  }
  CHECK(StreamId{5, 1} < StreamId{5, 2});
  CHECK(StreamId{5, 9} < StreamId{6, 0});
  CHECK(StreamId{5, 1}.next().to_string() == "5-2");
}

TEST_CASE("redis URLs: host, port, db, credentials and prefix", "[cluster]") {
  const auto plain = parse_redis_url("redis://localhost");
  REQUIRE(plain);
  CHECK(plain->host == "localhost");
  CHECK(plain->port == 6379);
  CHECK(plain->db == 0);
  CHECK(plain->password.empty());
  const auto full = parse_redis_url("redis://chat:s%40cret@10.0.0.5:6380/2?prefix=prod%3A");
  REQUIRE(full);
  CHECK(full->user == "chat");
  CHECK(full->password == "s@cret");
  CHECK(full->host == "10.0.0.5");
  CHECK(full->port == 6380);
  CHECK(full->db == 2);
  CHECK(full->prefix == "prod:");
  CHECK(full->describe() == "redis://chat:***@10.0.0.5:6380/2?prefix=prod:");
  const auto password_only = parse_redis_url("redis://:pw@h:1/");
  REQUIRE(password_only);
  CHECK(password_only->user.empty());
  CHECK(password_only->password == "pw");
  for (const char* bad :
       {"http://h", "redis://", "redis://h:0", "redis://h:x", "redis://h/x", "redis://h?db=1", "redis://%zz@h"}) {
    INFO(bad);
    CHECK_FALSE(parse_redis_url(bad));
  }
}
