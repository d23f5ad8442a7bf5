#include "transport/http_server.hpp"

#include <civetweb.h>

#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

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

// Engine.IO's handshake errors: {"code": n, "message": ...} with HTTP 400.
std::optional<std::string> check_handshake_query(const mg_request_info* info, bool websocket) {
  const char* query = info->query_string ? info->query_string : "";
  const std::size_t length = std::strlen(query);
  char value[32];
  if (mg_get_var(query, length, "EIO", value, sizeof value) <= 0 || std::string(value) != "4") {
    return R"({"code":5,"message":"Unsupported protocol version"})";
  }
  if (mg_get_var(query, length, "transport", value, sizeof value) <= 0 ||
      std::string(value) != "websocket" || !websocket) {
    return R"({"code":0,"message":"Transport unknown"})";
  }
  if (mg_get_var(query, length, "sid", value, sizeof value) > 0) {
    return R"({"code":1,"message":"Session ID unknown"})";
  }
  return std::nullopt;
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

int HttpServer::on_ws_connect(const mg_connection* conn, void*) {
  if (auto error = check_handshake_query(mg_get_request_info(conn), true)) {
    send_json(const_cast<mg_connection*>(conn), 400, *error);
    return 1;
  }
  return 0;
}

void HttpServer::on_ws_ready(mg_connection* conn, void* self) {
  auto& server = *static_cast<HttpServer*>(self);
  auto connection = std::make_shared<WebSocketConnection>(conn);
  // The shared_ptr travels through CivetWeb's void* slot; freed in on_ws_close.
  auto* holder = new std::shared_ptr<WebSocketConnection>(connection);
  mg_set_user_connection_data(conn, holder);
  connection->session = server.engine_.open(connection);
}

int HttpServer::on_ws_data(mg_connection* conn, int bits, char* data, std::size_t length, void* self) {
  auto& server = *static_cast<HttpServer*>(self);
  auto* holder = static_cast<std::shared_ptr<WebSocketConnection>*>(mg_get_user_connection_data(conn));
  if (!holder || !(*holder)->session) return 0;
  auto& connection = **holder;
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

int HttpServer::on_socketio_http(mg_connection* conn, void*) {
  const auto error = check_handshake_query(mg_get_request_info(conn), false);
  send_json(conn, 400, error.value_or(R"({"code":3,"message":"Bad request"})"));
  return 400;
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
