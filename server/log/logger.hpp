#pragma once
// chatd's structured log: one logfmt line per event on stderr,
//   ts=2026-01-02T03:04:05.678Z level=info msg="session opened" sid=... transport=websocket
// filtered by level (--log-level). Values are quoted and escaped, so that
// text a client chose (a nickname, an event name) cannot forge a line.
//
// One process-wide logger: logging is wanted in every layer, and threading a
// logger through every constructor would buy nothing here. Message bodies are
// never logged.

#include <chrono>
#include <concepts>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

namespace chatd::log {

enum class Level { error = 0, warn = 1, info = 2, debug = 3 };

std::optional<Level> parse_level(std::string_view name);  // "error", "warn", "info", "debug"
const char* level_name(Level level);

struct Field {
  Field(std::string_view k, std::string_view v) : key(k), value(v) {}
  Field(std::string_view k, const char* v) : key(k), value(v ? v : "") {}
  Field(std::string_view k, const std::string& v) : key(k), value(v) {}
  template <std::integral Number>
  Field(std::string_view k, Number n) : key(k), value(std::to_string(n)) {}

  std::string_view key;
  std::string value;
};
using Fields = std::initializer_list<Field>;

// The whole line, newline included; pure, for the tests.
std::string format_line(std::chrono::system_clock::time_point time, Level level, std::string_view message,
                        Fields fields);

// Lines above this level are dropped (default: info).
void set_level(Level level);
bool enabled(Level level);

void write(Level level, std::string_view message, Fields fields = {});
inline void error(std::string_view message, Fields fields = {}) { write(Level::error, message, fields); }
inline void warn(std::string_view message, Fields fields = {}) { write(Level::warn, message, fields); }
inline void info(std::string_view message, Fields fields = {}) { write(Level::info, message, fields); }
inline void debug(std::string_view message, Fields fields = {}) { write(Level::debug, message, fields); }

}  // namespace chatd::log
