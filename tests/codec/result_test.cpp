// The project's one "value or why not" type.

#include <catch2/catch.hpp>

#include <string>

#include "codec/result.hpp"

using codec::CodecError;
using codec::CodecErrorKind;
using codec::Failure;
using codec::Result;

namespace {

Result<int, Failure> parse_digit(char c) {
  if (c < '0' || c > '9') return Failure{std::string("not a digit: ") + c};
  return c - '0';
}

Result<void, Failure> check_even(int n) {
  if (n % 2 != 0) return Failure{"odd"};
  return {};
}

}  // namespace

TEST_CASE("Result holds a value or the error, never both", "[result]") {
  const auto seven = parse_digit('7');
  REQUIRE(seven.ok());
  CHECK(*seven == 7);
  const auto letter = parse_digit('x');
  REQUIRE_FALSE(letter.ok());
  CHECK_FALSE(static_cast<bool>(letter));
  CHECK(letter.error().reason == "not a digit: x");

  const Result<std::string> decoded = codec::make_error(CodecErrorKind::Malformed, "no");
  CHECK(decoded.error().kind == CodecErrorKind::Malformed);
  const Result<std::string> text = std::string("yes");
  CHECK(text->size() == 3);
}

TEST_CASE("Result<void> is done or the error", "[result]") {
  CHECK(check_even(4).ok());
  const auto odd = check_even(3);
  REQUIRE_FALSE(odd.ok());
  CHECK(odd.error().reason == "odd");
  const Result<void> refused = CodecError{CodecErrorKind::Invalid, "too long"};
  CHECK(refused.error().reason == "too long");
}
