// /metrics: the Prometheus text exposition of chatd's counters, read after a
// known activity and checked for exact movements and for the format's rules.

#include <catch2/catch.hpp>

#include <chrono>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>

#include "chatd_process.hpp"
#include "http_test_client.hpp"
#include "socketio_test_client.hpp"
#include "test_support.hpp"

using chat_it::ChatdProcess;
using chat_it::HttpTestClient;
using chat_it::SocketIoTestClient;
namespace events = codec::events;

namespace {

// Every sample of one scrape, keyed by name and labels as written
// (`chatd_connections{transport="websocket"}`).
using Samples = std::map<std::string, double>;

// Parses the text exposition format 0.0.4 strictly enough to catch what a
// Prometheus server would reject; throws with the offending line.
Samples parse_exposition(const std::string& text) {
  static const std::regex help(R"(^# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) .*$)");
  static const std::regex type(R"(^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$)");
  static const std::regex sample(R"(^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*")"
                                 R"((?:,[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*")*\})? (\S+)$)");
  std::map<std::string, std::string> types;  // family -> type
  std::set<std::string> helped;
  Samples samples;
  std::istringstream lines(text);
  std::string line;
  std::smatch match;
  if (text.empty() || text.back() != '\n') throw std::runtime_error("the exposition must end with a newline");
  while (std::getline(lines, line)) {
    if (std::regex_match(line, match, help)) {
      if (!helped.insert(match[1]).second) throw std::runtime_error("second HELP: " + line);
      continue;
    }
    if (std::regex_match(line, match, type)) {
      if (!types.emplace(match[1], match[2]).second) throw std::runtime_error("second TYPE: " + line);
      continue;
    }
    if (!std::regex_match(line, match, sample)) throw std::runtime_error("not a sample line: '" + line + "'");
    const std::string name = match[1];
    std::string family = name;
    for (const std::string suffix : {"_bucket", "_sum", "_count"}) {
      const auto base = name.substr(0, name.size() - std::min(name.size(), suffix.size()));
      if (name.ends_with(suffix) && types.count(base) && types.at(base) == "histogram") family = base;
    }
    if (!types.count(family)) throw std::runtime_error("sample without a preceding TYPE: " + line);
    if (!helped.count(family)) throw std::runtime_error("sample without a preceding HELP: " + line);
    const std::string value = match[3];
    double parsed = 0;
    if (value == "+Inf") {
      parsed = std::numeric_limits<double>::infinity();
    } else {
      std::size_t used = 0;
      parsed = std::stod(value, &used);
      if (used != value.size()) throw std::runtime_error("bad value: " + line);
    }
    const std::string key = name + match[2].str();
    if (!samples.emplace(key, parsed).second) throw std::runtime_error("duplicate sample: " + line);
  }
  return samples;
}

Samples scrape(std::uint16_t port) {
  const auto response = HttpTestClient(port).get("/metrics");
  REQUIRE(response.status == 200);
  CHECK(response.content_type == "text/plain; version=0.0.4; charset=utf-8");
  return parse_exposition(response.body);
}

double at(const Samples& samples, const std::string& key) {
  const auto it = samples.find(key);
  if (it == samples.end()) throw std::runtime_error("no sample " + key);
  return it->second;
}

}  // namespace

TEST_CASE("the exposition parser rejects what Prometheus rejects", "[metrics]") {
  CHECK_NOTHROW(parse_exposition("# HELP a_total A\n# TYPE a_total counter\na_total 1\n"));
  CHECK_THROWS(parse_exposition("a_total 1\n"));                               // no TYPE
  CHECK_THROWS(parse_exposition("# HELP a A\n# TYPE a gauge\na{x=\"1} 1\n"));  // broken label
  CHECK_THROWS(parse_exposition("# HELP 1a A\n# TYPE 1a gauge\n1a 1\n"));      // bad name
  CHECK_THROWS(parse_exposition("# HELP a A\n# TYPE a gauge\na one\n"));       // bad value
}

TEST_CASE("/metrics counts sessions, events, deliveries and commits exactly", "[metrics]") {
  ChatdProcess server;
  const auto before = scrape(server.port());
  const auto moved = [&](const Samples& now, const std::string& key) { return at(now, key) - at(before, key); };

  SocketIoTestClient alice(server.port());
  SocketIoTestClient bob(server.port());
  alice.join("alice");
  bob.join("bob");
  chat_it::settle(alice, 2);
  alice.say("counted, not logged");
  bob.wait_for_event(events::kUserMessage);

  const auto after = scrape(server.port());
  CHECK(at(after, R"(chatd_connections{transport="websocket"})") == 2);
  CHECK(at(after, R"(chatd_connections{transport="polling"})") == 0);
  CHECK(moved(after, "chatd_engineio_sessions_opened_total") == 2);
  CHECK(moved(after, "chatd_engineio_sessions_closed_total") == 0);
  // Two nicknames and one message.
  CHECK(moved(after, "chatd_socketio_events_received_total") == 3);
  // alice's join: nicknames to alice; bob's join: the announcement to alice
  // and nicknames to both; the message: to bob. Acks are not events.
  CHECK(moved(after, "chatd_socketio_events_sent_total") == 5);
  CHECK(moved(after, "chatd_chat_messages_stored_total") == 1);
  CHECK(moved(after, "chatd_chat_deliveries_total") == 1);
  CHECK(moved(after, "chatd_chat_rate_limited_total") == 0);
  CHECK(moved(after, "chatd_engineio_send_queue_overflows_total") == 0);
  CHECK(moved(after, "chatd_history_append_seconds_count") == 1);
  CHECK(moved(after, R"(chatd_history_append_seconds_bucket{le="+Inf"})") == 1);
  CHECK(at(after, "chatd_history_append_seconds_sum") > 0);

  bob.close();
  Samples closed;
  for (int i = 0; i < 100; ++i) {
    closed = scrape(server.port());
    if (moved(closed, "chatd_engineio_sessions_closed_total") == 1) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  CHECK(moved(closed, "chatd_engineio_sessions_closed_total") == 1);
  CHECK(at(closed, R"(chatd_connections{transport="websocket"})") == 1);
  REQUIRE(chat_it::stop_server(server, {&alice}) == 0);
}

TEST_CASE("/metrics counts a long-polling session under its transport", "[metrics]") {
  ChatdProcess server;
  HttpTestClient http(server.port());
  const auto handshake = http.get("/socket.io/?EIO=4&transport=polling");
  REQUIRE(handshake.status == 200);
  const auto samples = scrape(server.port());
  CHECK(at(samples, R"(chatd_connections{transport="polling"})") == 1);
  CHECK(at(samples, R"(chatd_connections{transport="websocket"})") == 0);
  CHECK(at(samples, "chatd_engineio_sessions_opened_total") == 1);
  REQUIRE(chat_it::stop_server(server, {}) == 0);
}

TEST_CASE("/metrics counts refused handshakes on both transports", "[metrics][limits]") {
  const std::string polling_handshake = "/socket.io/?EIO=4&transport=polling";
  const std::string refused = "chatd_engineio_sessions_refused_total";

  SECTION("server full (--max-connections): WebSocket 1013, long-polling 503") {
    ChatdProcess server({"--max-connections", "1"});
    HttpTestClient http(server.port());
    SocketIoTestClient alice(server.port());
    alice.connect();
    CHECK(at(scrape(server.port()), refused) == 0);

    SocketIoTestClient second(server.port());
    second.open_websocket();
    CHECK(second.wait_for_close().code == 1013);
    CHECK(at(scrape(server.port()), refused) == 1);

    CHECK(http.get(polling_handshake).status == 503);
    const auto after = scrape(server.port());
    CHECK(at(after, refused) == 2);
    CHECK(at(after, "chatd_engineio_sessions_opened_total") == 1);
    REQUIRE(chat_it::stop_server(server, {&alice, &second}) == 0);
  }

  SECTION("too many from one address (--max-connections-per-address): WebSocket 1013, long-polling 429") {
    ChatdProcess server({"--max-connections-per-address", "1"});
    HttpTestClient http(server.port());
    REQUIRE(http.get(polling_handshake).status == 200);  // a long-polling session takes the place
    CHECK(at(scrape(server.port()), refused) == 0);

    CHECK(http.get(polling_handshake).status == 429);
    CHECK(at(scrape(server.port()), refused) == 1);

    SocketIoTestClient second(server.port());
    second.open_websocket();
    CHECK(second.wait_for_close().code == 1013);
    const auto after = scrape(server.port());
    CHECK(at(after, refused) == 2);
    CHECK(at(after, "chatd_engineio_sessions_opened_total") == 1);
    REQUIRE(chat_it::stop_server(server, {&second}) == 0);
  }
}
