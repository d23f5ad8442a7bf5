// chatd's log on stderr: logfmt lines filtered by --log-level, and never a
// message's text.

#include <catch2/catch.hpp>

#include <regex>
#include <sstream>
#include <string>

#include "chatd_process.hpp"
#include "socketio_test_client.hpp"
#include "test_support.hpp"

using chat_it::ChatdProcess;
using chat_it::SocketIoTestClient;
namespace events = codec::events;

namespace {

// Joins two clients, sends `text` from one to the other, closes both, stops
// chatd and returns its stderr.
std::string log_of_one_conversation(const std::vector<std::string>& args, const std::string& text) {
  ChatdProcess server(args);
  {
    SocketIoTestClient alice(server.port());
    SocketIoTestClient bob(server.port());
    alice.join("alice");
    bob.join("bob");
    alice.say(text);
    bob.wait_for_event(events::kUserMessage);
    alice.close();
    bob.close();
  }
  REQUIRE(chat_it::stop_server(server, {}) == 0);
  return server.stderr_text();
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

bool has_level(const std::string& log, const std::string& level) {
  return log.find(" level=" + level + " ") != std::string::npos;
}

}  // namespace

TEST_CASE("every log line is logfmt with a timestamp, a level and a message", "[log]") {
  const auto log = log_of_one_conversation({"--log-level", "debug"}, "a plain hello");
  static const std::regex line_pattern(
      R"(^ts=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z level=(error|warn|info|debug) msg=("([^"\\]|\\.)*"|\S+)( [a-z_]+=("([^"\\]|\\.)*"|\S+))*$)");
  const auto lines = lines_of(log);
  REQUIRE_FALSE(lines.empty());
  for (const auto& line : lines) {
    INFO(line);
    CHECK(std::regex_match(line, line_pattern));
  }
  // Connections opening and closing are logged at debug.
  CHECK(log.find("level=debug msg=\"session opened\"") != std::string::npos);
  CHECK(log.find("level=debug msg=\"session closed\"") != std::string::npos);
  CHECK(log.find("msg=\"shutting down\" signal=SIGTERM") != std::string::npos);
}

TEST_CASE("at --log-level warn, no info or debug lines", "[log]") {
  const auto log = log_of_one_conversation({"--log-level", "warn"}, "hello at warn");
  CHECK_FALSE(has_level(log, "info"));
  CHECK_FALSE(has_level(log, "debug"));
}

TEST_CASE("at --log-level info, the start and the stop but no connection", "[log]") {
  const auto log = log_of_one_conversation({}, "hello at info");
  CHECK(has_level(log, "info"));
  CHECK(log.find("msg=listening") != std::string::npos);
  CHECK_FALSE(has_level(log, "debug"));
}

TEST_CASE("a message's text never reaches the log, at info or at debug", "[log]") {
  const std::string secret = "the-launch-code-is-0000";
  CHECK(log_of_one_conversation({"--log-level", "info"}, secret).find(secret) == std::string::npos);
  CHECK(log_of_one_conversation({"--log-level", "debug"}, secret).find(secret) == std::string::npos);
}
