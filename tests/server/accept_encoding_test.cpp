// Which pre-compressed copy a request's Accept-Encoding allows.

#include <catch2/catch.hpp>

#include <string>

#include "transport/accept_encoding.hpp"

using chatd::transport::parse_accept_encoding;

namespace {

struct Case {
  const char* header;
  bool brotli;
  bool gzip;
};

void check_cases(std::initializer_list<Case> cases) {
  for (const auto& expected : cases) {
    INFO("Accept-Encoding: " << expected.header);
    const auto accepted = parse_accept_encoding(expected.header);
    CHECK(accepted.brotli == expected.brotli);
    CHECK(accepted.gzip == expected.gzip);
  }
}

}  // namespace

TEST_CASE("Accept-Encoding: named codings with a weight above 0 are accepted", "[http]") {
  check_cases({
      {"gzip, deflate, br, zstd", true, true},  // what browsers send
      {"gzip;q=1.0, identity; q=0.5", false, true},
      {"  BR ;q=0.8 ,GZip", true, true},  // any case, any spacing
      {"gzip;q=0.001", false, true},
  });
}

TEST_CASE("Accept-Encoding: q=0 refuses, a missing header accepts neither", "[http]") {
  check_cases({
      {"", false, false},
      {"br;q=0, gzip;q=0.000", false, false},
  });
}

TEST_CASE("Accept-Encoding: * covers the codings not named", "[http]") {
  check_cases({
      {"*", true, true},
      {"br;q=0, *", false, true},
      {"gzip, *;q=0", false, true},
  });
}

TEST_CASE("Accept-Encoding: malformed weights are ignored, never guessed", "[http][bad-input]") {
  check_cases({
      {"br;q=2", false, false},
      {"br;q=x", false, false},
      {"br;q=", false, false},
      {"br;q=0.0000001", false, false},
      {"br;level=1", false, false},
      {";;;", false, false},
      {",,,", false, false},
      {"br;q=1.5.5", false, false},
      {"br;q=1.5", false, false},
      {"br;q=x, gzip", false, true},  // the rest of the header still counts
  });
}
