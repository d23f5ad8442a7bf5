// chatd with --cert and --key: the page, /healthz, long-polling and
// WebSocket over TLS on the one port; plain http there gets nothing; a
// missing or unusable certificate stops chatd at start with a reason.

#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "chatd_process.hpp"
#include "raw_http_connection.hpp"
#include "self_signed_certificate.hpp"
#include "static_site.hpp"
#include "temporary_directory.hpp"
#include "test_support.hpp"
#include "tls_test_clients.hpp"

using chat_it::ChatdProcess;
using chat_it::HttpsTestClient;
using chat_it::SelfSignedCertificate;
using chat_it::StaticSite;
using chat_it::WssSocketIoTestClient;
using nlohmann::json;

namespace {

std::vector<std::string> tls_args(const SelfSignedCertificate& certificate) {
  return {"--cert", certificate.certificate_file.string(), "--key", certificate.key_file.string()};
}

std::vector<std::string> with_tls(std::vector<std::string> args, const SelfSignedCertificate& certificate) {
  for (auto& arg : tls_args(certificate)) args.push_back(arg);
  return args;
}

// chatd serving a page over https, with a fresh certificate beside the page.
struct HttpsSite {
  StaticSite site;
  SelfSignedCertificate certificate = SelfSignedCertificate::create(site.www().parent_path());
  ChatdProcess server{with_tls(site.args(), certificate)};
};

struct Exit {
  int code = -1;
  std::string output;  // stdout and stderr
};

std::string quoted(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// Runs chatd (in an empty environment, killed after 10 s should it start
// after all) and waits for its exit.
Exit run_until_exit(const std::vector<std::string>& args) {
  TemporaryDirectory dir;
  // Appended piece by piece: `"literal" + std::string&&` (an insert at 0)
  // makes GCC 12 at -O3 report a false -Wrestrict overlap in char_traits.h
  // (GCC bug 105651), which -Werror turns into a failed build.
  std::string command = "timeout -s KILL 10 env -i ";
  command += quoted(ChatdProcess::binary_path());
  command += " --headless --port 0 --db ";
  command += quoted((dir.path() / "chat.db").string());
  for (const auto& arg : args) {
    command += ' ';
    command += quoted(arg);
  }
  command += " 2>&1";
  Exit result;
  FILE* pipe = ::popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  char chunk[512];
  while (const std::size_t count = std::fread(chunk, 1, sizeof chunk, pipe)) result.output.append(chunk, count);
  const int status = ::pclose(pipe);
  result.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

}  // namespace

TEST_CASE_METHOD(HttpsSite, "with --cert and --key chatd serves the page, /healthz and long-polling over https",
                 "[tls]") {
  CHECK(server.tls());
  CHECK(server.ready_line().rfind("chatd listening on https://127.0.0.1:", 0) == 0);
  HttpsTestClient https(server.port(), certificate.certificate_pem);

  const auto page = https.get("/");
  CHECK(page.status == 200);
  CHECK(page.body == StaticSite::kPage);
  CHECK_FALSE(page.header("Content-Security-Policy").empty());

  const auto health = https.get("/healthz");
  CHECK(health.status == 200);
  CHECK(json::parse(health.body).at("status") == "ok");

  // Long-polling: the handshake, Socket.IO CONNECT by POST, its answer by GET.
  const auto open = https.get("/socket.io/?EIO=4&transport=polling");
  REQUIRE(open.status == 200);
  REQUIRE(open.body.rfind("0{", 0) == 0);
  const std::string sid = json::parse(open.body.substr(1)).at("sid");
  const std::string session = "/socket.io/?EIO=4&transport=polling&sid=" + sid;
  CHECK(https.post(session, "40").body == "ok");
  CHECK(https.get(session).body.rfind("40{", 0) == 0);
  REQUIRE(chat_it::stop_server(server) == 0);
}

TEST_CASE("two Socket.IO clients chat over wss", "[tls]") {
  TemporaryDirectory dir;
  const auto certificate = SelfSignedCertificate::create(dir.path());
  ChatdProcess server(tls_args(certificate));
  WssSocketIoTestClient alice(server.port(), certificate.certificate_pem);
  WssSocketIoTestClient bob(server.port(), certificate.certificate_pem);
  CHECK(alice.connect().rfind("0{", 0) == 0);
  bob.connect();

  alice.send_text(R"(420["nickname","alice"])");
  CHECK(alice.frame_starting_with("430") == "430[false]");
  bob.send_text(R"(420["nickname","bob"])");
  CHECK(bob.frame_starting_with("430") == "430[false]");

  alice.send_text(R"(421["user message","hello over TLS"])");
  CHECK(alice.frame_starting_with("431").rfind(R"(431[{"id":)", 0) == 0);
  const auto delivered = bob.frame_starting_with(R"(42["user message")");
  CHECK(delivered.rfind(R"(42["user message","alice","hello over TLS",)", 0) == 0);

  alice.close();
  bob.close();
  REQUIRE(chat_it::stop_server(server) == 0);
}

TEST_CASE_METHOD(HttpsSite, "plain http to the TLS port gets no page", "[tls]") {
  chat_it::RawHttpConnection plain(server.port());
  plain.send("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
  const auto answer = plain.read_until_closed();
  CHECK(plain.closed());
  CHECK(chat_it::status_of(answer) == 0);  // no HTTP response at all
  CHECK(answer.find(StaticSite::kPage) == std::string::npos);
  // TLS clients are still served.
  CHECK(HttpsTestClient(server.port(), certificate.certificate_pem).get("/").status == 200);
  REQUIRE(chat_it::stop_server(server) == 0);
}

TEST_CASE("chatd will not start with a missing, unreadable or unusable certificate", "[tls]") {
  TemporaryDirectory dir;
  const auto good = SelfSignedCertificate::create(dir.path(), "good");
  const auto other = SelfSignedCertificate::create(dir.path(), "other");
  const auto expired = SelfSignedCertificate::create(dir.path(), "expired", -7200, -3600);
  const auto not_pem = dir.path() / "not-a-certificate.txt";
  std::FILE* file = std::fopen(not_pem.c_str(), "w");
  REQUIRE(file != nullptr);
  std::fputs("this is not a certificate\n", file);
  std::fclose(file);
  const auto missing = (dir.path() / "missing.crt").string();

  struct Case {
    const char* what;
    std::vector<std::string> args;
    std::string reason;
  };
  const std::vector<Case> cases = {
      {"missing certificate file",
       {"--cert", missing, "--key", good.key_file.string()},
       "cannot read --cert " + missing + ": No such file or directory"},
      {"missing key file",
       {"--cert", good.certificate_file.string(), "--key", missing},
       "cannot read --key " + missing + ": No such file or directory"},
      {"not a certificate",
       {"--cert", not_pem.string(), "--key", good.key_file.string()},
       "holds no usable PEM certificate"},
      {"not a key",
       {"--cert", good.certificate_file.string(), "--key", not_pem.string()},
       "holds no usable unencrypted PEM private key"},
      {"the key of another certificate",
       {"--cert", good.certificate_file.string(), "--key", other.key_file.string()},
       "does not belong to the certificate"},
      {"expired certificate", tls_args(expired), "has expired"},
      {"--cert without --key", {"--cert", good.certificate_file.string()}, "--cert and --key"},
  };
  for (const auto& c : cases) {
    INFO(c.what);
    const auto exit = run_until_exit(c.args);
    CHECK(exit.code != 0);
    CHECK(exit.code != 137);  // not killed by the timeout: it exited by itself
    CHECK_THAT(exit.output, Catch::Matchers::Contains(c.reason));
    CHECK(exit.output.find("listening") == std::string::npos);
  }
}

TEST_CASE("a client that never starts the TLS handshake is cut off by --request-timeout", "[tls]") {
  TemporaryDirectory dir;
  const auto certificate = SelfSignedCertificate::create(dir.path());
  auto args = tls_args(certificate);
  args.insert(args.end(), {"--request-timeout", "1000"});
  ChatdProcess server(args);
  chat_it::RawHttpConnection silent(server.port());
  // Meanwhile a TLS client is served.
  CHECK(HttpsTestClient(server.port(), certificate.certificate_pem).get("/healthz").status == 200);
  // Closed by chatd long before this test would give up (20 s).
  silent.read_until_closed(std::chrono::milliseconds(20000));
  CHECK(silent.closed());
  REQUIRE(chat_it::stop_server(server) == 0);
}
