// Browsers send the page's Origin: only the server's own origin, localhost
// and configured origins may open a Socket.IO session (no cross-site chat
// in a visitor's name). Clients that send no Origin are not browsers.

#include <catch2/catch.hpp>

#include "chatd_process.hpp"
#include "http_test_client.hpp"

using namespace chat_it;

namespace {

const std::string kHandshake = "/socket.io/?EIO=4&transport=polling";

}  // namespace

TEST_CASE("A page from another origin cannot open a session, the server's own origin can") {
  ChatdProcess chatd;
  HttpTestClient http(chatd.port());
  const std::string self = "127.0.0.1:" + std::to_string(chatd.port());

  const auto foreign = http.get(kHandshake, {{"Origin", "https://evil.example"}, {"Host", self}});
  CHECK(foreign.status == 403);
  CHECK(foreign.body.find("\"code\":4") != std::string::npos);
  CHECK(foreign.body.find("--allowed-origins") != std::string::npos);
  CHECK(http.get(kHandshake, {{"Origin", "null"}, {"Host", self}}).status == 403);

  CHECK(http.get(kHandshake, {{"Origin", "http://" + self}, {"Host", self}}).status == 200);
  CHECK(http.get(kHandshake, {{"Origin", "http://localhost:8080"}, {"Host", "chat.example"}}).status == 200);
  CHECK(http.get(kHandshake).status == 200);  // no Origin: not a browser
}

TEST_CASE("The origin allow-list (--allowed-origins) admits the listed origins, and only those") {
  ChatdProcess chatd({"--allowed-origins", "https://chat.example.com,https://other.example"});
  HttpTestClient http(chatd.port());
  const std::string host = "chat-backend.internal";
  CHECK(http.get(kHandshake, {{"Origin", "https://chat.example.com"}, {"Host", host}}).status == 200);
  CHECK(http.get(kHandshake, {{"Origin", "https://other.example"}, {"Host", host}}).status == 200);
  CHECK(http.get(kHandshake, {{"Origin", "https://chat.example.com.evil.example"}, {"Host", host}}).status == 403);
}
