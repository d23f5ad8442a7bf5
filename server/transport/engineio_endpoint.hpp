#pragma once
// One Engine.IO endpoint on the HTTP server (e.g. /socket.io/): its WebSocket
// frames and long-polling requests, handed to an Engine.IO server.

#include <cstddef>
#include <string>
#include <string_view>

#include "engineio/engineio_server.hpp"
#include "transport/origin_policy.hpp"

struct mg_context;
struct mg_connection;

namespace chatd::transport {

class PollingConnection;
class WebSocketConnection;

class EngineIoEndpoint {
 public:
  // `sid_cookie`: the long-polling handshake sets Socket.IO's `io` cookie to
  // the session id (Node's engine.io with `cookie: true`), so that a load
  // balancer can keep a session's requests on one node.
  EngineIoEndpoint(std::string path, eio::EngineIoServer& engine, OriginPolicy origins, bool sid_cookie = false)
      : path_(std::move(path)), engine_(engine), origins_(std::move(origins)), sid_cookie_(sid_cookie) {}
  EngineIoEndpoint(const EngineIoEndpoint&) = delete;
  EngineIoEndpoint& operator=(const EngineIoEndpoint&) = delete;

  // Registers the CivetWeb handlers; the endpoint must outlive the context.
  void mount(mg_context* context);

  const std::string& path() const { return path_; }
  eio::EngineIoServer& engine() { return engine_; }

 private:
  static int on_ws_connect(const mg_connection* conn, void* self);
  static void on_ws_ready(mg_connection* conn, void* self);
  static int on_ws_data(mg_connection* conn, int bits, char* data, std::size_t length, void* self);
  static void on_ws_close(const mg_connection* conn, void* self);
  static int on_http(mg_connection* conn, void* self);

  bool origin_allowed(const mg_connection* conn) const;
  static void continue_upgrade(WebSocketConnection& connection, std::string_view frame);
  void deliver_message(WebSocketConnection& connection, bool binary, std::string_view message);
  int open_polling_session(mg_connection* conn);
  int poll(mg_connection* conn, PollingConnection& polling, const std::string& set_cookie = {});
  int receive_payload(mg_connection* conn, eio::Session& session, PollingConnection& polling);

  const std::string path_;
  eio::EngineIoServer& engine_;
  const OriginPolicy origins_;
  const bool sid_cookie_;
};

}  // namespace chatd::transport
