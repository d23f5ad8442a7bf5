#pragma once
// chatd's settings: each one a command-line flag and an environment variable
// (flags win). Their defaults come from defaults.hpp, and --help prints them
// from there.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "cluster/redis_endpoint.hpp"
#include "codec/result.hpp"
#include "defaults.hpp"
#include "log/logger.hpp"

namespace chatd {

struct ServerOptions {
  std::string bind_address;  // empty: every interface
  int port = defaults::kPort;
  std::filesystem::path db = defaults::kDatabase;
  std::uint64_t db_max_size = defaults::kDatabaseMaxSize;  // bytes; 0: no cap
  std::size_t history = defaults::kHistory;
  std::chrono::seconds recovery_window = defaults::kRecoveryWindow;  // 0: no connection state recovery
  bool headless = false;
  bool conformance = false;   // the protocol test suites' reference servers instead of the chat
  std::filesystem::path www;  // page and client; default: next to the binary
  std::size_t max_connections = defaults::kMaxConnections;
  std::size_t max_connections_per_address = defaults::kMaxConnectionsPerAddress;  // 0: no limit
  std::uint32_t rate_limit =
      defaults::kRateLimit;  // nickname, message and history attempts per second and client; 0: no limit
  std::uint32_t rate_burst = defaults::kRateBurst;
  std::chrono::milliseconds ping_interval = defaults::kPingInterval;
  std::chrono::milliseconds ping_timeout = defaults::kPingTimeout;
  std::chrono::milliseconds connect_timeout = defaults::kConnectTimeout;
  std::vector<std::string> allowed_origins;  // besides the server's own origin and localhost
  std::size_t max_payload = defaults::kMaxPayload;
  log::Level log_level = defaults::kLogLevel;
  std::filesystem::path tls_cert;  // with tls_key: serve https and wss instead of http and ws
  std::filesystem::path tls_key;
  std::chrono::milliseconds request_timeout = defaults::kRequestTimeout;  // a request's headers must arrive within this
  // Cluster mode (docs/cluster.md): none, a single chatd.
  std::optional<cluster::RedisEndpoint> redis;
  std::optional<std::string> redis_prefix;  // --redis-prefix, over the URL's ?prefix=
  std::uint64_t redis_stream_maxlen = defaults::kRedisStreamMaxlen;
  std::chrono::milliseconds cluster_node_timeout = defaults::kClusterNodeTimeout;

  bool operator==(const ServerOptions&) const = default;
};

// What the command line asks for: to run with `options`, or only to show --help.
struct CommandLine {
  ServerOptions options;
  bool show_help = false;
};

// The command line, or what is wrong with it, in words for the user.
using ParseResult = codec::Result<CommandLine, codec::Failure>;

// `getenv` is injected so that tests can parse without touching the process environment.
ParseResult parse_options(int argc, const char* const* argv, const char* (*getenv)(const char*));

std::string help_text();

}  // namespace chatd
