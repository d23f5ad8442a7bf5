#pragma once
// The HTTP side of chatd, on CivetWeb: static files (the page and the WASM
// client), /healthz, /metrics, and the Engine.IO endpoints (/socket.io/, and the plain
// /engine.io/ echo in conformance mode).

#include <cstddef>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "codec/result.hpp"
#include "defaults.hpp"
#include "transport/engineio_endpoint.hpp"
#include "transport/static_site.hpp"
#include "transport/tls_certificate.hpp"

struct mg_context;
struct mg_connection;

namespace chatd::transport {

// Defaults as chatd's options have them (defaults.hpp).
struct HttpConfig {
  std::string bind_address;                                 // empty: every interface
  int port = defaults::kPort;                               // 0: any free port
  std::optional<std::filesystem::path> www;                 // none: headless, no page
  std::size_t max_connections = defaults::kMaxConnections;  // WebSockets; one CivetWeb thread each
  // A WebSocket silent this long is dropped.
  int idle_timeout_ms =
      static_cast<int>(defaults::websocket_idle_timeout(defaults::kPingInterval, defaults::kPingTimeout).count());
  // A request's headers must all arrive within this.
  int request_timeout_ms = static_cast<int>(defaults::kRequestTimeout.count());
  std::optional<TlsFiles> tls;  // https and wss instead of http and ws
};

class HttpServer {
 public:
  // Whether the server can do its job; a failure's reason is shown as the
  // detail of /healthz.
  using HealthCheck = std::function<codec::Result<void, codec::Failure>()>;
  // The body of /metrics (Prometheus text format); none: no /metrics.
  using MetricsText = std::function<std::string()>;

  // Reads the page's folder and starts listening; throws std::runtime_error
  // when the folder cannot be read or CivetWeb cannot start.
  // The endpoints must outlive the server.
  HttpServer(HttpConfig config, std::vector<EngineIoEndpoint*> endpoints, HealthCheck health,
             MetricsText metrics = nullptr);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  int port() const { return port_; }
  bool tls() const { return config_.tls.has_value(); }
  void stop();

 private:
  static int on_begin_request(mg_connection* conn);
  static int on_init_ssl(void* ssl_ctx, void* self);
  static int on_healthz(mg_connection* conn, void* self);
  static int on_metrics(mg_connection* conn, void* self);
  static int on_headless_root(mg_connection* conn, void* self);

  const HttpConfig config_;
  const std::vector<EngineIoEndpoint*> endpoints_;
  HealthCheck health_;
  MetricsText metrics_;
  std::optional<StaticSite> site_;                  // none: headless
  codec::Result<void, codec::Failure> tls_loaded_;  // why not, for the constructor's exception
  mg_context* context_ = nullptr;
  int port_ = 0;
};

}  // namespace chatd::transport
