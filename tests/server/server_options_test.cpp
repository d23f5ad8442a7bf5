#include <catch2/catch.hpp>

#include <map>
#include <string>

#include "server_options.hpp"

using chatd::ServerOptions;

namespace {

std::map<std::string, std::string> environment;

const char* fake_getenv(const char* name) {
  const auto it = environment.find(name);
  return it == environment.end() ? nullptr : it->second.c_str();
}

chatd::ParseResult parse(std::vector<const char*> args) {
  args.insert(args.begin(), "chatd");
  return chatd::parse_options(static_cast<int>(args.size()), args.data(), fake_getenv);
}

}  // namespace

TEST_CASE("Defaults match the documentation") {
  environment.clear();
  const auto options = std::get<ServerOptions>(parse({}));
  CHECK(options.port == 3000);
  CHECK(options.db == "data/chat.db");
  CHECK(options.history == 100);
  CHECK_FALSE(options.headless);
  CHECK(options.max_connections == 1000);
}

TEST_CASE("Flags and environment variables set options; flags win") {
  environment = {{"PORT", "4000"}, {"CHATD_HISTORY", "5"}, {"CHATD_HEADLESS", "1"}};
  auto options = std::get<ServerOptions>(parse({}));
  CHECK(options.port == 4000);
  CHECK(options.history == 5);
  CHECK(options.headless);
  options = std::get<ServerOptions>(parse({"--port", "5000", "--history=7", "--db", "/tmp/x.db"}));
  CHECK(options.port == 5000);
  CHECK(options.history == 7);
  CHECK(options.db == "/tmp/x.db");
  environment.clear();
}

TEST_CASE("Bad options are refused with a message") {
  environment.clear();
  CHECK(std::get<std::string>(parse({"--port", "70000"})) == "--port expects a number from 0 to 65535");
  CHECK(std::get<std::string>(parse({"--port"})) == "--port expects a value");
  CHECK(std::get<std::string>(parse({"--frobnicate"})) == "unknown option --frobnicate (see --help)");
  CHECK(std::holds_alternative<chatd::ShowHelp>(parse({"--help"})));
  environment = {{"PORT", "abc"}};
  CHECK(std::get<std::string>(parse({})) == "PORT expects a number from 0 to 65535");
  environment.clear();
}

TEST_CASE("--help lists every setting with its environment variable") {
  const auto help = chatd::help_text();
  for (const char* name : {"--port", "PORT", "--db", "CHATD_DB", "--history", "--headless", "--www",
                           "--max-connections", "CHATD_MAX_CONNECTIONS", "--ping-interval", "--max-payload"}) {
    CHECK_THAT(help, Catch::Contains(name));
  }
}

TEST_CASE("TLS takes --cert and --key together, from flags or the environment") {
  environment.clear();
  const auto plain = std::get<ServerOptions>(parse({}));
  CHECK(plain.tls_cert.empty());
  CHECK(plain.tls_key.empty());
  const auto flags = std::get<ServerOptions>(parse({"--cert", "/etc/chat/cert.pem", "--key=/etc/chat/key.pem"}));
  CHECK(flags.tls_cert == "/etc/chat/cert.pem");
  CHECK(flags.tls_key == "/etc/chat/key.pem");
  environment = {{"CHATD_CERT", "a.pem"}, {"CHATD_KEY", "b.pem"}};
  const auto env = std::get<ServerOptions>(parse({}));
  CHECK(env.tls_cert == "a.pem");
  CHECK(env.tls_key == "b.pem");
  environment.clear();
  const std::string alone =
      "--cert and --key (CHATD_CERT, CHATD_KEY) go together: give both, or neither for plain http";
  CHECK(std::get<std::string>(parse({"--cert", "a.pem"})) == alone);
  CHECK(std::get<std::string>(parse({"--key", "b.pem"})) == alone);
  CHECK(std::get<std::string>(parse({"--cert="})) == "--cert expects a path");
}

TEST_CASE("The request timeout bounds the wait for request headers") {
  environment.clear();
  CHECK(std::get<ServerOptions>(parse({})).request_timeout == std::chrono::milliseconds(15000));
  CHECK(std::get<ServerOptions>(parse({"--request-timeout", "2500"})).request_timeout ==
        std::chrono::milliseconds(2500));
  environment = {{"CHATD_REQUEST_TIMEOUT", "0"}};
  CHECK(std::get<std::string>(parse({})) == "CHATD_REQUEST_TIMEOUT expects milliseconds from 1 to 3600000");
  environment.clear();
  const auto help = chatd::help_text();
  for (const char* name : {"--cert", "CHATD_CERT", "--key", "CHATD_KEY", "--request-timeout", "CHATD_REQUEST_TIMEOUT"}) {
    CHECK_THAT(help, Catch::Contains(name));
  }
}
