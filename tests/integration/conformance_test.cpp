// chatd --conformance: the reference servers of the Socket.IO and Engine.IO
// protocol test suites, checked here from the specifications' packet tables
// so that CI covers what the official suites check (README: how to run those).

#include <catch2/catch.hpp>

#include <chrono>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "chatd_process.hpp"
#include "http_test_client.hpp"
#include "socketio_test_client.hpp"

using namespace chat_it;
using namespace std::chrono_literals;

namespace {

const std::string kEngine = "/engine.io/?EIO=4&transport=polling";

// Opens a long-polling session on the Engine.IO echo; returns its sid.
std::string open_polling(const HttpTestClient& http) {
  const auto response = http.get(kEngine);
  REQUIRE(response.status == 200);
  REQUIRE(response.body.front() == '0');
  return nlohmann::json::parse(response.body.substr(1))["sid"].get<std::string>();
}

std::string with_sid(const std::string& sid) { return kEngine + "&sid=" + sid; }

// WebSocket to the Socket.IO reference server, through "40" and the "auth" echo.
void connect_main(SocketIoTestClient& client) {
  client.open_websocket();
  REQUIRE(client.next_frame().front() == '0');
  client.send_text("40");
  REQUIRE(client.next_frame().rfind("40{\"sid\":", 0) == 0);
  REQUIRE(client.next_frame() == R"(42["auth",{}])");
}

}  // namespace

TEST_CASE("conformance: the long-polling handshake advertises the reference settings") {
  ChatdProcess chatd({"--conformance"});
  HttpTestClient http(chatd.port());
  const auto response = http.get(kEngine);
  REQUIRE(response.status == 200);
  const auto open = nlohmann::json::parse(response.body.substr(1));
  CHECK(open["upgrades"] == nlohmann::json::array({"websocket"}));
  CHECK(open["pingInterval"] == 300);
  CHECK(open["pingTimeout"] == 200);
  CHECK(open["maxPayload"] == 1000000);
  CHECK(open["sid"].is_string());

  CHECK(http.get("/engine.io/?transport=polling").status == 400);
  CHECK(http.get("/engine.io/?EIO=abc&transport=polling").status == 400);
  CHECK(http.get("/engine.io/?EIO=4").status == 400);
  CHECK(http.get("/engine.io/?EIO=4&transport=abc").status == 400);
  CHECK(http.post(kEngine, "").status == 400);  // a handshake is a GET
}

TEST_CASE("conformance: long-polling payloads echo text and base64 binary packets") {
  ChatdProcess chatd({"--conformance"});
  HttpTestClient http(chatd.port());
  const auto sid = open_polling(http);
  const auto pushed = http.post(with_sid(sid),
                                "4hello\x1e"
                                "bAQIDBA==\x1e"
                                "4test");
  CHECK(pushed.status == 200);
  CHECK(pushed.body == "ok");
  const auto polled = http.get(with_sid(sid));
  CHECK(polled.status == 200);
  CHECK(polled.body ==
        "4hello\x1e"
        "bAQIDBA==\x1e"
        "4test");
}

TEST_CASE("conformance: an invalid payload or a second concurrent poll ends the session") {
  ChatdProcess chatd({"--conformance"});
  HttpTestClient http(chatd.port());

  auto sid = open_polling(http);
  CHECK(http.post(with_sid(sid), "abc").status == 400);
  CHECK(http.get(with_sid(sid)).status == 400);

  sid = open_polling(http);
  HttpTestClient::Response first;
  std::thread waiting([&] { first = http.get(with_sid(sid)); });
  std::this_thread::sleep_for(50ms);
  CHECK(http.get(with_sid(sid)).status == 400);
  waiting.join();
  CHECK(first.status == 200);
  CHECK(first.body == "1");  // the close packet
  CHECK(http.get(with_sid(sid)).status == 400);
}

TEST_CASE("conformance: heartbeat over long-polling, and the ping timeout") {
  ChatdProcess chatd({"--conformance"});
  HttpTestClient http(chatd.port());
  const auto sid = open_polling(http);
  for (int i = 0; i < 3; ++i) {
    CHECK(http.get(with_sid(sid)).body == "2");
    CHECK(http.post(with_sid(sid), "3").status == 200);
  }
  const auto silent = open_polling(http);
  std::this_thread::sleep_for(600ms);  // pingInterval + pingTimeout, and then some
  CHECK(http.get(with_sid(silent)).status == 400);
}

TEST_CASE("conformance: a close packet from the client ends the waiting poll with a noop") {
  ChatdProcess chatd({"--conformance"});
  HttpTestClient http(chatd.port());
  const auto sid = open_polling(http);
  HttpTestClient::Response waiting_poll;
  std::thread waiting([&] { waiting_poll = http.get(with_sid(sid)); });
  std::this_thread::sleep_for(50ms);
  CHECK(http.post(with_sid(sid), "1").status == 200);
  waiting.join();
  CHECK(waiting_poll.body == "6");
  CHECK(http.get(with_sid(sid)).status == 400);
}

TEST_CASE("conformance: upgrade from long-polling to WebSocket") {
  ChatdProcess chatd({"--conformance"});
  HttpTestClient http(chatd.port());
  const auto sid = open_polling(http);
  SocketIoTestClient ws(chatd.port());
  ws.set_auto_pong(false);
  ws.open_websocket("/engine.io/?EIO=4&transport=websocket&sid=" + sid);
  ws.send_text("2probe");
  CHECK(ws.next_frame() == "3probe");
  CHECK(http.get(with_sid(sid)).body == "6");  // the poll ends so the client can pause it
  ws.send_text("5");
  ws.send_text("4hello");
  CHECK(ws.next_frame() == "4hello");
  CHECK(http.get(with_sid(sid)).status == 400);  // the session left long-polling

  SocketIoTestClient late(chatd.port());
  if (late.try_open_websocket("/engine.io/?EIO=4&transport=websocket&sid=" + sid)) {
    const auto close = late.wait_for_close();
    CHECK(close.code == 1008);
  }
}

TEST_CASE("conformance: WebSocket echo of text and binary, close on a bad packet") {
  ChatdProcess chatd({"--conformance"});
  SocketIoTestClient ws(chatd.port());
  ws.open_websocket("/engine.io/?EIO=4&transport=websocket");
  REQUIRE(ws.next_frame().front() == '0');
  ws.send_text("4hello");
  CHECK(ws.next_frame() == "4hello");
  ws.send_binary(std::string("\x01\x02\x03\x04", 4));
  CHECK(ws.next_frame() == std::string("\x01\x02\x03\x04", 4));
  ws.send_text("abc");
  CHECK(ws.wait_for_close().code == 1002);
}

TEST_CASE("conformance: Socket.IO namespaces, auth echo and refusal of unknown namespaces") {
  ChatdProcess chatd({"--conformance"});
  SocketIoTestClient main_ns(chatd.port());
  main_ns.open_websocket();
  REQUIRE(main_ns.next_frame().front() == '0');
  main_ns.send_text(R"(40{"token":"123"})");
  const auto connected = main_ns.next_frame();
  REQUIRE(connected.rfind("40", 0) == 0);
  CHECK(nlohmann::json::parse(connected.substr(2)).size() == 1);  // only "sid"
  CHECK(main_ns.next_frame() == R"(42["auth",{"token":"123"}])");

  main_ns.send_text(R"(40/custom,{"token":"abc"})");
  CHECK(main_ns.next_frame().rfind("40/custom,{\"sid\":", 0) == 0);
  CHECK(main_ns.next_frame() == R"(42/custom,["auth",{"token":"abc"}])");

  main_ns.send_text("40/random");
  CHECK(main_ns.next_frame() == R"(44/random,{"message":"Invalid namespace"})");

  // Leaving /custom keeps the main namespace.
  main_ns.send_text("41/custom");
  main_ns.send_text(R"(42["message","to main"])");
  CHECK(main_ns.next_frame() == R"(42["message-back","to main"])");
}

TEST_CASE("conformance: events, acks and binary attachments come back as the reference server sends them") {
  ChatdProcess chatd({"--conformance"});
  SocketIoTestClient client(chatd.port());
  connect_main(client);

  client.send_text(R"(42["message",1,"2",{"3":[true]}])");
  CHECK(client.next_frame() == R"(42["message-back",1,"2",{"3":[true]}])");

  client.send_text(R"(42456["message-with-ack",1,"2",{"3":[false]}])");
  CHECK(client.next_frame() == R"(43456[1,"2",{"3":[false]}])");

  client.send_text(R"(452-["message",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}])");
  client.send_binary(std::string("\x01\x02\x03", 3));
  client.send_binary(std::string("\x04\x05\x06", 3));
  CHECK(client.next_frame() == R"(452-["message-back",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}])");
  CHECK(client.next_frame() == std::string("\x01\x02\x03", 3));
  CHECK(client.next_frame() == std::string("\x04\x05\x06", 3));

  client.send_text(R"(452-789["message-with-ack",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}])");
  client.send_binary(std::string("\x01\x02\x03", 3));
  client.send_binary(std::string("\x04\x05\x06", 3));
  CHECK(client.next_frame() == R"(462-789[{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}])");
  CHECK(client.next_frame() == std::string("\x01\x02\x03", 3));
  CHECK(client.next_frame() == std::string("\x04\x05\x06", 3));
}

TEST_CASE("conformance: invalid packets close the connection, as the reference server does") {
  ChatdProcess chatd({"--conformance"});
  for (const char* bad : {"4abc", "42{}", R"(42abc["message-with-ack",1])"}) {
    INFO(bad);
    SocketIoTestClient client(chatd.port());
    connect_main(client);
    client.send_text(bad);
    CHECK(client.wait_for_close().code == 1002);
  }
}

TEST_CASE("conformance: a connection without a Socket.IO CONNECT is closed after the connect timeout") {
  ChatdProcess chatd({"--conformance"});
  SocketIoTestClient client(chatd.port());
  client.open_websocket();
  const auto started = std::chrono::steady_clock::now();
  const auto close = client.wait_for_close(3000ms);
  const auto waited = std::chrono::steady_clock::now() - started;
  CHECK(close.code == 1008);
  CHECK(waited >= 900ms);  // connectTimeout is 1000 ms
}
