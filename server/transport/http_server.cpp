#include "transport/http_server.hpp"

#include <civetweb.h>

#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <nlohmann/json.hpp>

#include "transport/http_response.hpp"
#include "transport/security_headers.hpp"

namespace chatd::transport {

namespace {

// A short plain-text answer with the page's security headers and, when given,
// one more header. No body for HEAD.
int send_page_text(mg_connection* conn, int status, const std::string& body, const char* header_name = nullptr,
                   const std::string& header_value = {}) {
  const std::string length = std::to_string(body.size());
  mg_response_header_start(conn, status);
  if (header_name) mg_response_header_add(conn, header_name, header_value.c_str(), -1);
  mg_response_header_add(conn, "Content-Type", "text/plain; charset=utf-8", -1);
  mg_response_header_add(conn, "Content-Length", length.c_str(), -1);
  for (const auto& header : kPageHeaders) mg_response_header_add(conn, header.name, header.value, -1);
  mg_response_header_send(conn);
  if (std::strcmp(mg_get_request_info(conn)->request_method, "HEAD") != 0) mg_write(conn, body.data(), body.size());
  return status;
}

}  // namespace

HttpServer::HttpServer(HttpConfig config, std::vector<EngineIoEndpoint*> endpoints, HealthCheck health,
                       MetricsText metrics)
    : config_(std::move(config)),
      endpoints_(std::move(endpoints)),
      health_(std::move(health)),
      metrics_(std::move(metrics)) {
  if (config_.www) site_.emplace(*config_.www);
  // A trailing "s" makes CivetWeb's listening port a TLS one.
  const std::string listen = (config_.bind_address.empty() ? std::string() : config_.bind_address + ":") +
                             std::to_string(config_.port) + (config_.tls ? "s" : "");
  const std::string threads = std::to_string(config_.max_connections + 16);
  const std::string idle = std::to_string(config_.idle_timeout_ms);
  const std::string request_timeout = std::to_string(config_.request_timeout_ms);
  const std::string page_headers = header_lines(kPageHeaders);
  std::vector<const char*> options = {
      "listening_ports",
      listen.c_str(),
      "num_threads",
      threads.c_str(),
      "websocket_timeout_ms",
      idle.c_str(),
      // Bounds the wait for a request's headers as a whole, however slowly
      // they trickle in (and a TLS handshake), so a silent client cannot keep
      // a worker thread forever.
      "request_timeout_ms",
      request_timeout.c_str(),
      "enable_directory_listing",
      "no",
      // Chat frames are small: without this, Nagle's algorithm holds a frame
      // back until the previous one is acknowledged (up to 40 ms on Linux).
      "tcp_nodelay",
      "1",
      "additional_header",
      page_headers.c_str(),
  };
  options.push_back(nullptr);

  mg_callbacks callbacks{};
  callbacks.begin_request = on_begin_request;
  if (config_.tls) callbacks.init_ssl = on_init_ssl;
  mg_init_data init{&callbacks, this, options.data()};
  unsigned error_code = 0;
  char error_text[256] = "";
  mg_error_data error{&error_code, error_text, sizeof error_text};
  context_ = mg_start2(&init, &error);
  if (!context_) {
    if (!tls_loaded_) throw std::runtime_error(tls_loaded_.error().reason);
    throw std::runtime_error("cannot listen on " + listen + " (port in use, or bad address?): " + error_text);
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

int HttpServer::on_init_ssl(void* ssl_ctx, void* self) {
  auto& server = *static_cast<HttpServer*>(self);
  server.tls_loaded_ = load_tls_certificate(ssl_ctx, *server.config_.tls);
  // 1: the certificate is in place, CivetWeb must not load one itself.
  return server.tls_loaded_ ? 1 : -1;
}

// Everything but the Engine.IO endpoints, /healthz and /metrics is a static
// file: GET and HEAD only, answered from the site read at start. Without
// this, CivetWeb would answer PUT and DELETE with an authentication
// challenge (its WebDAV support) and OPTIONS with WebDAV's methods.
int HttpServer::on_begin_request(mg_connection* conn) {
  const auto& server = *static_cast<const HttpServer*>(mg_get_user_data(mg_get_context(conn)));
  const mg_request_info* request = mg_get_request_info(conn);
  // CivetWeb's decoded path, with dot segments removed.
  const std::string_view uri = request->local_uri ? request->local_uri : "";
  for (const auto* endpoint : server.endpoints_) {
    if (uri.substr(0, endpoint->path().size()) == endpoint->path()) return 0;
  }
  const char* method = request->request_method ? request->request_method : "";
  if (std::strcmp(method, "GET") == 0 || std::strcmp(method, "HEAD") == 0) {
    const bool handler = uri == "/healthz" || (uri == "/metrics" && server.metrics_);
    if (handler || !server.site_) return 0;  // the handlers registered in the constructor
    return server.site_->serve(conn, uri);
  }
  return send_page_text(conn, 405, std::string(method) + " is not allowed here: only GET and HEAD\n", "Allow",
                        "GET, HEAD");
}

int HttpServer::on_healthz(mg_connection* conn, void* self) {
  auto& server = *static_cast<HttpServer*>(self);
  const auto health = server.health_ ? server.health_() : codec::Result<void, codec::Failure>();
  const bool healthy = health.ok();
  std::size_t sessions = 0;
  for (auto* endpoint : server.endpoints_) sessions += endpoint->engine().session_count();
  nlohmann::json body = {{"status", healthy ? "ok" : "unhealthy"}, {"sessions", sessions}};
  if (!healthy) body["detail"] = health.error().reason;
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
