// The page's files as a browser expects them: the right Content-Type on GET
// and HEAD, the pre-compressed copies when accepted (with Vary), index.html
// revalidated by its ETag on every visit, and content-hashed names immutable.

#include <catch2/catch.hpp>

#include <openssl/evp.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "chatd_process.hpp"
#include "raw_http_connection.hpp"
#include "temporary_directory.hpp"
#include "test_support.hpp"

using chat_it::ChatdProcess;
using chat_it::RawHttpConnection;

namespace {

std::string sha256_prefix(const std::string& bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  REQUIRE(EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr) == 1);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < 8; ++i) {
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 0xF];
  }
  return hex;
}

// A site laid out as www/assemble_site.cmake lays it out: hashed asset
// names, a page that names them, and compressed copies beside some files.
// The copies hold marker bytes: chatd serves them as they are and never
// decompresses, so a test can tell which one came.
class HashedSite {
 public:
  HashedSite() : www_(dir_.path() / "www") {
    wasm_ = "chat." + sha256_prefix(kWasm) + ".wasm";
    data_ = "chat." + sha256_prefix(kData) + ".data";
    script_ = "app." + sha256_prefix(kScript) + ".js";
    write(wasm_, kWasm);
    write(wasm_ + ".br", "brotli copy of the wasm");
    write(wasm_ + ".gz", "gzip copy of the wasm");
    write(data_, kData);
    write(script_, kScript);
    write(script_ + ".gz", "gzip copy of the script");
    // A name that looks hashed but is not this file's hash: not immutable.
    write("style.0123456789abcdef.css", "body{}");
    write("index.html", "<!doctype html><script src=\"" + script_ + "\"></script>");
    write("index.html.br", "brotli copy of the page");
  }

  static constexpr const char* kWasm = "the module's bytes";
  static constexpr const char* kData = "packed files";
  static constexpr const char* kScript = "console.log('hi')";

  std::vector<std::string> args() const { return {"--headless=false", "--www", www_.string()}; }
  const std::string& wasm() const { return wasm_; }
  const std::string& data() const { return data_; }
  const std::string& script() const { return script_; }

 private:
  void write(const std::string& name, const std::string& bytes) {
    std::filesystem::create_directories(www_);
    std::ofstream(www_ / name, std::ios::binary) << bytes;
  }

  TemporaryDirectory dir_;
  std::filesystem::path www_;
  std::string wasm_, data_, script_;
};

std::string request(const std::string& method, const std::string& target, const std::string& headers = "") {
  return method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + headers + "Connection: close\r\n\r\n";
}

}  // namespace

TEST_CASE("each file type is served with its Content-Type, on GET and HEAD alike", "[http][static]") {
  HashedSite site;
  ChatdProcess server(site.args());
  const std::pair<std::string, std::string> expected[] = {
      {"/" + site.wasm(), "application/wasm"},
      {"/" + site.data(), "application/octet-stream"},
      {"/" + site.script(), "text/javascript; charset=utf-8"},
      {"/style.0123456789abcdef.css", "text/css; charset=utf-8"},
      {"/", "text/html; charset=utf-8"},
      {"/index.html", "text/html; charset=utf-8"},
  };
  for (const auto& [target, type] : expected) {
    INFO(target);
    const auto get = RawHttpConnection::exchange(server.port(), request("GET", target));
    const auto head = RawHttpConnection::exchange(server.port(), request("HEAD", target));
    CHECK(chat_it::status_of(get) == 200);
    CHECK(chat_it::status_of(head) == 200);
    CHECK(chat_it::header_of(get, "Content-Type") == type);
    CHECK(chat_it::header_of(head, "Content-Type") == type);
    CHECK(chat_it::header_of(head, "Content-Length") == chat_it::header_of(get, "Content-Length"));
    CHECK(chat_it::body_of(head).empty());
  }
  const auto wasm = RawHttpConnection::exchange(server.port(), request("GET", "/" + site.wasm()));
  CHECK(chat_it::body_of(wasm) == HashedSite::kWasm);
  REQUIRE(chat_it::stop_server(server) == 0);
}

TEST_CASE("pre-compressed copies are sent when accepted, with Content-Encoding and Vary", "[http][static]") {
  HashedSite site;
  ChatdProcess server(site.args());
  const auto get = [&](const std::string& target, const std::string& accept) {
    return RawHttpConnection::exchange(
        server.port(), request("GET", target, accept.empty() ? "" : "Accept-Encoding: " + accept + "\r\n"));
  };
  const std::string wasm = "/" + site.wasm();

  const auto brotli = get(wasm, "gzip, deflate, br");
  CHECK(chat_it::header_of(brotli, "Content-Encoding") == "br");
  CHECK(chat_it::body_of(brotli) == "brotli copy of the wasm");
  CHECK(chat_it::header_of(brotli, "Vary") == "Accept-Encoding");
  CHECK(chat_it::header_of(brotli, "Content-Type") == "application/wasm");

  const auto gzip = get(wasm, "gzip");
  CHECK(chat_it::header_of(gzip, "Content-Encoding") == "gzip");
  CHECK(chat_it::body_of(gzip) == "gzip copy of the wasm");

  const auto plain = get(wasm, "");
  CHECK(chat_it::header_of(plain, "Content-Encoding").empty());
  CHECK(chat_it::header_of(plain, "Vary") == "Accept-Encoding");
  CHECK(chat_it::body_of(plain) == HashedSite::kWasm);

  const auto refused = get(wasm, "br;q=0, gzip;q=0");
  CHECK(chat_it::header_of(refused, "Content-Encoding").empty());

  // Only the copies that exist: the script has no Brotli one.
  const auto script = get("/" + site.script(), "br, gzip");
  CHECK(chat_it::header_of(script, "Content-Encoding") == "gzip");
  // A file without copies says nothing about encodings.
  const auto data = get("/" + site.data(), "br, gzip");
  CHECK(chat_it::header_of(data, "Content-Encoding").empty());
  CHECK(chat_it::header_of(data, "Vary").empty());
  // The copies are not files of their own.
  CHECK(chat_it::status_of(get(wasm + ".br", "")) == 404);
  REQUIRE(chat_it::stop_server(server) == 0);
}

TEST_CASE("index.html is revalidated on every visit, by its ETag", "[http][static]") {
  HashedSite site;
  ChatdProcess server(site.args());
  for (const char* accept : {"", "br"}) {
    INFO("Accept-Encoding: " << accept);
    const std::string headers = *accept ? std::string("Accept-Encoding: ") + accept + "\r\n" : "";
    const auto page = RawHttpConnection::exchange(server.port(), request("GET", "/", headers));
    CHECK(chat_it::status_of(page) == 200);
    CHECK(chat_it::header_of(page, "Cache-Control") == "no-cache");
    const auto etag = chat_it::header_of(page, "ETag");
    REQUIRE(etag.size() > 2);
    CHECK(etag.front() == '"');

    const auto again =
        RawHttpConnection::exchange(server.port(), request("GET", "/", headers + "If-None-Match: " + etag + "\r\n"));
    CHECK(chat_it::status_of(again) == 304);
    CHECK(chat_it::body_of(again).empty());
    CHECK(chat_it::header_of(again, "ETag") == etag);
    CHECK(chat_it::header_of(again, "Cache-Control") == "no-cache");

    // After an upgrade the tag no longer matches: the new page comes.
    const auto changed = RawHttpConnection::exchange(
        server.port(), request("GET", "/index.html", headers + "If-None-Match: \"an-older-page\"\r\n"));
    CHECK(chat_it::status_of(changed) == 200);
    CHECK_FALSE(chat_it::body_of(changed).empty());
  }
  // The encodings have tags of their own.
  const auto plain = RawHttpConnection::exchange(server.port(), request("GET", "/"));
  const auto brotli = RawHttpConnection::exchange(server.port(), request("GET", "/", "Accept-Encoding: br\r\n"));
  CHECK(chat_it::header_of(plain, "ETag") != chat_it::header_of(brotli, "ETag"));
  REQUIRE(chat_it::stop_server(server) == 0);
}

TEST_CASE("assets named by their content hash are immutable, other names are revalidated", "[http][static]") {
  HashedSite site;
  ChatdProcess server(site.args());
  for (const auto& name : {site.wasm(), site.data(), site.script()}) {
    INFO(name);
    const auto response = RawHttpConnection::exchange(server.port(), request("GET", "/" + name));
    CHECK(chat_it::status_of(response) == 200);
    CHECK(chat_it::header_of(response, "Cache-Control") == "public, max-age=31536000, immutable");
    CHECK_FALSE(chat_it::header_of(response, "ETag").empty());
  }
  // Sixteen hex digits that are not this file's hash: revalidated.
  const auto style = RawHttpConnection::exchange(server.port(), request("GET", "/style.0123456789abcdef.css"));
  CHECK(chat_it::header_of(style, "Cache-Control") == "no-cache");
  const auto missing = RawHttpConnection::exchange(server.port(), request("GET", "/chat.ffffffffffffffff.wasm"));
  CHECK(chat_it::status_of(missing) == 404);
  REQUIRE(chat_it::stop_server(server) == 0);
}
