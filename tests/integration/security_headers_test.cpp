// The security headers: the page's Content-Security-Policy and friends on
// every static file (and CivetWeb's error pages), and a deny-all policy,
// nosniff and no-store on the JSON and Engine.IO answers.

#include <catch2/catch.hpp>

#include <string>

#include "chatd_process.hpp"
#include "http_test_client.hpp"
#include "raw_http_connection.hpp"
#include "socketio_test_client.hpp"
#include "static_site.hpp"
#include "test_support.hpp"

using chat_it::ChatdProcess;
using chat_it::HttpTestClient;
using chat_it::StaticSite;

namespace {

// The exact policy: the WASM client and the classic page need no more.
constexpr const char* kPagePolicy =
    "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
constexpr const char* kApiPolicy = "default-src 'none'; frame-ancestors 'none'";

void check_page_headers(const HttpTestClient::Response& response) {
  CHECK(response.header("Content-Security-Policy") == kPagePolicy);
  CHECK(response.header("X-Content-Type-Options") == "nosniff");
  CHECK(response.header("Referrer-Policy") == "no-referrer");
  CHECK(response.header("X-Frame-Options") == "DENY");
  CHECK(response.header("Cross-Origin-Opener-Policy") == "same-origin");
  CHECK(response.header("Cross-Origin-Resource-Policy") == "same-origin");
}

void check_api_headers(const HttpTestClient::Response& response) {
  CHECK(response.header("Content-Security-Policy") == kApiPolicy);
  CHECK(response.header("X-Content-Type-Options") == "nosniff");
  CHECK(response.header("Referrer-Policy") == "no-referrer");
  CHECK(response.header("Cache-Control") == "no-store");
}

}  // namespace

TEST_CASE("the page, static files and error pages carry the security headers with the exact policy",
          "[http][headers]") {
  StaticSite site;
  ChatdProcess server(site.args());
  HttpTestClient http(server.port());
  for (const char* target : {"/", "/index.html", "/style.css", "/classic/", "/no-such-file.js", "/assets/"}) {
    INFO(target);
    const auto response = http.get(target);
    CHECK(response.status != 0);
    check_page_headers(response);
  }
  // The 405 of a method other than GET/HEAD, written by chatd itself.
  const auto refused = chat_it::RawHttpConnection::exchange(
      server.port(), "POST /index.html HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
  CHECK(chat_it::status_of(refused) == 405);
  CHECK(chat_it::header_of(refused, "Content-Security-Policy") == kPagePolicy);
  CHECK(chat_it::header_of(refused, "X-Content-Type-Options") == "nosniff");
  REQUIRE(chat_it::stop_server(server) == 0);
}

TEST_CASE("JSON and Engine.IO answers carry nosniff, no-store and a deny-all policy", "[http][headers]") {
  ChatdProcess server;
  HttpTestClient http(server.port());
  for (const char* target :
       {"/healthz", "/", "/socket.io/?EIO=4&transport=polling", "/socket.io/?EIO=3&transport=polling"}) {
    INFO(target);
    check_api_headers(http.get(target));
  }
  // A declined WebSocket upgrade.
  chat_it::SocketIoTestClient client(server.port());
  REQUIRE_FALSE(client.try_open_websocket("/socket.io/?EIO=3&transport=websocket"));
  const auto& declined = client.upgrade_response();
  CHECK(declined.result_int() == 400);
  CHECK(declined["Content-Security-Policy"] == kApiPolicy);
  CHECK(declined["X-Content-Type-Options"] == "nosniff");
  CHECK(declined["Cache-Control"] == "no-store");
  REQUIRE(chat_it::stop_server(server) == 0);
}
