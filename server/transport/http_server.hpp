#pragma once
// The HTTP side of chatd, on CivetWeb: static files (the page and the WASM
// client), /healthz, /metrics, and the Engine.IO endpoints (/socket.io/, and the plain
// /engine.io/ echo in conformance mode).

#include <cstddef>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "transport/engineio_endpoint.hpp"

struct mg_context;
struct mg_connection;

namespace chatd::transport {

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
  // The body of /metrics (Prometheus text format); none: no /metrics.
  using MetricsText = std::function<std::string()>;

  // Starts listening; throws std::runtime_error when CivetWeb cannot start.
  // The endpoints must outlive the server.
  HttpServer(HttpConfig config, std::vector<EngineIoEndpoint*> endpoints, HealthCheck health,
             MetricsText metrics = nullptr);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  int port() const { return port_; }
  void stop();

 private:
  static int on_healthz(mg_connection* conn, void* self);
  static int on_metrics(mg_connection* conn, void* self);
  static int on_headless_root(mg_connection* conn, void* self);

  const HttpConfig config_;
  const std::vector<EngineIoEndpoint*> endpoints_;
  HealthCheck health_;
  MetricsText metrics_;
  mg_context* context_ = nullptr;
  int port_ = 0;
};

}  // namespace chatd::transport
