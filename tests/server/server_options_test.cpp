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
  CHECK(options.max_connections_per_address == 100);
  CHECK(options.rate_limit == 10);
  CHECK(options.rate_burst == 20);
}

TEST_CASE("The abuse limits can be lifted with 0, except the burst") {
  environment = {{"CHATD_RATE_LIMIT", "0"}};
  auto options = std::get<ServerOptions>(parse({"--max-connections-per-address", "0", "--rate-burst", "5"}));
  CHECK(options.rate_limit == 0);
  CHECK(options.max_connections_per_address == 0);
  CHECK(options.rate_burst == 5);
  environment.clear();
  CHECK(std::get<std::string>(parse({"--rate-burst", "0"})) == "--rate-burst expects a number from 1 to 1000000");
}

TEST_CASE("Flags and environment variables set options, and flags win") {
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
                           "--max-connections", "CHATD_MAX_CONNECTIONS", "--ping-interval", "--max-payload",
                           "--max-connections-per-address", "CHATD_MAX_CONNECTIONS_PER_ADDRESS", "--rate-limit",
                           "CHATD_RATE_LIMIT", "--rate-burst", "CHATD_RATE_BURST"}) {
    CHECK_THAT(help, Catch::Contains(name));
  }
}

TEST_CASE("The database size cap (--db-max-size) takes bytes or a K, M or G suffix, and 0 means no limit") {
  environment.clear();
  CHECK(std::get<ServerOptions>(parse({})).db_max_size == 0);
  CHECK(std::get<ServerOptions>(parse({"--db-max-size", "65536"})).db_max_size == 65536);
  CHECK(std::get<ServerOptions>(parse({"--db-max-size=64K"})).db_max_size == 64 * 1024);
  CHECK(std::get<ServerOptions>(parse({"--db-max-size", "500M"})).db_max_size == 500ull << 20);
  CHECK(std::get<ServerOptions>(parse({"--db-max-size", "2G"})).db_max_size == 2ull << 30);
  CHECK(std::get<std::string>(parse({"--db-max-size", "10MB"})) ==
        "--db-max-size expects a size in bytes, or with the suffix K, M or G (0: no limit)");
  CHECK(std::holds_alternative<std::string>(parse({"--db-max-size", "-1"})));
  CHECK(std::holds_alternative<std::string>(parse({"--db-max-size", "M"})));
  environment = {{"CHATD_DB_MAX_SIZE", "1M"}};
  CHECK(std::get<ServerOptions>(parse({})).db_max_size == 1 << 20);
  CHECK_THAT(chatd::help_text(), Catch::Contains("--db-max-size SIZE (CHATD_DB_MAX_SIZE)"));
  environment.clear();
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
