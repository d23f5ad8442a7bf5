// Malformed input: Socket.IO-level garbage is answered and the connection
// kept; Engine.IO-level garbage closes that session with a close frame. In
// every case the well-behaved clients on the same server keep talking.

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>

#include <algorithm>
#include <array>
#include <functional>
#include <stdexcept>

#include "chatd_process.hpp"
#include "http_test_client.hpp"
#include "socketio_test_client.hpp"
#include "test_support.hpp"

using chat_it::ChatdProcess;
using chat_it::SocketIoTestClient;
using nlohmann::json;
namespace events = codec::events;

namespace {

// Two well-behaved clients, joined and with quiet inboxes.
struct Bystanders {
  explicit Bystanders(std::uint16_t port) : alice(port), bob(port) {
    alice.join("alice");
    bob.join("bob");
    alice.wait_for_event(events::kNicknames);  // the list with bob
  }

  // Both directions still work, and nothing the abuser sent reached them.
  void still_talk(const std::string& text) {
    const auto meta = alice.say(text);
    const auto to_bob = chat_it::event_as<events::UserMessage>(bob.wait_for_event(events::kUserMessage));
    CHECK(to_bob.text == text);
    CHECK(to_bob.meta.id == meta.id);
    bob.say(text + " (reply)");
    const auto to_alice = chat_it::event_as<events::UserMessage>(alice.wait_for_event(events::kUserMessage));
    CHECK(to_alice.text == text + " (reply)");
    CHECK(to_alice.from == "bob");
  }

  SocketIoTestClient alice;
  SocketIoTestClient bob;
};

// chatd, the bystanders, and mallory, who sends the garbage (not connected yet).
struct MalloryAmongOthers {
  explicit MalloryAmongOthers(std::vector<std::string> chatd_args = {})
      : server(std::move(chatd_args)), others(server.port()), mallory(server.port()) {}

  // Stops chatd while all three read on (see stop_server).
  int stop() { return chat_it::stop_server(server, {&others.alice, &others.bob, &mallory}); }

  ChatdProcess server;
  Bystanders others;
  SocketIoTestClient mallory;
};

// Writes raw bytes on a fresh TCP connection and reads until the server ends
// it; returns what came back. Throws if the server has not ended it in 3 s.
std::string raw_exchange(std::uint16_t port, const std::string& bytes) {
  namespace net = boost::asio;
  namespace beast = boost::beast;
  net::io_context io;
  beast::tcp_stream stream(io);
  stream.expires_after(std::chrono::seconds(3));
  std::string answer;
  beast::error_code failure;
  bool ended = false;
  std::array<char, 4096> chunk{};
  std::function<void()> read_more = [&] {
    stream.async_read_some(net::buffer(chunk), [&](beast::error_code error, std::size_t n) {
      answer.append(chunk.data(), n);
      if (error == net::error::eof || error == net::error::connection_reset) {
        ended = true;
      } else if (error) {
        failure = error;
      } else {
        read_more();
      }
    });
  };
  stream.async_connect(net::ip::tcp::endpoint(net::ip::address_v4::loopback(), port), [&](beast::error_code error) {
    if (error) {
      failure = error;
      return;
    }
    net::async_write(stream, net::buffer(bytes), [&](beast::error_code write_error, std::size_t) {
      if (write_error && write_error != net::error::connection_reset) failure = write_error;
    });
    read_more();
  });
  io.run();
  if (!ended) throw std::runtime_error("the server did not end the connection: " + failure.message());
  return answer;
}

}  // namespace

TEST_CASE_METHOD(MalloryAmongOthers, "Socket.IO-level garbage gets a chat error and the connection stays up",
                 "[malformed]") {
  struct Case {
    std::string frame;
    std::string event;         // the "event" field of the chat error
    std::string reason_start;  // how its "reason" starts
  };
  const std::vector<Case> cases = {
      {"4garbage", "", "invalid packet: unknown Socket.IO packet type"},
      {"4", "", "invalid packet: empty Socket.IO packet"},
      {"42{}", "", "invalid packet: EVENT payload must be a non-empty array"},
      {"42[]", "", "invalid packet: EVENT payload must be a non-empty array"},
      {"42[1]", "", "invalid packet: event name must be a string"},
      {R"(4299999999999999999999["x"])", "", "invalid packet: ack id out of range"},
      {R"(42["user message")", "", "invalid packet: payload is not valid JSON"},
      {R"(42["user message",'single quotes'])", "", "invalid packet: payload is not valid JSON"},
      {R"(43["orphan ack"])", "", "invalid packet: ACK packet lacks its ack id"},
      {R"(42["typing"])", "typing", "unknown event \"typing\""},
      {R"(42["user message"])", "user message", "message is missing"},
      {R"(42["user message",7])", "user message", "message must be a string"},
  };
  mallory.join("mallory");
  others.alice.wait_for_event(events::kNicknames);
  others.bob.wait_for_event(events::kNicknames);

  // One connection sends every kind of garbage: none of it closes it.
  for (const auto& c : cases) {
    INFO("frame: " << c.frame);
    mallory.send_text(c.frame);
    // (Mallory's inbox also holds the bystanders' messages of the round before.)
    const auto error = chat_it::event_as<events::ChatError>(mallory.wait_for_event(events::kChatError));
    CHECK(error.event == c.event);
    CHECK_THAT(error.reason, Catch::Matchers::StartsWith(c.reason_start));
    CHECK_FALSE(mallory.closed());
    others.still_talk("after " + c.frame);
  }
  // The abuser's connection works too.
  mallory.say("sorry");
  CHECK(chat_it::event_as<events::UserMessage>(others.alice.wait_for_event(events::kUserMessage)).text == "sorry");
  REQUIRE(stop() == 0);
}

TEST_CASE("the exact chat error for a packet that is not Socket.IO", "[malformed]") {
  ChatdProcess server;
  SocketIoTestClient mallory(server.port());
  mallory.join("mallory");
  mallory.send_text("4garbage");
  CHECK(mallory.next_frame() ==
        R"(42["chat error",{"event":"","reason":"invalid packet: unknown Socket.IO packet type"}])");
  mallory.send_text(R"(42["typing"])");
  CHECK(mallory.next_frame() == R"(42["chat error",{"event":"typing","reason":"unknown event \"typing\""}])");
  REQUIRE(chat_it::stop_server(server, {&mallory}) == 0);
}

TEST_CASE_METHOD(MalloryAmongOthers, "a binary frame gets a chat error and the connection stays up", "[malformed]") {
  mallory.join("mallory");
  // A binary frame that no binary packet announced.
  mallory.send_binary(std::string("\x00\x01\x02\xFF", 4));
  const std::string frame = mallory.next_frame();
  REQUIRE(chat_it::is_event_frame(frame, events::kChatError));
  const auto error = chat_it::event_as<events::ChatError>(frame);
  CHECK(error.event.empty());
  CHECK_FALSE(error.reason.empty());
  CHECK_FALSE(mallory.closed());
  others.still_talk("after a binary frame");
  mallory.say("text again");
  REQUIRE(stop() == 0);
}

TEST_CASE_METHOD(MalloryAmongOthers, "garbage before the namespace connection gets a CONNECT_ERROR", "[malformed]") {
  mallory.open_websocket();
  REQUIRE(mallory.next_frame().rfind("0{", 0) == 0);

  for (const std::string garbage : {"4garbage", "42{}", "42[1]", R"(4299999999999999999999["x"])"}) {
    INFO("frame: " << garbage);
    mallory.send_text(garbage);
    const std::string frame = mallory.next_frame();
    CHECK(frame.rfind("44{\"message\":\"invalid packet: ", 0) == 0);
    CHECK(SocketIoTestClient::decode_message(frame).type == codec::sio::PacketType::ConnectError);
    others.still_talk("after " + garbage);
  }

  mallory.send_text("40");
  CHECK(SocketIoTestClient::decode_message(mallory.next_frame()).data.at("sid").is_string());
  mallory.join("mallory");
  mallory.say("connected after all");
  CHECK(chat_it::event_as<events::UserMessage>(others.bob.wait_for_event(events::kUserMessage)).text ==
        "connected after all");
  REQUIRE(stop() == 0);
}

TEST_CASE("Engine.IO-level garbage closes that session with a close frame", "[malformed]") {
  struct Case {
    const char* name;
    std::string frame;
    std::uint16_t code;
  };
  const std::vector<Case> cases = {
      {"unknown packet type", "9", 1002},
      {"empty text frame", "", 1002},
      {"open packet from the client", "0{}", 1002},
      {"invalid UTF-8 in a message", "42[\"user message\",\"\xC3\x28\"]", 1007},
      {"lone continuation byte", "4\x80", 1007},
      {"UTF-8 encoded surrogate", "42[\"user message\",\"\xED\xA0\x80\"]", 1007},
  };
  ChatdProcess server;
  Bystanders others(server.port());
  int round = 0;
  for (const auto& c : cases) {
    INFO(c.name);
    const std::string name = "mallory" + std::to_string(++round);
    SocketIoTestClient mallory(server.port());
    mallory.join(name);

    mallory.send_text(c.frame);
    const auto close = mallory.wait_for_close();
    CHECK(close.code == c.code);
    CHECK_FALSE(close.reason.empty());
    // Nothing but the close came back.
    CHECK(mallory.inbox_size() == 0);

    // The others hear that mallory left, then go on talking.
    chat_it::wait_for_announcement(others.alice, name + " disconnected");
    chat_it::wait_for_announcement(others.bob, name + " disconnected");
    others.still_talk(std::string("after ") + c.name);
  }
  REQUIRE(chat_it::stop_server(server, {&others.alice, &others.bob}) == 0);
}

TEST_CASE("the close reasons name the Engine.IO problem", "[malformed]") {
  ChatdProcess server;
  SocketIoTestClient unknown(server.port());
  unknown.connect();
  unknown.send_text("9");
  const auto unknown_close = unknown.wait_for_close();
  CHECK(unknown_close.code == 1002);
  CHECK(unknown_close.reason == "unknown Engine.IO packet type");

  SocketIoTestClient invalid(server.port());
  invalid.connect();
  invalid.send_text("4\xFF");
  const auto invalid_close = invalid.wait_for_close();
  CHECK(invalid_close.code == 1007);
  CHECK_THAT(invalid_close.reason, Catch::Matchers::Contains("UTF-8"));
  REQUIRE(chat_it::stop_server(server, {&unknown, &invalid}) == 0);
}

TEST_CASE("a frame larger than --max-payload closes the session with 1009", "[malformed]") {
  constexpr std::size_t kMaxPayload = 1024;
  ChatdProcess server({"--max-payload", std::to_string(kMaxPayload)});
  Bystanders others(server.port());
  SocketIoTestClient mallory(server.port());
  mallory.join("mallory");
  REQUIRE(mallory.handshake().max_payload == kMaxPayload);
  others.alice.wait_for_event(events::kNicknames);
  others.bob.wait_for_event(events::kNicknames);

  // Exactly maxPayload bytes is still fine...
  const std::string prefix = R"(42["user message",")";
  const std::string suffix = R"("])";
  const std::string fits = prefix + std::string(kMaxPayload - prefix.size() - suffix.size(), 'x') + suffix;
  REQUIRE(fits.size() == kMaxPayload);
  mallory.send_text(fits);
  const auto delivered = chat_it::event_as<events::UserMessage>(others.bob.wait_for_event(events::kUserMessage));
  CHECK(delivered.text.size() == kMaxPayload - prefix.size() - suffix.size());

  // ...one byte more is not.
  const std::string too_big = prefix + std::string(kMaxPayload + 1 - prefix.size() - suffix.size(), 'x') + suffix;
  mallory.send_text(too_big);
  const auto close = mallory.wait_for_close();
  CHECK(close.code == 1009);
  CHECK(close.reason == "Engine.IO packet exceeds maxPayload");
  chat_it::wait_for_announcement(others.alice, "mallory disconnected");
  // Alice never got the oversized message; her next message is her own exchange.
  others.still_talk("after an oversized frame");
  REQUIRE(chat_it::stop_server(server, {&others.alice, &others.bob, &mallory}) == 0);
}

TEST_CASE("bytes that are not HTTP, before any handshake, end that TCP connection only", "[malformed]") {
  ChatdProcess server;
  Bystanders others(server.port());
  const std::vector<std::pair<const char*, std::string>> cases = {
      {"binary noise", std::string("\x16\x03\x01\x00\xff\x00garbage\r\n\r\n", 17)},
      {"an Engine.IO packet without HTTP", "42[\"user message\",\"hi\"]\r\n\r\n"},
      {"a request line that is not HTTP", "HELLO /socket.io/ CHAT/9\r\n\r\n"},
  };
  for (const auto& [name, bytes] : cases) {
    INFO(name);
    const auto answer = raw_exchange(server.port(), bytes);
    // CivetWeb answers 400 (echoing the version it read, HTTP/1.0 for noise) and closes.
    const auto status_line = answer.substr(0, answer.find("\r\n"));
    CHECK_THAT(status_line, Catch::Matchers::StartsWith("HTTP/") && Catch::Matchers::EndsWith(" 400 Bad Request"));
    others.still_talk(std::string("after ") + name);
  }
  CHECK(nlohmann::json::parse(chat_it::HttpTestClient(server.port()).get("/healthz").body).at("sessions") == 2);
  REQUIRE(chat_it::stop_server(server, {&others.alice, &others.bob}) == 0);
}

TEST_CASE_METHOD(MalloryAmongOthers, "a ping flood gets a pong per ping and harms no one", "[malformed]") {
  mallory.join("mallory");
  others.alice.wait_for_event(events::kNicknames);
  others.bob.wait_for_event(events::kNicknames);
  const auto pongs_before = std::count(mallory.received().begin(), mallory.received().end(), "3");

  constexpr int kPings = 5000;
  for (int i = 0; i < kPings; ++i) mallory.send_text("2");
  // Frames are handled in order: once this is acked, every ping was answered.
  mallory.say("after the pings");
  CHECK(std::count(mallory.received().begin(), mallory.received().end(), "3") - pongs_before == kPings);
  CHECK_FALSE(mallory.closed());
  CHECK(chat_it::event_as<events::UserMessage>(others.alice.wait_for_event(events::kUserMessage)).text ==
        "after the pings");
  CHECK(chat_it::event_as<events::UserMessage>(others.bob.wait_for_event(events::kUserMessage)).text ==
        "after the pings");
  others.still_talk("after a ping flood");
  REQUIRE(stop() == 0);
}

TEST_CASE_METHOD(MalloryAmongOthers, "garbage namespaces are refused with a reason", "[malformed]") {
  mallory.open_websocket();
  REQUIRE(mallory.next_frame().rfind("0{", 0) == 0);

  // CONNECT to namespaces that do not exist.
  mallory.send_text("40/nope,");
  CHECK(mallory.next_frame() == R"(44/nope,{"message":"Invalid namespace"})");
  mallory.send_text("40/" + std::string(500, 'x') + ",");
  CHECK(mallory.next_frame() == R"(44{"message":"invalid packet: namespace name too long"})");
  mallory.send_text("40/\xE5\x90\x8D\t,");
  CHECK(mallory.next_frame() ==
        "44/\xE5\x90\x8D\t,"
        R"({"message":"Invalid namespace"})");
  // Without the leading slash, what follows is read as the JSON payload.
  mallory.send_text("40nope,");
  CHECK(mallory.next_frame() == R"(44{"message":"invalid packet: payload is not valid JSON"})");

  // Events to a namespace the client is not in.
  mallory.send_text("40");
  REQUIRE(SocketIoTestClient::decode_message(mallory.next_frame()).data.at("sid").is_string());
  mallory.join("mallory");
  others.alice.wait_for_event(events::kNicknames);
  others.bob.wait_for_event(events::kNicknames);
  mallory.send_text(R"(42/nope,["user message","hi"])");
  const auto error = chat_it::event_as<events::ChatError>(mallory.wait_for_event(events::kChatError));
  CHECK(error.reason == "invalid packet: event for namespace /nope before its CONNECT");
  CHECK_FALSE(mallory.closed());
  others.still_talk("after garbage namespaces");
  mallory.say("mallory still talks");
  CHECK(chat_it::event_as<events::UserMessage>(others.alice.wait_for_event(events::kUserMessage)).text ==
        "mallory still talks");
  REQUIRE(stop() == 0);
}

TEST_CASE_METHOD(MalloryAmongOthers, "a second CONNECT gets the same answer and changes nothing", "[malformed]") {
  mallory.join("mallory");
  others.alice.wait_for_event(events::kNicknames);
  others.bob.wait_for_event(events::kNicknames);

  mallory.send_text("40");
  CHECK(mallory.next_frame() == mallory.connect_frame());  // the same sid
  mallory.send_text(R"(40{"token":"again"})");
  CHECK(mallory.next_frame() == mallory.connect_frame());

  // Still joined as mallory, with no new join or announcement for anyone.
  mallory.say("still mallory");
  const auto message = chat_it::event_as<events::UserMessage>(others.alice.next_frame());
  CHECK(message.from == "mallory");
  CHECK(message.text == "still mallory");
  CHECK(chat_it::event_as<events::UserMessage>(others.bob.next_frame()).text == "still mallory");
  others.still_talk("after a second CONNECT");
  REQUIRE(stop() == 0);
}

TEST_CASE_METHOD(MalloryAmongOthers, "binary attachments: unwanted, missing or too many are refused with a reason",
                 "[malformed]") {
  mallory.join("mallory");
  others.alice.wait_for_event(events::kNicknames);
  others.bob.wait_for_event(events::kNicknames);
  const std::string placeholder = R"({"_placeholder":true,"num":0})";

  // A well-formed binary event: the chat takes none, and says so in the ack.
  const auto id = mallory.reserve_ack_id();
  mallory.send_text("451-" + std::to_string(id) + R"(["user message",)" + placeholder + "]");
  mallory.send_binary("\x01\x02");
  CHECK(mallory.next_frame() == "43" + std::to_string(id) + R"([{"error":"the chat takes no binary attachments"}])");

  // Announced attachments that never come: refused, and the next packet is read as usual.
  mallory.send_text(R"(452-["user message",)" + placeholder + "]");
  mallory.send_text(R"(42["nickname","again"])");
  auto error = chat_it::event_as<events::ChatError>(mallory.next_frame());
  CHECK(error.event.empty());
  CHECK(error.reason == "invalid packet: expected a binary attachment, got text");
  error = chat_it::event_as<events::ChatError>(mallory.next_frame());
  CHECK(error.event == events::kNickname);  // the nickname packet was read
  CHECK(error.reason == "You already have a nickname");

  // Absurd attachment counts.
  for (const std::string count : {"11", "99999", "99999999999999999999999"}) {
    INFO("count: " << count);
    mallory.send_text("45" + count + R"(-["user message",)" + placeholder + "]");
    error = chat_it::event_as<events::ChatError>(mallory.next_frame());
    CHECK(error.reason == "invalid packet: too many binary attachments");
  }
  // A binary frame nobody announced.
  mallory.send_binary("\x01");
  error = chat_it::event_as<events::ChatError>(mallory.next_frame());
  CHECK(error.reason == "invalid packet: unexpected binary attachment");

  CHECK_FALSE(mallory.closed());
  others.still_talk("after attachment games");
  mallory.say("mallory still talks");
  CHECK(chat_it::event_as<events::UserMessage>(others.alice.wait_for_event(events::kUserMessage)).text ==
        "mallory still talks");
  REQUIRE(stop() == 0);
}
