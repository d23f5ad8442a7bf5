#include <catch2/catch.hpp>

#include <map>
#include <sstream>
#include <string>

#include "layer_configs.hpp"
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

// The options `args` give; fails the test when they are refused or ask for help.
ServerOptions options_of(std::vector<const char*> args) {
  auto parsed = parse(std::move(args));
  INFO((parsed ? std::string() : parsed.error().reason));
  REQUIRE(parsed.ok());
  REQUIRE_FALSE(parsed->show_help);
  return parsed->options;
}

// Why `args` are refused; fails the test when they are not.
std::string refusal_of(std::vector<const char*> args) {
  auto parsed = parse(std::move(args));
  REQUIRE_FALSE(parsed.ok());
  return parsed.error().reason;
}

}  // namespace

TEST_CASE("Defaults match the documentation") {
  environment.clear();
  const auto options = options_of({});
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
  auto options = options_of({"--max-connections-per-address", "0", "--rate-burst", "5"});
  CHECK(options.rate_limit == 0);
  CHECK(options.max_connections_per_address == 0);
  CHECK(options.rate_burst == 5);
  environment.clear();
  CHECK(refusal_of({"--rate-burst", "0"}) == "--rate-burst expects a number from 1 to 1000000");
}

TEST_CASE("Flags and environment variables set options, and flags win") {
  environment = {{"PORT", "4000"}, {"CHATD_HISTORY", "5"}, {"CHATD_HEADLESS", "1"}};
  auto options = options_of({});
  CHECK(options.port == 4000);
  CHECK(options.history == 5);
  CHECK(options.headless);
  options = options_of({"--port", "5000", "--history=7", "--db", "/tmp/x.db"});
  CHECK(options.port == 5000);
  CHECK(options.history == 7);
  CHECK(options.db == "/tmp/x.db");
  environment.clear();
}

TEST_CASE("Bad options are refused with a message") {
  environment.clear();
  CHECK(refusal_of({"--port", "70000"}) == "--port expects a number from 0 to 65535");
  CHECK(refusal_of({"--port"}) == "--port expects a value");
  CHECK(refusal_of({"--frobnicate"}) == "unknown option --frobnicate (see --help)");
  {
    const auto help = parse({"--help"});
    REQUIRE(help.ok());
    CHECK(help->show_help);
  }
  environment = {{"PORT", "abc"}};
  CHECK(refusal_of({}) == "PORT expects a number from 0 to 65535");
  environment.clear();
}

TEST_CASE("--help lists every setting with its environment variable") {
  const auto help = chatd::help_text();
  for (const char* name :
       {"--port", "PORT", "--db", "CHATD_DB", "--history", "--headless", "--www", "--max-connections",
        "CHATD_MAX_CONNECTIONS", "--ping-interval", "--max-payload", "--max-connections-per-address",
        "CHATD_MAX_CONNECTIONS_PER_ADDRESS", "--rate-limit", "CHATD_RATE_LIMIT", "--rate-burst", "CHATD_RATE_BURST"}) {
    CHECK_THAT(help, Catch::Contains(name));
  }
}

TEST_CASE("The database size cap (--db-max-size) takes bytes or a K, M or G suffix, and 0 means no limit") {
  environment.clear();
  CHECK(options_of({}).db_max_size == 0);
  CHECK(options_of({"--db-max-size", "65536"}).db_max_size == 65536);
  CHECK(options_of({"--db-max-size=64K"}).db_max_size == 64 * 1024);
  CHECK(options_of({"--db-max-size", "500M"}).db_max_size == 500ull << 20);
  CHECK(options_of({"--db-max-size", "2G"}).db_max_size == 2ull << 30);
  CHECK(refusal_of({"--db-max-size", "10MB"}) ==
        "--db-max-size expects a size in bytes, or with the suffix K, M or G (0: no limit)");
  CHECK_FALSE(parse({"--db-max-size", "-1"}).ok());
  CHECK_FALSE(parse({"--db-max-size", "M"}).ok());
  environment = {{"CHATD_DB_MAX_SIZE", "1M"}};
  CHECK(options_of({}).db_max_size == 1 << 20);
  CHECK_THAT(chatd::help_text(), Catch::Contains("--db-max-size SIZE (CHATD_DB_MAX_SIZE)"));
  environment.clear();
}

TEST_CASE("TLS takes --cert and --key together, from flags or the environment") {
  environment.clear();
  const auto plain = options_of({});
  CHECK(plain.tls_cert.empty());
  CHECK(plain.tls_key.empty());
  const auto flags = options_of({"--cert", "/etc/chat/cert.pem", "--key=/etc/chat/key.pem"});
  CHECK(flags.tls_cert == "/etc/chat/cert.pem");
  CHECK(flags.tls_key == "/etc/chat/key.pem");
  environment = {{"CHATD_CERT", "a.pem"}, {"CHATD_KEY", "b.pem"}};
  const auto env = options_of({});
  CHECK(env.tls_cert == "a.pem");
  CHECK(env.tls_key == "b.pem");
  environment.clear();
  const std::string alone =
      "--cert and --key (CHATD_CERT, CHATD_KEY) go together: give both, or neither for plain http";
  CHECK(refusal_of({"--cert", "a.pem"}) == alone);
  CHECK(refusal_of({"--key", "b.pem"}) == alone);
  CHECK(refusal_of({"--cert="}) == "--cert expects a path");
}

TEST_CASE("The request timeout bounds the wait for request headers") {
  environment.clear();
  CHECK(options_of({}).request_timeout == std::chrono::milliseconds(15000));
  CHECK(options_of({"--request-timeout", "2500"}).request_timeout == std::chrono::milliseconds(2500));
  environment = {{"CHATD_REQUEST_TIMEOUT", "0"}};
  CHECK(refusal_of({}) == "CHATD_REQUEST_TIMEOUT expects milliseconds from 1 to 3600000");
  environment.clear();
  const auto help = chatd::help_text();
  for (const char* name :
       {"--cert", "CHATD_CERT", "--key", "CHATD_KEY", "--request-timeout", "CHATD_REQUEST_TIMEOUT"}) {
    CHECK_THAT(help, Catch::Contains(name));
  }
}

TEST_CASE("--help shows each setting's real default: given as the value, it changes nothing") {
  environment.clear();
  const ServerOptions defaults = options_of({});
  const auto help = chatd::help_text();
  std::istringstream lines(help);
  std::string line, flag;
  std::size_t shown = 0;
  while (std::getline(lines, line)) {
    if (line.rfind("  --", 0) == 0) {
      flag = line.substr(2, line.find(' ', 2) - 2);
      continue;
    }
    const auto at = line.find("(default ");
    if (at == std::string::npos) continue;
    const auto start = at + std::string("(default ").size();
    const auto value = line.substr(start, line.find_first_of(":)", start) - start);
    CAPTURE(flag, value);
    CHECK(options_of({flag.c_str(), value.c_str()}) == defaults);
    ++shown;
  }
  CHECK(shown == 15);  // every setting with a value of its own by default
  CHECK_THAT(help, Catch::Contains("(default " + std::to_string(chatd::defaults::kRateLimit) + ")"));
  CHECK_THAT(help, Catch::Contains("(default " + std::to_string(chatd::defaults::kMaxConnectionsPerAddress) + ")"));
  CHECK_THAT(help, Catch::Contains("(default 0: no limit)"));
  CHECK_THAT(help, Catch::Contains("(default: all interfaces)"));
}

TEST_CASE("Each layer's config, built with no arguments, is what the options give by default") {
  environment.clear();
  const ServerOptions options = options_of({});

  CHECK(chatd::chat::ChatConfig{} == chatd::chat_config(options));

  const chatd::eio::EngineIoConfig engine;
  const auto engine_from_options = chatd::engine_config(options);
  CHECK(engine.ping_interval == engine_from_options.ping_interval);
  CHECK(engine.ping_timeout == engine_from_options.ping_timeout);
  CHECK(engine.max_payload == engine_from_options.max_payload);
  CHECK(engine.max_sessions == engine_from_options.max_sessions);
  CHECK(engine.max_sessions_per_address == engine_from_options.max_sessions_per_address);
  CHECK(engine.establish_timeout == engine_from_options.establish_timeout);

  const chatd::transport::HttpConfig http;
  const auto http_from_options = chatd::http_config(options, std::nullopt);
  CHECK(http.bind_address == http_from_options.bind_address);
  CHECK(http.port == http_from_options.port);
  CHECK(http.max_connections == http_from_options.max_connections);
  CHECK(http.idle_timeout_ms == http_from_options.idle_timeout_ms);
  CHECK(http.request_timeout_ms == http_from_options.request_timeout_ms);
  CHECK_FALSE(http_from_options.tls);
}

TEST_CASE("The layers' configs follow the options") {
  environment.clear();
  const ServerOptions options = options_of({"--history", "7", "--rate-limit", "3", "--rate-burst", "4",
                                            "--recovery-window", "0", "--ping-interval", "1000", "--ping-timeout",
                                            "500", "--max-connections-per-address", "2", "--port", "0"});
  const auto chat = chatd::chat_config(options);
  CHECK(chat.history_on_join == 7);
  CHECK(chat.rate_limit == 3);
  CHECK(chat.rate_burst == 4);
  CHECK(chat.recovery_window == std::chrono::milliseconds(0));
  const auto engine = chatd::engine_config(options);
  CHECK(engine.ping_interval == std::chrono::milliseconds(1000));
  CHECK(engine.max_sessions_per_address == 2);
  const auto http = chatd::http_config(options, std::nullopt);
  CHECK(http.port == 0);
  CHECK(http.idle_timeout_ms == 1000 + 500 + 5000);  // beyond the heartbeat's own timeout
}
