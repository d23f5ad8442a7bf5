#pragma once
// chatd's settings: each one a command-line flag and an environment variable
// (flags win), with the defaults documented in --help and the README.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "log/logger.hpp"

namespace chatd {

struct ServerOptions {
  std::string bind_address;  // empty: every interface
  int port = 3000;
  std::filesystem::path db = "data/chat.db";
  std::uint64_t db_max_size = 0;  // bytes; 0: no cap
  std::size_t history = 100;
  std::chrono::seconds recovery_window{120};  // 0: no connection state recovery
  bool headless = false;
  bool conformance = false;  // the protocol test suites' reference servers instead of the chat
  std::filesystem::path www;  // page and client; default: next to the binary
  std::size_t max_connections = 1000;
  std::size_t max_connections_per_address = 100;  // 0: no limit
  std::uint32_t rate_limit = 10;  // nickname and message attempts per second and client; 0: no limit
  std::uint32_t rate_burst = 20;
  std::chrono::milliseconds ping_interval{25000};
  std::chrono::milliseconds ping_timeout{20000};
  std::chrono::milliseconds connect_timeout{45000};
  std::vector<std::string> allowed_origins;  // besides the server's own origin and localhost
  std::size_t max_payload = 1'000'000;
  log::Level log_level = log::Level::info;
  std::filesystem::path tls_cert;  // with tls_key: serve https and wss instead of http and ws
  std::filesystem::path tls_key;
  std::chrono::milliseconds request_timeout{15000};  // a request's headers must arrive within this
};

struct ShowHelp {};

// Either options, a request for help, or an error message for the user.
using ParseResult = std::variant<ServerOptions, ShowHelp, std::string>;

// `getenv` is injected so that tests can parse without touching the process environment.
ParseResult parse_options(int argc, const char* const* argv, const char* (*getenv)(const char*));

std::string help_text();

}  // namespace chatd
