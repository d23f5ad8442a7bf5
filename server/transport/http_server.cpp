#include "transport/http_server.hpp"

#include <civetweb.h>

#include <cstring>
#include <memory>
#include <variant>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "transport/polling_connection.hpp"
#include "transport/websocket_connection.hpp"

namespace chatd::transport {

namespace {

constexpr const char* kSocketIoPath = "/socket.io/";

// The security headers every response carries.
constexpr const char* kHeaders =
    "X-Content-Type-Options: nosniff\r\n"
    "Referrer-Policy: no-referrer";

void send_json(mg_connection* conn, int status, const std::string& body) {
  mg_printf(conn,
            "HTTP/1.1 %d %s\r\n"
            "Content-Type: application/json\r\n"
            "Content-Length: %zu\r\n"
            "Cache-Control: no-store\r\n"
            "Connection: close\r\n\r\n",
            status, mg_get_response_code_text(conn, status), body.size());
  mg_write(conn, body.data(), body.size());
}

struct EngineIoQuery {
  std::string transport;
  std::string sid;  // empty on a new session
};

// Reads EIO, transport and sid; an error is Engine.IO's JSON for HTTP 400.
std::variant<EngineIoQuery, std::string> read_query(const mg_request_info* info) {
  const char* query = info->query_string ? info->query_string : "";
  const std::size_t length = std::strlen(query);
  char value[64];
  if (mg_get_var(query, length, "EIO", value, sizeof value) <= 0 || std::string_view(value) != "4") {
    return std::string(R"({"code":5,"message":"Unsupported protocol version"})");
  }
  EngineIoQuery parsed;
  if (mg_get_var(query, length, "transport", value, sizeof value) > 0) parsed.transport = value;
  if (parsed.transport != "websocket" && parsed.transport != "polling") {
    return std::string(R"({"code":0,"message":"Transport unknown"})");
  }
  const int sid_length = mg_get_var(query, length, "sid", value, sizeof value);
  if (sid_length == -2 || sid_length == -3) return std::string(R"({"code":1,"message":"Session ID unknown"})");
  if (sid_length > 0) parsed.sid = value;
  return parsed;
}

constexpr const char* kUnknownSession = R"({"code":1,"message":"Session ID unknown"})";
constexpr const char* kBadRequest = R"({"code":3,"message":"Bad request"})";

void send_text(mg_connection* conn, const std::string& body) {
  mg_printf(conn,
            "HTTP/1.1 200 OK\r\n"
            "Content-Type: text/plain; charset=UTF-8\r\n"
            "Content-Length: %zu\r\n"
            "Cache-Control: no-store\r\n\r\n",
            body.size());
  mg_write(conn, body.data(), body.size());
}

}  // namespace

HttpServer::HttpServer(HttpConfig config, eio::EngineIoServer& engine, HealthCheck health)
    : config_(std::move(config)), engine_(engine), health_(std::move(health)) {
  const std::string listen =
      (config_.bind_address.empty() ? std::string() : config_.bind_address + ":") + std::to_string(config_.port);
  const std::string threads = std::to_string(config_.max_connections + 16);
  const std::string idle = std::to_string(config_.idle_timeout_ms);
  std::vector<const char*> options = {
      "listening_ports", listen.c_str(),
      "num_threads", threads.c_str(),
      "websocket_timeout_ms", idle.c_str(),
      "request_timeout_ms", "15000",
      "enable_directory_listing", "no",
      "additional_header", kHeaders,
  };
  std::string root;
  if (config_.www) {
    root = config_.www->string();
    options.push_back("document_root");
    options.push_back(root.c_str());
    options.push_back("index_files");
    options.push_back("index.html");
  }
  options.push_back(nullptr);

  mg_callbacks callbacks{};
  context_ = mg_start(&callbacks, this, options.data());
  if (!context_) {
    throw std::runtime_error("cannot listen on " + listen + " (port in use, or bad address?)");
  }
  mg_set_websocket_handler(context_, kSocketIoPath, on_ws_connect, on_ws_ready, on_ws_data, on_ws_close, this);
  mg_set_request_handler(context_, kSocketIoPath, on_socketio_http, this);
  mg_set_request_handler(context_, "/healthz$", on_healthz, this);
  if (!config_.www) mg_set_request_handler(context_, "/$", on_headless_root, this);

  mg_server_port ports[4] = {};
  const int count = mg_get_server_ports(context_, 4, ports);
  port_ = count > 0 ? ports[0].port : config_.port;
}

HttpServer::~HttpServer() { stop(); }

void HttpServer::stop() {
  if (context_) {
    mg_stop(context_);
    context_ = nullptr;
  }
}

int HttpServer::on_ws_connect(const mg_connection* conn, void* self) {
  auto& server = *static_cast<HttpServer*>(self);
  auto* writable = const_cast<mg_connection*>(conn);
  const auto query = read_query(mg_get_request_info(conn));
  if (const auto* error = std::get_if<std::string>(&query)) {
    send_json(writable, 400, *error);
    return 1;
  }
  const auto& parsed = std::get<EngineIoQuery>(query);
  if (parsed.transport != "websocket") {
    send_json(writable, 400, kBadRequest);
    return 1;
  }
  if (!parsed.sid.empty()) {
    // An upgrade: only a session that is still long-polling may take it.
    const auto session = server.engine_.find(parsed.sid);
    if (!session || !std::dynamic_pointer_cast<PollingConnection>(session->sink())) {
      send_json(writable, 400, kUnknownSession);
      return 1;
    }
  }
  return 0;
}

void HttpServer::on_ws_ready(mg_connection* conn, void* self) {
  auto& server = *static_cast<HttpServer*>(self);
  auto connection = std::make_shared<WebSocketConnection>(conn);
  // The shared_ptr travels through CivetWeb's void* slot; freed in on_ws_close.
  auto* holder = new std::shared_ptr<WebSocketConnection>(connection);
  mg_set_user_connection_data(conn, holder);
  const auto query = read_query(mg_get_request_info(conn));
  const auto* parsed = std::get_if<EngineIoQuery>(&query);
  if (parsed && !parsed->sid.empty()) {
    connection->upgrading = server.engine_.find(parsed->sid);
    return;
  }
  connection->session = server.engine_.open(connection);
}

// The upgrade dance: "2probe" -> "3probe", then "5" moves the session here.
void HttpServer::continue_upgrade(WebSocketConnection& connection, std::string_view frame) {
  const auto polling = std::dynamic_pointer_cast<PollingConnection>(connection.upgrading->sink());
  if (!polling) {  // upgraded meanwhile by another WebSocket
    connection.upgrading.reset();
    return;
  }
  if (frame == "2probe") {
    connection.write_text("3probe");
    polling->probing();
    return;
  }
  if (frame != "5") return;  // nothing else is meaningful before the upgrade
  auto session = std::move(connection.upgrading);
  connection.upgrading.reset();
  polling->upgraded(connection.shared_from_this());
  session->replace_sink(connection.shared_from_this());
  connection.session = std::move(session);
}

int HttpServer::on_ws_data(mg_connection* conn, int bits, char* data, std::size_t length, void* self) {
  auto& server = *static_cast<HttpServer*>(self);
  auto* holder = static_cast<std::shared_ptr<WebSocketConnection>*>(mg_get_user_connection_data(conn));
  if (!holder) return 0;
  auto& connection = **holder;
  if (connection.upgrading) {
    if ((bits & 0x0F) == MG_WEBSOCKET_OPCODE_TEXT) continue_upgrade(connection, std::string_view(data, length));
    return (bits & 0x0F) != MG_WEBSOCKET_OPCODE_CONNECTION_CLOSE;
  }
  if (!connection.session) return 0;
  auto& session = *connection.session;
  const int opcode = bits & 0x0F;
  const bool final_fragment = (bits & 0x80) != 0;
  const std::size_t max_payload = server.engine_.config().max_payload;

  switch (opcode) {
    case MG_WEBSOCKET_OPCODE_CONNECTION_CLOSE:
      return 0;
    case MG_WEBSOCKET_OPCODE_PING:
    case MG_WEBSOCKET_OPCODE_PONG:
      return 1;
    case MG_WEBSOCKET_OPCODE_TEXT:
    case MG_WEBSOCKET_OPCODE_BINARY:
      if (final_fragment) {
        connection.fragments.clear();
        if (opcode == MG_WEBSOCKET_OPCODE_TEXT) {
          server.engine_.on_text_frame(session, std::string_view(data, length));
        } else {
          server.engine_.on_binary_frame(session, std::string_view(data, length));
        }
        return 1;
      }
      connection.fragments.assign(data, length);
      connection.fragments_binary = opcode == MG_WEBSOCKET_OPCODE_BINARY;
      break;
    case MG_WEBSOCKET_OPCODE_CONTINUATION:
      connection.fragments.append(data, length);
      break;
    default:
      session.close(eio::close_code::kProtocolError, "unknown WebSocket opcode");
      return 1;
  }
  if (connection.fragments.size() > max_payload) {
    connection.fragments.clear();
    session.close(eio::close_code::kTooBig, "Engine.IO packet exceeds maxPayload");
    return 1;
  }
  if (final_fragment) {
    const std::string message = std::move(connection.fragments);
    connection.fragments.clear();
    if (connection.fragments_binary) {
      server.engine_.on_binary_frame(session, message);
    } else {
      server.engine_.on_text_frame(session, message);
    }
  }
  return 1;
}

void HttpServer::on_ws_close(const mg_connection* conn, void* self) {
  auto& server = *static_cast<HttpServer*>(self);
  auto* holder = static_cast<std::shared_ptr<WebSocketConnection>*>(mg_get_user_connection_data(conn));
  if (!holder) return;
  (*holder)->detach();
  if ((*holder)->session) server.engine_.on_transport_closed(*(*holder)->session);
  (*holder)->session.reset();
  delete holder;
}

int HttpServer::on_socketio_http(mg_connection* conn, void* self) {
  auto& server = *static_cast<HttpServer*>(self);
  const auto* info = mg_get_request_info(conn);
  const auto query = read_query(info);
  if (const auto* error = std::get_if<std::string>(&query)) {
    send_json(conn, 400, *error);
    return 400;
  }
  const auto& parsed = std::get<EngineIoQuery>(query);
  const std::string_view method = info->request_method ? info->request_method : "";
  if (parsed.transport != "polling") {  // a WebSocket URL without the upgrade headers
    send_json(conn, 400, kBadRequest);
    return 400;
  }
  if (parsed.sid.empty()) {
    if (method != "GET") {
      send_json(conn, 400, R"({"code":2,"message":"Bad handshake method"})");
      return 400;
    }
    return server.open_polling_session(conn);
  }
  const auto session = server.engine_.find(parsed.sid);
  const auto polling = session ? std::dynamic_pointer_cast<PollingConnection>(session->sink()) : nullptr;
  if (!polling) {
    send_json(conn, 400, session ? kBadRequest : kUnknownSession);
    return 400;
  }
  if (method == "GET") return server.poll(conn, *session, *polling);
  if (method == "POST") return server.receive_payload(conn, *session);
  send_json(conn, 400, kBadRequest);
  return 400;
}

int HttpServer::open_polling_session(mg_connection* conn) {
  auto polling = std::make_shared<PollingConnection>(engine_.config().max_queued_bytes);
  auto session = engine_.open(polling, /*upgradable=*/true);
  // With no socket to report the end, the session ends when the server closes it.
  polling->set_on_closed([this, weak = std::weak_ptr<eio::Session>(session)] {
    if (auto owned = weak.lock()) engine_.on_transport_closed(*owned);
  });
  return poll(conn, *session, *polling);
}

int HttpServer::poll(mg_connection* conn, eio::Session& session, PollingConnection& polling) {
  // Pings arrive every pingInterval, so a GET normally ends with data before this.
  const auto wait = engine_.config().ping_interval + engine_.config().ping_timeout;
  auto payload = polling.poll(wait);
  if (!payload) {
    // Two GETs at once break the protocol: end the session, as Engine.IO does.
    session.close(eio::close_code::kProtocolError, "overlapping GET requests");
    send_json(conn, 400, kBadRequest);
    return 400;
  }
  send_text(conn, *payload);
  return 200;
}

int HttpServer::receive_payload(mg_connection* conn, eio::Session& session) {
  const auto* info = mg_get_request_info(conn);
  const std::size_t max_payload = engine_.config().max_payload;
  if (info->content_length < 0 || static_cast<std::size_t>(info->content_length) > max_payload) {
    // Engine.IO closes a session that sends more than maxPayload.
    session.close(eio::close_code::kTooBig, "payload exceeds maxPayload");
    send_json(conn, 413, R"({"code":3,"message":"Payload too large"})");
    return 413;
  }
  std::string body(static_cast<std::size_t>(info->content_length), '\0');
  std::size_t received = 0;
  while (received < body.size()) {
    const int n = mg_read(conn, body.data() + received, body.size() - received);
    if (n <= 0) break;
    received += static_cast<std::size_t>(n);
  }
  body.resize(received);
  auto packets = ::chat::eio::decode_payload(body, max_payload);
  if (!packets) {
    session.close(eio::close_code::kProtocolError, packets.error().reason);
    send_json(conn, 400, kBadRequest);
    return 400;
  }
  for (const auto& packet : *packets) {
    engine_.on_packet(session, packet);
  }
  send_text(conn, "ok");
  return 200;
}

int HttpServer::on_healthz(mg_connection* conn, void* self) {
  auto& server = *static_cast<HttpServer*>(self);
  std::string detail;
  const bool healthy = !server.health_ || server.health_(detail);
  nlohmann::json body = {{"status", healthy ? "ok" : "unhealthy"},
                         {"sessions", server.engine_.session_count()}};
  if (!detail.empty()) body["detail"] = detail;
  send_json(conn, healthy ? 200 : 503, body.dump());
  return healthy ? 200 : 503;
}

int HttpServer::on_headless_root(mg_connection* conn, void*) {
  send_json(conn, 404, R"({"message":"chatd runs headless: no page here; Socket.IO is at /socket.io/"})");
  return 404;
}

}  // namespace chatd::transport
