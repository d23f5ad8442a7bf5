// chatd: wires the layers together (transport -> Engine.IO -> Socket.IO ->
// chat service -> history store) and runs until SIGINT or SIGTERM.

#include <civetweb.h>
#include <signal.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <thread>

#include "chat/chat_service.hpp"
#include "chat/local_recovery.hpp"
#include "conformance/conformance_namespace.hpp"
#include "conformance/engineio_echo.hpp"
#include "engineio/engineio_server.hpp"
#include "engineio/send_pool.hpp"
#include "layer_configs.hpp"
#include "log/logger.hpp"
#include "metrics/metrics.hpp"
#include "server_options.hpp"
#include "socketio/chat_namespace.hpp"
#include "socketio/socketio_server.hpp"
#include "store/sqlite_history_store.hpp"
#include "store/sqlite_recovery_store.hpp"
#include "transport/engineio_endpoint.hpp"
#include "transport/http_server.hpp"
#include "transport/openssl_for_civetweb.hpp"

namespace {

using namespace chatd;

// How long /healthz waits for the database's write lock before it answers 503.
constexpr std::chrono::milliseconds kHealthCheckTimeout{500};

// Signals are taken by sigwait; they must be blocked before any thread starts.
sigset_t block_shutdown_signals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);
  // A file-size limit (ulimit -f) must fail the write (SQLite refuses the
  // message with a reason), not kill the server.
  signal(SIGXFSZ, SIG_IGN);
  return signals;
}

// Serves until SIGINT/SIGTERM, then closes every client with a reason.
void serve(const sigset_t& signals, transport::HttpServer& http, const std::vector<eio::EngineIoServer*>& engines,
           const std::string& banner) {
  // The ready line, on stdout: scripts and the tests wait for it.
  std::cout << "chatd listening on " << (http.tls() ? "https" : "http") << "://127.0.0.1:" << http.port() << banner
            << std::endl;
  log::info("listening", {{"port", http.port()}, {"tls", http.tls() ? "true" : "false"}});
  int signal_number = 0;
  sigwait(&signals, &signal_number);
  log::info("shutting down", {{"signal", signal_number == SIGINT ? "SIGINT" : "SIGTERM"}});
  for (auto* engine : engines) engine->close_all("server shutting down");
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // let the close frames leave
  http.stop();
}

int run_chat(const ServerOptions& options, const sigset_t& signals) {
  std::optional<std::filesystem::path> www;
  if (!options.headless) {
    www = options.www.empty() ? std::filesystem::path(CHATD_DEFAULT_WWW) : options.www;
    if (!std::filesystem::exists(*www / "index.html")) {
      log::error("no page to serve: build with -DCHAT_WEB=ON, pass --www DIR, or run --headless",
                 {{"www", www->string()}});
      return 2;
    }
  }
  log::info("starting the chat", {{"db", options.db.string()},
                                  {"history", options.history},
                                  {"max_connections", options.max_connections},
                                  {"headless", options.headless ? "true" : "false"}});
  metrics::Metrics metrics;
  // A committed batch's acks and broadcasts wake the send threads once.
  store::SqliteHistoryStore history(options.db, 1024, options.db_max_size, [](const std::function<void()>& report) {
    eio::DeferredScheduling scope;
    report();
  });
  store::SqliteRecoveryStore resumable_members(options.db);
  sio::SocketIoServer socketio({}, &metrics);
  sio::ChatNamespace chat_namespace(socketio);
  const auto chat_settings = chat_config(options);
  chat::LocalRecovery recovery(chat_settings, history, resumable_members);
  chat::ChatService chat_service(chat_settings, history, recovery, chat_namespace, &metrics);
  chat_namespace.set_chat_service(chat_service);
  socketio.add_namespace("/", chat_namespace);
  eio::EngineIoServer engine(engine_config(options), socketio, &metrics);
  transport::EngineIoEndpoint endpoint("/socket.io/", engine, transport::OriginPolicy(options.allowed_origins));
  const auto database_writable = [&history]() -> codec::Result<void, codec::Failure> {
    const auto writable = history.check_writable(kHealthCheckTimeout);
    if (writable) return {};
    codec::Failure failure{"database not writable: " + writable.error().reason};
    log::warn("health check failed", {{"detail", failure.reason}});
    return failure;
  };
  transport::HttpServer http(http_config(options, www), {&endpoint}, database_writable,
                             [&] { return metrics::render_prometheus(metrics, engine.connection_counts()); });

  serve(signals, http, {&engine},
        std::string(options.headless ? " (headless)" : "") + ", history in " + options.db.string());
  history.flush();            // every accepted message is committed before exit
  resumable_members.flush();  // and every client can resume after the restart
  return 0;
}

// The reference servers the official protocol test suites expect.
int run_conformance(ServerOptions options, const sigset_t& signals) {
  options.ping_interval = std::chrono::milliseconds(300);
  options.ping_timeout = std::chrono::milliseconds(200);
  options.max_payload = 1'000'000;
  options.connect_timeout = std::chrono::milliseconds(1000);

  log::info("starting the protocol test suites' reference servers");
  sio::SocketIoServer socketio({/*close_on_invalid_packet=*/true});
  conformance::ConformanceNamespace main_namespace(socketio, "/");
  conformance::ConformanceNamespace custom_namespace(socketio, "/custom");
  socketio.add_namespace("/", main_namespace);
  socketio.add_namespace("/custom", custom_namespace);
  eio::EngineIoServer socketio_engine(engine_config(options), socketio);

  conformance::EngineIoEcho echo;
  auto echo_config = engine_config(options);
  echo_config.establish_timeout = std::chrono::milliseconds(0);  // plain Engine.IO has no CONNECT
  eio::EngineIoServer echo_engine(echo_config, echo);

  // The reference servers allow every origin (cors: { origin: "*" }).
  transport::EngineIoEndpoint socketio_endpoint("/socket.io/", socketio_engine, transport::OriginPolicy({"*"}));
  transport::EngineIoEndpoint echo_endpoint("/engine.io/", echo_engine, transport::OriginPolicy({"*"}));
  transport::HttpServer http(http_config(options, std::nullopt), {&socketio_endpoint, &echo_endpoint}, nullptr);
  serve(signals, http, {&socketio_engine, &echo_engine}, " (conformance: /socket.io/ and /engine.io/)");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const auto parsed = parse_options(argc, argv, [](const char* name) -> const char* { return std::getenv(name); });
  if (!parsed) {
    log::error("invalid settings", {{"error", parsed.error().reason}});
    return 2;
  }
  if (parsed->show_help) {
    std::cout << help_text();
    return 0;
  }
  const auto& options = parsed->options;
  log::set_level(options.log_level);
  const sigset_t signals = block_shutdown_signals();
  const bool tls = !options.tls_cert.empty();
  // With TLS, CivetWeb loads OpenSSL now, by dlopen("libssl.so") (our shim)
  // and dlopen("libcrypto.so") (on Debian, that name comes with libssl-dev).
  if (tls) {
    if (const auto loaded = transport::load_openssl_for_civetweb(); !loaded) {
      std::cerr << "chatd: TLS is unavailable: " << loaded.error().reason << "\n";
      return 2;
    }
  }
  const unsigned wanted = unsigned{MG_FEATURES_WEBSOCKET} | (tls ? unsigned{MG_FEATURES_TLS} : 0u);
  if ((mg_init_library(wanted) & wanted) != wanted) {
    std::cerr << "chatd: TLS is unavailable: "
              << (mg_check_feature(MG_FEATURES_TLS) ? "CivetWeb could not load libssl.so and libcrypto.so "
                                                      "(on Debian: apt-get install libssl-dev)"
                                                    : "this CivetWeb was built without TLS")
              << "\n";
    return 2;
  }
  try {
    const int code = options.conformance ? run_conformance(options, signals) : run_chat(options, signals);
    mg_exit_library();
    return code;
  } catch (const std::exception& error) {
    log::error("cannot run", {{"error", error.what()}});
    return 1;
  }
}
