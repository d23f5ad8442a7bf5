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
#include "engineio/engineio_server.hpp"
#include "server_options.hpp"
#include "socketio/socketio_server.hpp"
#include "store/sqlite_history_store.hpp"
#include "transport/http_server.hpp"

namespace {

int run(const chatd::ServerOptions& options) {
  // Signals are taken by sigwait below; block them before any thread starts.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  std::optional<std::filesystem::path> www;
  if (!options.headless) {
    www = options.www.empty() ? std::filesystem::path(CHATD_DEFAULT_WWW) : options.www;
    if (!std::filesystem::exists(*www / "index.html")) {
      std::cerr << "chatd: no page at " << www->string()
                << " (build with -DCHAT_WEB=ON, pass --www DIR, or run --headless)\n";
      return 2;
    }
  }

  chatd::store::SqliteHistoryStore history(options.db);
  chatd::sio::SocketIoServer socketio;
  chatd::chat::ChatService chat({options.history}, history, socketio);
  socketio.set_chat_service(chat);

  chatd::eio::EngineIoConfig engine_config;
  engine_config.ping_interval = options.ping_interval;
  engine_config.ping_timeout = options.ping_timeout;
  engine_config.max_payload = options.max_payload;
  engine_config.max_sessions = options.max_connections;
  chatd::eio::EngineIoServer engine(engine_config, socketio);

  chatd::transport::HttpConfig http_config;
  http_config.bind_address = options.bind_address;
  http_config.port = options.port;
  http_config.www = www;
  http_config.max_connections = options.max_connections;
  http_config.idle_timeout_ms =
      static_cast<int>((options.ping_interval + options.ping_timeout).count()) + 5000;
  chatd::transport::HttpServer http(http_config, engine, nullptr);

  const std::string host = options.bind_address.empty() ? "127.0.0.1" : options.bind_address;
  std::cout << "chatd listening on http://" << host << ":" << http.port()
            << (options.headless ? " (headless)" : "") << ", history in " << options.db.string() << std::endl;

  int signal_number = 0;
  sigwait(&signals, &signal_number);
  std::cerr << "chatd: " << (signal_number == SIGINT ? "SIGINT" : "SIGTERM") << ", shutting down\n";

  // Tell every client why, give the close frames a moment to leave, then stop.
  engine.close_all("server shutting down");
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  http.stop();
  history.flush();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const auto parsed = chatd::parse_options(argc, argv, [](const char* name) -> const char* { return std::getenv(name); });
  if (std::holds_alternative<chatd::ShowHelp>(parsed)) {
    std::cout << chatd::help_text();
    return 0;
  }
  if (const auto* error = std::get_if<std::string>(&parsed)) {
    std::cerr << "chatd: " << *error << "\n";
    return 2;
  }
  mg_init_library(MG_FEATURES_WEBSOCKET);
  try {
    const int code = run(std::get<chatd::ServerOptions>(parsed));
    mg_exit_library();
    return code;
  } catch (const std::exception& error) {
    std::cerr << "chatd: " << error.what() << "\n";
    return 1;
  }
}
