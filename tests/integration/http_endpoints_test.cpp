// Plain HTTP in headless mode: no page, a health check, and Engine.IO's
// handshake errors for requests that are not a supported WebSocket upgrade.

#include <catch2/catch.hpp>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "chatd_process.hpp"
#include "codec/engineio_packet.hpp"
#include "http_test_client.hpp"
#include "socketio_test_client.hpp"
#include "test_support.hpp"

using chat_it::ChatdProcess;
using chat_it::HttpTestClient;
using chat_it::SocketIoTestClient;
using nlohmann::json;

namespace {

// Engine.IO's error bodies, and a request that must get one (with status 400).
constexpr const char* kUnsupportedVersion = R"({"code":5,"message":"Unsupported protocol version"})";
constexpr const char* kTransportUnknown = R"({"code":0,"message":"Transport unknown"})";
constexpr const char* kBadRequest = R"({"code":3,"message":"Bad request"})";
constexpr const char* kUnknownSession = R"({"code":1,"message":"Session ID unknown"})";
struct BadQuery {
  std::string target;
  std::string body;
};

}  // namespace

TEST_CASE("headless chatd serves no page at /", "[http]") {
  ChatdProcess server;
  const auto response = HttpTestClient(server.port()).get("/");
  CHECK(response.status == 404);
  CHECK(response.content_type == "application/json");
  const auto body = json::parse(response.body);
  CHECK_THAT(body.at("message").get<std::string>(), Catch::Matchers::Contains("headless"));
  REQUIRE(chat_it::stop_server(server, {}) == 0);
}

TEST_CASE("/healthz reports ok and counts the sessions", "[http]") {
  ChatdProcess server;
  HttpTestClient http(server.port());
  const auto idle = http.get("/healthz");
  CHECK(idle.status == 200);
  CHECK(idle.content_type == "application/json");
  CHECK(idle.body.find(R"("status":"ok")") != std::string::npos);
  CHECK(json::parse(idle.body).at("sessions") == 0);

  SocketIoTestClient client(server.port());
  client.connect();
  CHECK(json::parse(http.get("/healthz").body).at("sessions") == 1);
  client.close();
  // The session goes once the WebSocket is closed.
  bool gone = false;
  for (int i = 0; i < 50 && !gone; ++i) {
    gone = json::parse(http.get("/healthz").body).at("sessions") == 0;
    if (!gone) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  CHECK(gone);
  REQUIRE(chat_it::stop_server(server, {&client}) == 0);
}

TEST_CASE("Socket.IO HTTP requests with a bad query get Engine.IO errors", "[http]") {
  const std::vector<BadQuery> cases = {
      {"/socket.io/?EIO=3&transport=websocket", kUnsupportedVersion},
      {"/socket.io/?EIO=3&transport=polling", kUnsupportedVersion},
      {"/socket.io/?transport=websocket", kUnsupportedVersion},
      {"/socket.io/?EIO=4&transport=carrier-pigeon", kTransportUnknown},
      {"/socket.io/?EIO=4", kTransportUnknown},
      // The WebSocket URL without the Upgrade headers is no WebSocket.
      {"/socket.io/?EIO=4&transport=websocket", kBadRequest},
      {"/socket.io/?EIO=4&transport=polling&sid=unknown", kUnknownSession},
  };
  ChatdProcess server;
  for (const auto& c : cases) {
    INFO(c.target);
    const auto response = HttpTestClient(server.port()).get(c.target);
    CHECK(response.status == 400);
    CHECK(response.content_type == "application/json");
    CHECK(response.body == c.body);
  }
  REQUIRE(chat_it::stop_server(server, {}) == 0);
}

TEST_CASE("a long-polling handshake answers the open packet offering the WebSocket upgrade", "[http]") {
  ChatdProcess server;
  const auto response = HttpTestClient(server.port()).get("/socket.io/?EIO=4&transport=polling");
  CHECK(response.status == 200);
  REQUIRE(response.body.rfind("0{", 0) == 0);
  const auto handshake = codec::eio::decode_open(std::string_view(response.body).substr(1));
  REQUIRE(handshake);
  CHECK_FALSE(handshake->sid.empty());
  CHECK(handshake->can_upgrade_to_websocket);
  CHECK(json::parse(response.body.substr(1)).at("upgrades") == json::array({"websocket"}));
  REQUIRE(chat_it::stop_server(server, {}) == 0);
}

TEST_CASE("WebSocket upgrades with a wrong query are declined with HTTP 400", "[http]") {
  const std::vector<BadQuery> cases = {
      {"/socket.io/?EIO=3&transport=websocket", kUnsupportedVersion},
      {"/socket.io/?EIO=4&transport=carrier-pigeon", kTransportUnknown},
      {"/socket.io/?EIO=4&transport=polling", kBadRequest},
  };
  ChatdProcess server;
  for (const auto& c : cases) {
    INFO(c.target);
    SocketIoTestClient client(server.port());
    CHECK_FALSE(client.try_open_websocket(c.target));
    CHECK(client.upgrade_response().result_int() == 400);
    CHECK(client.upgrade_response().body() == c.body);
  }

  // The server is fine: a proper client connects.
  SocketIoTestClient good(server.port());
  good.connect();
  REQUIRE(chat_it::stop_server(server, {&good}) == 0);
}

TEST_CASE("a WebSocket naming an unknown session id never gets a session", "[http]") {
  ChatdProcess server;
  SocketIoTestClient client(server.port());
  if (client.try_open_websocket("/socket.io/?EIO=4&transport=websocket&sid=unknown-session")) {
    // Accepted then closed, as Node's engine.io does.
    const auto close = client.wait_for_close();
    CHECK(close.code >= 1000);
    CHECK(client.inbox_size() == 0);  // no open packet, no session
  } else {
    CHECK(client.upgrade_response().result_int() == 400);
    CHECK(client.upgrade_response().body() == kUnknownSession);
  }
  CHECK(json::parse(HttpTestClient(server.port()).get("/healthz").body).at("sessions") == 0);
  REQUIRE(chat_it::stop_server(server, {&client}) == 0);
}
