// Which pre-compressed copy a request's Accept-Encoding allows.

#include <catch2/catch.hpp>

#include "transport/accept_encoding.hpp"

using chatd::transport::parse_accept_encoding;

TEST_CASE("Accept-Encoding: named codings with a weight above 0 are accepted", "[http]") {
  const auto browser = parse_accept_encoding("gzip, deflate, br, zstd");
  CHECK(browser.brotli);
  CHECK(browser.gzip);

  const auto gzip_only = parse_accept_encoding("gzip;q=1.0, identity; q=0.5");
  CHECK_FALSE(gzip_only.brotli);
  CHECK(gzip_only.gzip);

  const auto spaced = parse_accept_encoding("  BR ;q=0.8 ,GZip");
  CHECK(spaced.brotli);
  CHECK(spaced.gzip);
}

TEST_CASE("Accept-Encoding: q=0 refuses, a missing header accepts neither", "[http]") {
  CHECK_FALSE(parse_accept_encoding("").brotli);
  CHECK_FALSE(parse_accept_encoding("").gzip);
  const auto refused = parse_accept_encoding("br;q=0, gzip;q=0.000");
  CHECK_FALSE(refused.brotli);
  CHECK_FALSE(refused.gzip);
  CHECK(parse_accept_encoding("gzip;q=0.001").gzip);
}

TEST_CASE("Accept-Encoding: * covers the codings not named", "[http]") {
  const auto any = parse_accept_encoding("*");
  CHECK(any.brotli);
  CHECK(any.gzip);
  const auto not_brotli = parse_accept_encoding("br;q=0, *");
  CHECK_FALSE(not_brotli.brotli);
  CHECK(not_brotli.gzip);
  const auto only_named = parse_accept_encoding("gzip, *;q=0");
  CHECK_FALSE(only_named.brotli);
  CHECK(only_named.gzip);
}

TEST_CASE("Accept-Encoding: malformed weights are ignored, never guessed", "[http][bad-input]") {
  for (const char* header : {"br;q=2", "br;q=x", "br;q=", "br;q=0.0000001", "br;level=1", ";;;", ",,,", "br;q=1.5.5"}) {
    INFO(header);
    CHECK_FALSE(parse_accept_encoding(header).gzip);
  }
  CHECK_FALSE(parse_accept_encoding("br;q=x").brotli);
  CHECK(parse_accept_encoding("br;q=x, gzip").gzip);
}
