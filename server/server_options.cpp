#include "server_options.hpp"

#include <algorithm>
#include <charconv>
#include <functional>
#include <vector>

namespace chatd {

namespace {

struct Setting {
  const char* flag;      // --name
  const char* env;       // NAME
  const char* value;     // placeholder in help, nullptr for a switch
  const char* help;
  std::function<std::optional<std::string>(ServerOptions&, const std::string&)> apply;
};

template <typename Number>
std::optional<Number> parse_number(const std::string& text, Number min, Number max) {
  Number value{};
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || value < min || value > max) return std::nullopt;
  return value;
}

template <typename Number>
auto number_setting(Number ServerOptions::*field, Number min, Number max) {
  return [=](ServerOptions& options, const std::string& text) -> std::optional<std::string> {
    auto value = parse_number<Number>(text, min, max);
    if (!value) return "expects a number from " + std::to_string(min) + " to " + std::to_string(max);
    options.*field = *value;
    return std::nullopt;
  };
}

auto millis_setting(std::chrono::milliseconds ServerOptions::*field) {
  return [=](ServerOptions& options, const std::string& text) -> std::optional<std::string> {
    auto value = parse_number<long>(text, 1, 3'600'000);
    if (!value) return "expects milliseconds from 1 to 3600000";
    options.*field = std::chrono::milliseconds(*value);
    return std::nullopt;
  };
}

// Bytes, or KiB, MiB, GiB with the suffix K, M or G.
std::optional<std::string> parse_size(const std::string& text, std::uint64_t& out) {
  static constexpr std::uint64_t kMax = std::uint64_t{1} << 50;
  std::string digits = text;
  std::uint64_t unit = 1;
  if (!digits.empty()) {
    switch (digits.back()) {
      case 'K': unit = std::uint64_t{1} << 10; break;
      case 'M': unit = std::uint64_t{1} << 20; break;
      case 'G': unit = std::uint64_t{1} << 30; break;
      default: break;
    }
    if (unit != 1) digits.pop_back();
  }
  auto value = parse_number<std::uint64_t>(digits, 0, kMax / unit);
  if (!value) return "expects a size in bytes, or with the suffix K, M or G (0: no limit)";
  out = *value * unit;
  return std::nullopt;
}

std::optional<std::string> parse_switch(const std::string& text, bool& out) {
  if (text.empty() || text == "1" || text == "true" || text == "yes") { out = true; return std::nullopt; }
  if (text == "0" || text == "false" || text == "no") { out = false; return std::nullopt; }
  return "expects true or false";
}

const std::vector<Setting>& settings() {
  static const std::vector<Setting> table = {
      {"--port", "PORT", "N", "TCP port to listen on; 0 picks a free port (default 3000)",
       number_setting(&ServerOptions::port, 0, 65535)},
      {"--bind", "CHATD_BIND", "ADDR", "IPv4 address to listen on (default: all interfaces)",
       [](ServerOptions& o, const std::string& v) -> std::optional<std::string> { o.bind_address = v; return std::nullopt; }},
      {"--db", "CHATD_DB", "PATH", "SQLite database file (default data/chat.db)",
       [](ServerOptions& o, const std::string& v) -> std::optional<std::string> {
         if (v.empty()) return "expects a path";
         o.db = v;
         return std::nullopt;
       }},
      {"--db-max-size", "CHATD_DB_MAX_SIZE", "SIZE",
       "largest size of the database file, in bytes or with the suffix K, M or G; once it is reached, new "
       "messages are refused with \"database is full\" (default 0: no limit)",
       [](ServerOptions& o, const std::string& v) { return parse_size(v, o.db_max_size); }},
      {"--history", "CHATD_HISTORY", "N", "messages replayed to a client when it joins (default 100)",
       number_setting<std::size_t>(&ServerOptions::history, 0, 10000)},
      {"--recovery-window", "CHATD_RECOVERY_WINDOW", "SECONDS",
       "how long a dropped client may resume its session with the events it missed, also across a restart "
       "(Socket.IO connection state recovery); 0 turns it off (default 120)",
       [](ServerOptions& o, const std::string& v) -> std::optional<std::string> {
         auto value = parse_number<long>(v, 0, 86'400);
         if (!value) return "expects seconds from 0 to 86400";
         o.recovery_window = std::chrono::seconds(*value);
         return std::nullopt;
       }},
      {"--headless", "CHATD_HEADLESS", nullptr, "serve only Socket.IO and /healthz, no page",
       [](ServerOptions& o, const std::string& v) { return parse_switch(v, o.headless); }},
      {"--conformance", "CHATD_CONFORMANCE", nullptr,
       "run the reference servers of the Socket.IO and Engine.IO protocol test suites instead of the chat "
       "(/socket.io/ and /engine.io/, ping 300/200 ms, connect timeout 1000 ms, no page, no database)",
       [](ServerOptions& o, const std::string& v) { return parse_switch(v, o.conformance); }},
      {"--www", "CHATD_WWW", "DIR", "folder with the page and the WASM client (default: site/ beside the binary's build)",
       [](ServerOptions& o, const std::string& v) -> std::optional<std::string> { o.www = v; return std::nullopt; }},
      {"--max-connections", "CHATD_MAX_CONNECTIONS", "N",
       "simultaneous WebSocket clients; CivetWeb keeps one thread per open WebSocket, so chatd runs N+16 "
       "worker threads (default 1000)",
       number_setting<std::size_t>(&ServerOptions::max_connections, 1, 100000)},
      {"--max-connections-per-address", "CHATD_MAX_CONNECTIONS_PER_ADDRESS", "N",
       "simultaneous sessions (WebSocket and long-polling) from one IP address; 0: no limit (default 100)",
       number_setting<std::size_t>(&ServerOptions::max_connections_per_address, 0, 100000)},
      {"--rate-limit", "CHATD_RATE_LIMIT", "N",
       "nickname and message attempts per second a client may make on average; more are refused with a "
       "reason; 0: no limit (default 10)",
       number_setting<std::uint32_t>(&ServerOptions::rate_limit, 0, 1'000'000)},
      {"--rate-burst", "CHATD_RATE_BURST", "N",
       "attempts a client may make at once above --rate-limit before it applies (default 20)",
       number_setting<std::uint32_t>(&ServerOptions::rate_burst, 1, 1'000'000)},
      {"--ping-interval", "CHATD_PING_INTERVAL", "MS", "Engine.IO heartbeat interval (default 25000)",
       millis_setting(&ServerOptions::ping_interval)},
      {"--ping-timeout", "CHATD_PING_TIMEOUT", "MS", "close a session whose pong is this late (default 20000)",
       millis_setting(&ServerOptions::ping_timeout)},
      {"--allowed-origins", "CHATD_ALLOWED_ORIGINS", "LIST",
       "comma-separated origins (https://chat.example.com) whose pages may connect, besides the server's own "
       "origin and localhost; * allows any (default: none)",
       [](ServerOptions& o, const std::string& v) -> std::optional<std::string> {
         o.allowed_origins.clear();
         for (std::size_t start = 0; start <= v.size();) {
           const auto comma = std::min(v.find(',', start), v.size());
           if (comma > start) o.allowed_origins.push_back(v.substr(start, comma - start));
           start = comma + 1;
         }
         return std::nullopt;
       }},
      {"--connect-timeout", "CHATD_CONNECT_TIMEOUT", "MS",
       "close a connection that sends no Socket.IO CONNECT within this (default 45000)",
       millis_setting(&ServerOptions::connect_timeout)},
      {"--max-payload", "CHATD_MAX_PAYLOAD", "BYTES", "largest Engine.IO packet accepted (default 1000000)",
       number_setting<std::size_t>(&ServerOptions::max_payload, 1024, 100'000'000)},
      {"--log-level", "CHATD_LOG_LEVEL", "LEVEL",
       "error, warn, info or debug: the least severe log lines written to stderr (default info; "
       "debug adds connections and refusals; message texts are never logged)",
       [](ServerOptions& o, const std::string& v) -> std::optional<std::string> {
         const auto level = log::parse_level(v);
         if (!level) return "expects error, warn, info or debug";
         o.log_level = *level;
         return std::nullopt;
       }},
      {"--request-timeout", "CHATD_REQUEST_TIMEOUT", "MS",
       "close an HTTP connection whose request headers have not all arrived within this (default 15000)",
       millis_setting(&ServerOptions::request_timeout)},
      {"--cert", "CHATD_CERT", "PATH",
       "TLS certificate (PEM, the server's first, then any intermediates); with --key, chatd serves https "
       "and wss instead of http and ws (default: none)",
       [](ServerOptions& o, const std::string& v) -> std::optional<std::string> {
         if (v.empty()) return "expects a path";
         o.tls_cert = v;
         return std::nullopt;
       }},
      {"--key", "CHATD_KEY", "PATH", "the TLS certificate's private key (PEM, unencrypted); needs --cert",
       [](ServerOptions& o, const std::string& v) -> std::optional<std::string> {
         if (v.empty()) return "expects a path";
         o.tls_key = v;
         return std::nullopt;
       }},
  };
  return table;
}

}  // namespace

ParseResult parse_options(int argc, const char* const* argv, const char* (*getenv)(const char*)) {
  ServerOptions options;
  for (const auto& setting : settings()) {
    if (const char* value = getenv(setting.env); value && *value) {
      if (auto error = setting.apply(options, value)) return std::string(setting.env) + " " + *error;
    }
  }
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") return ShowHelp{};
    std::optional<std::string> inline_value;
    if (const auto eq = arg.find('='); eq != std::string::npos) {
      inline_value = arg.substr(eq + 1);
      arg.resize(eq);
    }
    const Setting* match = nullptr;
    for (const auto& setting : settings()) {
      if (arg == setting.flag) match = &setting;
    }
    if (!match) return "unknown option " + arg + " (see --help)";
    std::string value;
    if (inline_value) {
      value = *inline_value;
    } else if (match->value) {
      if (i + 1 >= argc) return arg + " expects a value";
      value = argv[++i];
    }
    if (auto error = match->apply(options, value)) return arg + " " + *error;
  }
  if (options.tls_cert.empty() != options.tls_key.empty()) {
    return std::string("--cert and --key (CHATD_CERT, CHATD_KEY) go together: give both, or neither for plain http");
  }
  return options;
}

std::string help_text() {
  std::string text =
      "Usage: chatd [options]\n"
      "A Socket.IO v5 chat server with SQLite history. Every option can also be set\n"
      "through the environment variable named beside it; flags win.\n\n";
  for (const auto& setting : settings()) {
    std::string left = std::string("  ") + setting.flag + (setting.value ? std::string(" ") + setting.value : "");
    left += " (" + std::string(setting.env) + ")";
    text += left + "\n      " + setting.help + "\n";
  }
  text += "  --help\n      show this text\n";
  return text;
}

}  // namespace chatd
