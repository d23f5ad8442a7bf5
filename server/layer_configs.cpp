#include "layer_configs.hpp"

namespace chatd {

chat::ChatConfig chat_config(const ServerOptions& options) {
  chat::ChatConfig config;
  config.history_on_join = options.history;
  config.rate_limit = options.rate_limit;
  config.rate_burst = options.rate_burst;
  config.recovery_window = options.recovery_window;
  return config;
}

eio::EngineIoConfig engine_config(const ServerOptions& options) {
  eio::EngineIoConfig config;
  config.ping_interval = options.ping_interval;
  config.ping_timeout = options.ping_timeout;
  config.max_payload = options.max_payload;
  config.max_sessions = options.max_connections;
  config.max_sessions_per_address = options.max_connections_per_address;
  config.establish_timeout = options.connect_timeout;
  return config;
}

transport::HttpConfig http_config(const ServerOptions& options, std::optional<std::filesystem::path> www) {
  transport::HttpConfig config;
  config.bind_address = options.bind_address;
  config.port = options.port;
  config.www = std::move(www);
  config.max_connections = options.max_connections;
  config.idle_timeout_ms =
      static_cast<int>(defaults::websocket_idle_timeout(options.ping_interval, options.ping_timeout).count());
  config.request_timeout_ms = static_cast<int>(options.request_timeout.count());
  if (!options.tls_cert.empty()) config.tls = transport::TlsFiles{options.tls_cert, options.tls_key};
  return config;
}

}  // namespace chatd
