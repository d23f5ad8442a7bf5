#include "server_options.hpp"

#include <algorithm>
#include <charconv>
#include <functional>
#include <optional>
#include <vector>

namespace chatd {

namespace {

using Applied = codec::Result<void, codec::Failure>;

struct Setting {
  const char* flag;   // --name
  const char* env;    // NAME
  const char* value;  // placeholder in help, nullptr for a switch
  const char* help;
  // The default as --help shows it: the value as this flag would take it
  // (empty: none to show), then what it means (nullptr: nothing to add).
  std::string default_value;
  const char* default_meaning;
  std::function<Applied(ServerOptions&, const std::string&)> apply;
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
  return [=](ServerOptions& options, const std::string& text) -> Applied {
    auto value = parse_number<Number>(text, min, max);
    if (!value) return codec::Failure{"expects a number from " + std::to_string(min) + " to " + std::to_string(max)};
    options.*field = *value;
    return {};
  };
}

auto millis_setting(std::chrono::milliseconds ServerOptions::*field) {
  return [=](ServerOptions& options, const std::string& text) -> Applied {
    auto value = parse_number<long>(text, 1, 3'600'000);
    if (!value) return codec::Failure{"expects milliseconds from 1 to 3600000"};
    options.*field = std::chrono::milliseconds(*value);
    return {};
  };
}

// A path that may not be empty.
auto path_setting(std::filesystem::path ServerOptions::*field) {
  return [=](ServerOptions& options, const std::string& text) -> Applied {
    if (text.empty()) return codec::Failure{"expects a path"};
    options.*field = text;
    return {};
  };
}

std::string millis_text(std::chrono::milliseconds value) { return std::to_string(value.count()); }

// Bytes, or KiB, MiB, GiB with the suffix K, M or G.
codec::Result<std::uint64_t, codec::Failure> parse_size(const std::string& text) {
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
  if (!value) return codec::Failure{"expects a size in bytes, or with the suffix K, M or G (0: no limit)"};
  return *value * unit;
}

codec::Result<bool, codec::Failure> parse_switch(const std::string& text) {
  if (text.empty() || text == "1" || text == "true" || text == "yes") return true;
  if (text == "0" || text == "false" || text == "no") return false;
  return codec::Failure{"expects true or false"};
}

// Sets `field` from what `parse` makes of the text, or says why not.
template <typename T, typename Parse>
auto parsed_setting(T ServerOptions::*field, Parse parse) {
  return [=](ServerOptions& options, const std::string& text) -> Applied {
    auto value = parse(text);
    if (!value) return value.error();
    options.*field = std::move(*value);
    return {};
  };
}

const std::vector<Setting>& settings() {
  namespace d = defaults;
  static const std::vector<Setting> table = {
      {"--port", "PORT", "N", "TCP port to listen on; 0 picks a free port", std::to_string(d::kPort), nullptr,
       number_setting(&ServerOptions::port, 0, 65535)},
      {"--bind", "CHATD_BIND", "ADDR", "IPv4 address to listen on", "", "all interfaces",
       [](ServerOptions& o, const std::string& v) -> Applied {
         o.bind_address = v;
         return {};
       }},
      {"--db", "CHATD_DB", "PATH", "SQLite database file", d::kDatabase, nullptr, path_setting(&ServerOptions::db)},
      {"--db-max-size", "CHATD_DB_MAX_SIZE", "SIZE",
       "largest size of the database file, in bytes or with the suffix K, M or G; once it is reached, new "
       "messages are refused with \"database is full\"",
       std::to_string(d::kDatabaseMaxSize), d::kDatabaseMaxSize == 0 ? "no limit" : nullptr,
       parsed_setting(&ServerOptions::db_max_size, parse_size)},
      {"--history", "CHATD_HISTORY", "N", "messages replayed to a client when it joins", std::to_string(d::kHistory),
       nullptr, number_setting<std::size_t>(&ServerOptions::history, 0, 10000)},
      {"--recovery-window", "CHATD_RECOVERY_WINDOW", "SECONDS",
       "how long a dropped client may resume as the member it was, with the events it missed, also across a "
       "restart (Socket.IO connection state recovery); 0 turns it off",
       std::to_string(d::kRecoveryWindow.count()), nullptr,
       [](ServerOptions& o, const std::string& v) -> Applied {
         auto value = parse_number<long>(v, 0, 86'400);
         if (!value) return codec::Failure{"expects seconds from 0 to 86400"};
         o.recovery_window = std::chrono::seconds(*value);
         return {};
       }},
      {"--headless", "CHATD_HEADLESS", nullptr, "serve only Socket.IO and /healthz, no page", "", nullptr,
       parsed_setting(&ServerOptions::headless, parse_switch)},
      {"--conformance", "CHATD_CONFORMANCE", nullptr,
       "run the reference servers of the Socket.IO and Engine.IO protocol test suites instead of the chat "
       "(/socket.io/ and /engine.io/, ping 300/200 ms, connect timeout 1000 ms, no page, no database)",
       "", nullptr, parsed_setting(&ServerOptions::conformance, parse_switch)},
      {"--www", "CHATD_WWW", "DIR", "folder with the page and the WASM client", "", "site/ beside the binary's build",
       [](ServerOptions& o, const std::string& v) -> Applied {
         o.www = v;
         return {};
       }},
      {"--max-connections", "CHATD_MAX_CONNECTIONS", "N",
       "simultaneous WebSocket clients; CivetWeb keeps one thread per open WebSocket, so chatd runs N+16 "
       "worker threads",
       std::to_string(d::kMaxConnections), nullptr,
       number_setting<std::size_t>(&ServerOptions::max_connections, 1, 100000)},
      {"--max-connections-per-address", "CHATD_MAX_CONNECTIONS_PER_ADDRESS", "N",
       "simultaneous sessions (WebSocket and long-polling) from one IP address; 0: no limit",
       std::to_string(d::kMaxConnectionsPerAddress), nullptr,
       number_setting<std::size_t>(&ServerOptions::max_connections_per_address, 0, 100000)},
      {"--rate-limit", "CHATD_RATE_LIMIT", "N",
       "nickname, message and history attempts per second a client may make on average; more are refused with a "
       "reason; 0: no limit",
       std::to_string(d::kRateLimit), nullptr, number_setting<std::uint32_t>(&ServerOptions::rate_limit, 0, 1'000'000)},
      {"--rate-burst", "CHATD_RATE_BURST", "N",
       "attempts a client may make at once above --rate-limit before it applies", std::to_string(d::kRateBurst),
       nullptr, number_setting<std::uint32_t>(&ServerOptions::rate_burst, 1, 1'000'000)},
      {"--ping-interval", "CHATD_PING_INTERVAL", "MS", "Engine.IO heartbeat interval", millis_text(d::kPingInterval),
       nullptr, millis_setting(&ServerOptions::ping_interval)},
      {"--ping-timeout", "CHATD_PING_TIMEOUT", "MS", "close a session whose pong is this late",
       millis_text(d::kPingTimeout), nullptr, millis_setting(&ServerOptions::ping_timeout)},
      {"--allowed-origins", "CHATD_ALLOWED_ORIGINS", "LIST",
       "comma-separated origins (https://chat.example.com) whose pages may connect, besides the server's own "
       "origin and localhost; * allows any",
       "", "none",
       [](ServerOptions& o, const std::string& v) -> Applied {
         o.allowed_origins.clear();
         for (std::size_t start = 0; start <= v.size();) {
           const auto comma = std::min(v.find(',', start), v.size());
           if (comma > start) o.allowed_origins.push_back(v.substr(start, comma - start));
           start = comma + 1;
         }
         return {};
       }},
      {"--connect-timeout", "CHATD_CONNECT_TIMEOUT", "MS",
       "close a connection that sends no Socket.IO CONNECT within this", millis_text(d::kConnectTimeout), nullptr,
       millis_setting(&ServerOptions::connect_timeout)},
      {"--max-payload", "CHATD_MAX_PAYLOAD", "BYTES", "largest Engine.IO packet accepted",
       std::to_string(d::kMaxPayload), nullptr,
       number_setting<std::size_t>(&ServerOptions::max_payload, 1024, 100'000'000)},
      {"--log-level", "CHATD_LOG_LEVEL", "LEVEL",
       "error, warn, info or debug: the least severe log lines written to stderr; debug adds connections and "
       "refusals; message texts are never logged",
       log::level_name(d::kLogLevel), nullptr,
       [](ServerOptions& o, const std::string& v) -> Applied {
         const auto level = log::parse_level(v);
         if (!level) return codec::Failure{"expects error, warn, info or debug"};
         o.log_level = *level;
         return {};
       }},
      {"--request-timeout", "CHATD_REQUEST_TIMEOUT", "MS",
       "close an HTTP connection whose request headers have not all arrived within this",
       millis_text(d::kRequestTimeout), nullptr, millis_setting(&ServerOptions::request_timeout)},
      {"--cert", "CHATD_CERT", "PATH",
       "TLS certificate (PEM, the server's first, then any intermediates); with --key, chatd serves https "
       "and wss instead of http and ws",
       "", "none", path_setting(&ServerOptions::tls_cert)},
      {"--key", "CHATD_KEY", "PATH", "the TLS certificate's private key (PEM, unencrypted); needs --cert", "", nullptr,
       path_setting(&ServerOptions::tls_key)},
      {"--redis", "CHATD_REDIS", "URL",
       "run as a node of a cluster sharing one chat through Redis 7 (docs/cluster.md): "
       "redis://[[user]:password@]host[:port][/db][?prefix=P]",
       "", "none: a single chatd",
       [](ServerOptions& o, const std::string& v) -> Applied {
         auto endpoint = cluster::parse_redis_url(v);
         if (!endpoint) return endpoint.error();
         o.redis = std::move(*endpoint);
         return {};
       }},
      {"--redis-prefix", "CHATD_REDIS_PREFIX", "PREFIX",
       "prefix of every Redis key of the cluster (over the URL's ?prefix=)", "", "none",
       [](ServerOptions& o, const std::string& v) -> Applied {
         o.redis_prefix = v;
         return {};
       }},
      {"--redis-stream-maxlen", "CHATD_REDIS_STREAM_MAXLEN", "N",
       "entries the cluster's stream keeps (MAXLEN ~): what a node that was down catches up on and a new node "
       "rebuilds its history from; the same on every node",
       std::to_string(d::kRedisStreamMaxlen), nullptr,
       number_setting<std::uint64_t>(&ServerOptions::redis_stream_maxlen, 1000, 1'000'000'000)},
      {"--cluster-node-timeout", "CHATD_CLUSTER_NODE_TIMEOUT", "MS",
       "a node of the cluster silent this long is dead: its members leave and keep their nicknames for their "
       "recovery window",
       millis_text(d::kClusterNodeTimeout), nullptr,
       [](ServerOptions& o, const std::string& v) -> Applied {
         // Well above the most the cluster's clock advances at once (1 s,
         // docs/cluster.md), so that an outage of Redis never reaps a node.
         auto value = parse_number<long>(v, 3000, 3'600'000);
         if (!value) return codec::Failure{"expects milliseconds from 3000 to 3600000"};
         o.cluster_node_timeout = std::chrono::milliseconds(*value);
         return {};
       }},
  };
  return table;
}

// " (default 3000)", " (default 0: no limit)", " (default: none)", or nothing.
std::string default_text(const Setting& setting) {
  if (setting.default_value.empty() && !setting.default_meaning) return {};
  std::string text = " (default";
  if (!setting.default_value.empty()) text += " " + setting.default_value;
  if (setting.default_meaning) text += std::string(": ") + setting.default_meaning;
  return text + ")";
}

}  // namespace

ParseResult parse_options(int argc, const char* const* argv, const char* (*getenv)(const char*)) {
  CommandLine command_line;
  ServerOptions& options = command_line.options;
  for (const auto& setting : settings()) {
    if (const char* value = getenv(setting.env); value && *value) {
      if (auto applied = setting.apply(options, value); !applied) {
        return codec::Failure{std::string(setting.env) + " " + applied.error().reason};
      }
    }
  }
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      command_line.show_help = true;
      return command_line;
    }
    std::optional<std::string> inline_value;
    if (const auto eq = arg.find('='); eq != std::string::npos) {
      inline_value = arg.substr(eq + 1);
      arg.resize(eq);
    }
    const Setting* match = nullptr;
    for (const auto& setting : settings()) {
      if (arg == setting.flag) match = &setting;
    }
    if (!match) return codec::Failure{"unknown option " + arg + " (see --help)"};
    std::string value;
    if (inline_value) {
      value = *inline_value;
    } else if (match->value) {
      if (i + 1 >= argc) return codec::Failure{arg + " expects a value"};
      value = argv[++i];
    }
    if (auto applied = match->apply(options, value); !applied) {
      return codec::Failure{arg + " " + applied.error().reason};
    }
  }
  if (options.redis && options.redis_prefix) options.redis->prefix = *options.redis_prefix;
  if (options.tls_cert.empty() != options.tls_key.empty()) {
    return codec::Failure{"--cert and --key (CHATD_CERT, CHATD_KEY) go together: give both, or neither for plain http"};
  }
  return command_line;
}

std::string help_text() {
  std::string text =
      "Usage: chatd [options]\n"
      "A Socket.IO v5 chat server with SQLite history. Every option can also be set\n"
      "through the environment variable named beside it; flags win.\n\n";
  for (const auto& setting : settings()) {
    std::string left = std::string("  ") + setting.flag + (setting.value ? std::string(" ") + setting.value : "");
    left += " (" + std::string(setting.env) + ")";
    text += left + "\n      " + setting.help + default_text(setting) + "\n";
  }
  text += "  --help\n      show this text\n";
  return text;
}

}  // namespace chatd
