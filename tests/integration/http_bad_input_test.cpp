// Hostile HTTP against the real chatd serving a page: requests that try to
// leave --www, oversized and trickled headers, methods other than GET/HEAD on
// static files, and folders without an index. Each must get a refusal and
// must not keep chatd from serving everyone else.

#include <catch2/catch.hpp>

#include <filesystem>
#include <string>
#include <thread>

#include "chatd_process.hpp"
#include "http_test_client.hpp"
#include "raw_http_connection.hpp"
#include "static_site.hpp"
#include "test_support.hpp"

using chat_it::ChatdProcess;
using chat_it::HttpTestClient;
using chat_it::RawHttpConnection;
using chat_it::StaticSite;

namespace {

std::string get_request(const std::string& target, const std::string& extra_headers = "") {
  return "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extra_headers + "Connection: close\r\n\r\n";
}

void check_still_serves_the_page(std::uint16_t port) {
  const auto page = HttpTestClient(port).get("/");
  CHECK(page.status == 200);
  CHECK(page.body == StaticSite::kPage);
}

}  // namespace

TEST_CASE("requests that try to leave --www never read outside it", "[http][bad-input]") {
  StaticSite site;
  ChatdProcess server(site.args());
  // Every target names secret.txt (beside www/) or a system file, by dot
  // segments, percent-encoded dots and slashes, backslashes or an absolute path.
  const char* targets[] = {
      "/../secret.txt",
      "/../../../../../../etc/passwd",
      "/classic/../../secret.txt",
      "/%2e%2e/secret.txt",
      "/%2E%2E/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
      "/.%2e/secret.txt",
      "/classic/%2e%2e/%2e%2e/secret.txt",
      "/..%2fsecret.txt",
      "/classic%2f..%2f..%2fsecret.txt",
      "/%2f..%2f..%2f..%2fetc%2fpasswd",
      "/..\\secret.txt",
      "/%5c..%5csecret.txt",
      "/%252e%252e/secret.txt",
      "//etc/passwd",
      "/etc/passwd",
      "/%2fetc%2fpasswd",
      "../secret.txt",
  };
  for (const char* target : targets) {
    INFO(target);
    const auto response = RawHttpConnection::exchange(server.port(), get_request(target));
    const auto status = chat_it::status_of(response);
    CHECK((status == 400 || status == 404));
    CHECK(response.find("top secret") == std::string::npos);
    CHECK(response.find("root:") == std::string::npos);
  }
  // An absolute-form target (a proxy request): CivetWeb closes the
  // connection without an answer.
  for (const char* target : {"http://127.0.0.1/../secret.txt", "http://127.0.0.1/%2e%2e/secret.txt"}) {
    INFO(target);
    RawHttpConnection connection(server.port());
    connection.send(get_request(target));
    const auto response = connection.read_until_closed();
    CHECK(connection.closed());
    CHECK(response.find("top secret") == std::string::npos);
  }
  check_still_serves_the_page(server.port());
  REQUIRE(chat_it::stop_server(server) == 0);
}

TEST_CASE("oversized request headers are refused and others are still served", "[http][bad-input]") {
  StaticSite site;
  ChatdProcess server(site.args());
  // CivetWeb reads a request's headers into a 16 KiB buffer (max_request_size);
  // more is a malformed request to it: 400, and the connection is closed.
  const std::string big(20000, 'a');
  const auto response = RawHttpConnection::exchange(server.port(), get_request("/", "X-Big: " + big + "\r\n"));
  CHECK(chat_it::status_of(response) == 400);
  CHECK(response.find(StaticSite::kPage) == std::string::npos);
  check_still_serves_the_page(server.port());
  REQUIRE(chat_it::stop_server(server) == 0);
}

TEST_CASE("headers trickled slowly are cut off by --request-timeout while others are served", "[http][bad-input]") {
  StaticSite site;
  auto args = site.args();
  args.insert(args.end(), {"--request-timeout", "1000"});
  ChatdProcess server(args);
  RawHttpConnection slow(server.port());
  REQUIRE(slow.send("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n"));
  // One header line every 100 ms, never the blank line that ends them, until
  // chatd closes the connection (or the test gives up after 20 s: a failure).
  std::string answer;
  bool others_served = false;
  for (int line = 0; line < 200 && !slow.closed(); ++line) {
    if (!slow.send("X-Slow-" + std::to_string(line) + ": 1\r\n")) break;
    answer += slow.read_until_closed(std::chrono::milliseconds(100));
    if (line == 2) {
      // Meanwhile another client is served at once.
      check_still_serves_the_page(server.port());
      others_served = true;
    }
  }
  if (!slow.closed()) answer += slow.read_until_closed(std::chrono::milliseconds(1000));
  CHECK(slow.closed());
  CHECK(others_served);
  CHECK(answer.find(StaticSite::kPage) == std::string::npos);
  check_still_serves_the_page(server.port());
  REQUIRE(chat_it::stop_server(server) == 0);
}

TEST_CASE("methods other than GET and HEAD on static files get 405 with Allow", "[http][bad-input]") {
  StaticSite site;
  ChatdProcess server(site.args());
  for (const char* method :
       {"POST", "PUT", "DELETE", "PATCH", "OPTIONS", "PROPFIND", "PROPPATCH", "MKCOL", "LOCK", "UNLOCK"}) {
    for (const char* target : {"/", "/index.html", "/classic/", "/assets/", "/new-file.txt", "/healthz"}) {
      INFO(method << " " << target);
      const auto response = RawHttpConnection::exchange(
          server.port(), std::string(method) + " " + target +
                             " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello");
      CHECK(chat_it::status_of(response) == 405);
      CHECK(chat_it::header_of(response, "Allow") == "GET, HEAD");
    }
  }
  // Methods CivetWeb does not know at all are malformed requests to it.
  for (const char* method : {"TRACE", "BREW"}) {
    INFO(method);
    const auto response = RawHttpConnection::exchange(
        server.port(), std::string(method) + " / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    CHECK(chat_it::status_of(response) == 400);
  }
  // Nothing was written or removed.
  CHECK_FALSE(std::filesystem::exists(site.www() / "new-file.txt"));
  CHECK(std::filesystem::exists(site.www() / "index.html"));
  // HEAD is allowed: the page's headers, no body.
  const auto head =
      RawHttpConnection::exchange(server.port(), "HEAD / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
  CHECK(chat_it::status_of(head) == 200);
  CHECK(chat_it::body_of(head).empty());
  check_still_serves_the_page(server.port());
  REQUIRE(chat_it::stop_server(server) == 0);
}

TEST_CASE("a folder under --www without an index gives 403, never a listing", "[http][bad-input]") {
  StaticSite site;
  ChatdProcess server(site.args());
  // Spellings without the one final slash get a redirect to the folder's
  // address, which is then refused the same way.
  for (const char* target : {"/assets/", "/classic/../assets/", "/assets/.", "/%61ssets/", "/assets", "/assets//",
                             "//assets", "/assets/./"}) {
    INFO(target);
    auto response = RawHttpConnection::exchange(server.port(), get_request(target));
    if (chat_it::status_of(response) == 301) {
      CHECK(chat_it::header_of(response, "Location") == "/assets/");
      response = RawHttpConnection::exchange(server.port(), get_request("/assets/"));
    }
    CHECK(chat_it::status_of(response) == 403);
    CHECK(response.find("listed-nowhere") == std::string::npos);
  }
  // A folder with an index: its page, under any spelling.
  for (const char* target : {"/classic/", "/classic//", "/%63lassic/"}) {
    INFO(target);
    const auto response = RawHttpConnection::exchange(server.port(), get_request(target));
    CHECK(chat_it::status_of(response) == 200);
    CHECK(chat_it::body_of(response) == StaticSite::kPage);
  }
  REQUIRE(chat_it::stop_server(server) == 0);
}
