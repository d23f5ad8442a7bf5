#pragma once
// The HTTP side of chatd, on CivetWeb: static files (the page and the WASM
// client), /healthz, and the Socket.IO endpoint: WebSocket frames and
// long-polling requests, handed to the Engine.IO server.

#include <cstddef>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "engineio/engineio_server.hpp"

struct mg_context;
struct mg_connection;

namespace chatd::transport {

class PollingConnection;
class WebSocketConnection;

struct HttpConfig {
  std::string bind_address;                  // empty: every interface
  int port = 3000;                           // 0: any free port
  std::optional<std::filesystem::path> www;  // none: headless, no page
  std::size_t max_connections = 1000;        // WebSockets; one CivetWeb thread each
  int idle_timeout_ms = 60000;               // a WebSocket silent this long is dropped
};

class HttpServer {
 public:
  using HealthCheck = std::function<bool(std::string& detail)>;

  // Starts listening; throws std::runtime_error when CivetWeb cannot start.
  HttpServer(HttpConfig config, eio::EngineIoServer& engine, HealthCheck health);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  int port() const { return port_; }
  void stop();

 private:
  static int on_ws_connect(const mg_connection* conn, void* self);
  static void on_ws_ready(mg_connection* conn, void* self);
  static int on_ws_data(mg_connection* conn, int bits, char* data, std::size_t length, void* self);
  static void on_ws_close(const mg_connection* conn, void* self);
  static int on_socketio_http(mg_connection* conn, void* self);
  static int on_healthz(mg_connection* conn, void* self);
  static int on_headless_root(mg_connection* conn, void* self);

  static void continue_upgrade(WebSocketConnection& connection, std::string_view frame);
  int open_polling_session(mg_connection* conn);
  int poll(mg_connection* conn, eio::Session& session, PollingConnection& polling);
  int receive_payload(mg_connection* conn, eio::Session& session);

  const HttpConfig config_;
  eio::EngineIoServer& engine_;
  HealthCheck health_;
  mg_context* context_ = nullptr;
  int port_ = 0;
};

}  // namespace chatd::transport
