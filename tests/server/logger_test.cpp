#include <catch2/catch.hpp>

#include <chrono>
#include <map>
#include <string>

#include "log/logger.hpp"
#include "server_options.hpp"

namespace logging = chatd::log;
using namespace std::chrono_literals;

namespace {

// 2021-01-02T03:04:05.678Z
const std::chrono::system_clock::time_point kTime{1609556645678ms};

}  // namespace

TEST_CASE("A log line is logfmt: timestamp, level, message, then the fields", "[log]") {
  CHECK(logging::format_line(kTime, logging::Level::info, "session opened", {{"sid", "abc"}, {"count", 3}}) ==
        "ts=2021-01-02T03:04:05.678Z level=info msg=\"session opened\" sid=abc count=3\n");
  CHECK(logging::format_line(kTime, logging::Level::warn, "x", {}) == "ts=2021-01-02T03:04:05.678Z level=warn msg=x\n");
}

TEST_CASE("Values that could forge a field or a line are quoted and escaped", "[log]") {
  const auto line = logging::format_line(kTime, logging::Level::debug, "m",
                                         {{"nick", "a b"},
                                          {"evil", "x\nts=now level=error msg=forged"},
                                          {"quote", "say \"hi\" \\o/"},
                                          {"eq", "k=v"},
                                          {"empty", ""},
                                          {"bell", "\x07"}});
  CHECK(line ==
        "ts=2021-01-02T03:04:05.678Z level=debug msg=m nick=\"a b\" "
        "evil=\"x\\nts=now level=error msg=forged\" quote=\"say \\\"hi\\\" \\\\o/\" eq=\"k=v\" empty=\"\" "
        "bell=\"\\x07\"\n");
  CHECK(line.find('\n') == line.size() - 1);  // one line, whatever the values hold
}

TEST_CASE("Levels parse by name and filter less severe lines", "[log]") {
  CHECK(logging::parse_level("error") == logging::Level::error);
  CHECK(logging::parse_level("debug") == logging::Level::debug);
  CHECK(logging::parse_level("verbose") == std::nullopt);
  logging::set_level(logging::Level::warn);
  CHECK(logging::enabled(logging::Level::error));
  CHECK(logging::enabled(logging::Level::warn));
  CHECK_FALSE(logging::enabled(logging::Level::info));
  CHECK_FALSE(logging::enabled(logging::Level::debug));
  logging::set_level(logging::Level::info);
}

TEST_CASE("The --log-level flag and CHATD_LOG_LEVEL set the level, info by default", "[log]") {
  static std::map<std::string, std::string> environment;
  const auto getenv = [](const char* name) -> const char* {
    const auto it = environment.find(name);
    return it == environment.end() ? nullptr : it->second.c_str();
  };
  const auto parse = [&](std::vector<const char*> args) {
    args.insert(args.begin(), "chatd");
    return chatd::parse_options(static_cast<int>(args.size()), args.data(), getenv);
  };
  environment.clear();
  CHECK(parse({}).value().options.log_level == logging::Level::info);
  CHECK(parse({"--log-level", "debug"}).value().options.log_level == logging::Level::debug);
  environment = {{"CHATD_LOG_LEVEL", "error"}};
  CHECK(parse({}).value().options.log_level == logging::Level::error);
  CHECK(parse({"--log-level=warn"}).value().options.log_level == logging::Level::warn);
  environment.clear();
  CHECK(parse({"--log-level", "loud"}).error().reason == "--log-level expects error, warn, info or debug");
  CHECK_THAT(chatd::help_text(), Catch::Contains("--log-level LEVEL (CHATD_LOG_LEVEL)"));
}
