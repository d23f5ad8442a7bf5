// Engine.IO open packet and Socket.IO namespace connection, against the real chatd.

#include <catch2/catch.hpp>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <nlohmann/json.hpp>

#include "chatd_process.hpp"
#include "socketio_test_client.hpp"
#include "test_support.hpp"

using chat_it::ChatdProcess;
using chat_it::SocketIoTestClient;
using nlohmann::json;

TEST_CASE("the open packet advertises the default heartbeat and payload limit", "[handshake]") {
  ChatdProcess server;
  SocketIoTestClient client(server.port());
  client.open_websocket();

  const std::string open = client.next_frame();
  REQUIRE(open.rfind("0{", 0) == 0);
  const json body = json::parse(open.substr(1));
  REQUIRE(body.at("sid").is_string());
  CHECK_FALSE(body.at("sid").get<std::string>().empty());
  CHECK(body.at("upgrades") == json::array());
  CHECK(body.at("pingInterval") == 25000);
  CHECK(body.at("pingTimeout") == 20000);
  CHECK(body.at("maxPayload") == 1000000);

  client.send_text("40");
  const std::string connected = client.next_frame();
  REQUIRE(connected.rfind("40{", 0) == 0);
  const json connect_body = json::parse(connected.substr(2));
  REQUIRE(connect_body.size() == 2);
  const auto socket_id = connect_body.at("sid").get<std::string>();
  CHECK(connect_body.at("pid").get<std::string>().size() >= 20);  // connection state recovery
  CHECK_FALSE(socket_id.empty());
  // The Socket.IO id is not the Engine.IO session id.
  CHECK(socket_id != body.at("sid").get<std::string>());

  REQUIRE(chat_it::stop_server(server, {&client}) == 0);
}

TEST_CASE("the open packet reflects the heartbeat and payload options", "[handshake]") {
  ChatdProcess server({"--ping-interval", "700", "--ping-timeout", "900", "--max-payload", "4096"});
  SocketIoTestClient client(server.port());
  client.connect();
  CHECK(client.handshake().ping_interval_ms == 700);
  CHECK(client.handshake().ping_timeout_ms == 900);
  CHECK(client.handshake().max_payload == 4096);
  CHECK_FALSE(client.handshake().can_upgrade_to_websocket);
  REQUIRE(chat_it::stop_server(server, {&client}) == 0);
}

TEST_CASE("every connection gets its own session and socket ids", "[handshake]") {
  ChatdProcess server;
  SocketIoTestClient first(server.port());
  SocketIoTestClient second(server.port());
  first.connect();
  second.connect();
  CHECK(first.handshake().sid != second.handshake().sid);
  CHECK(first.socket_id() != second.socket_id());
  REQUIRE(chat_it::stop_server(server, {&first, &second}) == 0);
}

TEST_CASE("an unknown namespace is refused and the main namespace still connects", "[handshake]") {
  ChatdProcess server;
  SocketIoTestClient client(server.port());
  client.open_websocket();
  REQUIRE(client.next_frame().rfind("0{", 0) == 0);

  client.send_text("40/admin,");
  CHECK(client.next_frame() == R"(44/admin,{"message":"Invalid namespace"})");

  client.send_text("40");
  CHECK(json::parse(client.next_frame().substr(2)).at("sid").is_string());
  CHECK_FALSE(client.closed());
  REQUIRE(chat_it::stop_server(server, {&client}) == 0);
}

TEST_CASE("events before connecting to the namespace get a CONNECT_ERROR", "[handshake]") {
  ChatdProcess server;
  SocketIoTestClient client(server.port());
  client.open_websocket();
  REQUIRE(client.next_frame().rfind("0{", 0) == 0);

  client.send_text(R"(421["nickname","alice"])");
  const std::string refusal = client.next_frame();
  CHECK(refusal.rfind("44{\"message\":", 0) == 0);
  const auto packet = SocketIoTestClient::decode_message(refusal);
  CHECK(packet.type == codec::sio::PacketType::ConnectError);
  CHECK_FALSE(packet.data.at("message").get<std::string>().empty());

  // Still usable: connect and join.
  client.send_text("40");
  CHECK(json::parse(client.next_frame().substr(2)).at("sid").is_string());
  client.join("alice");
  REQUIRE(chat_it::stop_server(server, {&client}) == 0);
}

TEST_CASE("a client's close frame is answered with a close frame carrying its code", "[handshake]") {
  // RFC 6455 5.5.1. Beast's close() waits for the answer and fails when the
  // server only drops the TCP connection.
  namespace beast = boost::beast;
  ChatdProcess server;
  boost::asio::io_context io;
  beast::websocket::stream<beast::tcp_stream> ws(io);
  beast::get_lowest_layer(ws).expires_after(std::chrono::seconds(3));
  beast::get_lowest_layer(ws).connect(
      boost::asio::ip::tcp::endpoint(boost::asio::ip::address_v4::loopback(), server.port()));
  ws.handshake("127.0.0.1:" + std::to_string(server.port()), SocketIoTestClient::kDefaultTarget);
  beast::flat_buffer buffer;
  ws.read(buffer);  // the open packet
  ws.write(boost::asio::buffer(std::string("40")));
  buffer.clear();
  ws.read(buffer);  // the namespace CONNECT
  beast::error_code error;
  ws.close(beast::websocket::close_reason(beast::websocket::close_code::going_away), error);
  CHECK_FALSE(error);
  CHECK(ws.reason().code == beast::websocket::close_code::going_away);
}

TEST_CASE("a WebSocket handshake with a missing or wrong EIO is declined with Engine.IO's error", "[handshake]") {
  ChatdProcess server;
  for (const std::string query :
       {"transport=websocket", "EIO=&transport=websocket", "EIO=5&transport=websocket", "EIO=4x&transport=websocket"}) {
    INFO(query);
    SocketIoTestClient client(server.port());
    CHECK_FALSE(client.try_open_websocket("/socket.io/?" + query));
    CHECK(client.upgrade_response().result_int() == 400);
    CHECK(client.upgrade_response().body() == R"({"code":5,"message":"Unsupported protocol version"})");
  }
  SocketIoTestClient good(server.port());
  good.join("alice");
  REQUIRE(chat_it::stop_server(server, {&good}) == 0);
}
