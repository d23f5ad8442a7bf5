#include "layer_configs.hpp"

namespace chatd {

chat::ChatConfig chat_config(const ServerOptions& options) {
  return {.history_on_join = options.history,
          .rate_limit = options.rate_limit,
          .rate_burst = options.rate_burst,
          .recovery_window = options.recovery_window};
}

eio::EngineIoConfig engine_config(const ServerOptions& options) {
  return {.ping_interval = options.ping_interval,
          .ping_timeout = options.ping_timeout,
          .max_payload = options.max_payload,
          .max_sessions = options.max_connections,
          .max_sessions_per_address = options.max_connections_per_address,
          .establish_timeout = options.connect_timeout};
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
