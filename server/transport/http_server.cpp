#include "transport/http_server.hpp"

#include <civetweb.h>

#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "transport/http_response.hpp"

namespace chatd::transport {

namespace {

// The security headers every response carries.
constexpr const char* kHeaders =
    "X-Content-Type-Options: nosniff\r\n"
    "Referrer-Policy: no-referrer";

}  // namespace

HttpServer::HttpServer(HttpConfig config, std::vector<EngineIoEndpoint*> endpoints, HealthCheck health,
                       MetricsText metrics)
    : config_(std::move(config)),
      endpoints_(std::move(endpoints)),
      health_(std::move(health)),
      metrics_(std::move(metrics)) {
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
      // Chat frames are small: without this, Nagle's algorithm holds a frame
      // back until the previous one is acknowledged (up to 40 ms on Linux).
      "tcp_nodelay", "1",
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
  for (auto* endpoint : endpoints_) endpoint->mount(context_);
  mg_set_request_handler(context_, "/healthz$", on_healthz, this);
  if (metrics_) mg_set_request_handler(context_, "/metrics$", on_metrics, this);
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

int HttpServer::on_healthz(mg_connection* conn, void* self) {
  auto& server = *static_cast<HttpServer*>(self);
  std::string detail;
  const bool healthy = !server.health_ || server.health_(detail);
  std::size_t sessions = 0;
  for (auto* endpoint : server.endpoints_) sessions += endpoint->engine().session_count();
  nlohmann::json body = {{"status", healthy ? "ok" : "unhealthy"}, {"sessions", sessions}};
  if (!detail.empty()) body["detail"] = detail;
  send_json(conn, healthy ? 200 : 503, body.dump());
  return healthy ? 200 : 503;
}

int HttpServer::on_metrics(mg_connection* conn, void* self) {
  send_body(conn, 200, "text/plain; version=0.0.4; charset=utf-8", static_cast<HttpServer*>(self)->metrics_());
  return 200;
}

int HttpServer::on_headless_root(mg_connection* conn, void*) {
  send_json(conn, 404, R"({"message":"chatd runs headless: no page here; Socket.IO is at /socket.io/"})");
  return 404;
}

}  // namespace chatd::transport
