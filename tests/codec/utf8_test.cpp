#include <catch2/catch.hpp>

#include "codec/utf8.hpp"

using namespace codec;

TEST_CASE("UTF-8 validation accepts well-formed text") {
  CHECK(utf8::is_valid(""));
  CHECK(utf8::is_valid("hello"));
  CHECK(utf8::is_valid("你好，世界"));
  CHECK(utf8::is_valid("\xF0\x9F\x98\x80"));  // U+1F600
  CHECK(utf8::count_code_points("你好") == 2u);
  CHECK(utf8::count_code_points("a\xF0\x9F\x98\x80") == 2u);
}

TEST_CASE("UTF-8 validation refuses malformed text") {
  CHECK_FALSE(utf8::is_valid("\xC3"));              // truncated
  CHECK_FALSE(utf8::is_valid("\xC0\xAF"));          // overlong '/'
  CHECK_FALSE(utf8::is_valid("\xED\xA0\x80"));      // lone surrogate U+D800
  CHECK_FALSE(utf8::is_valid("\xF4\x90\x80\x80"));  // above U+10FFFF
  CHECK_FALSE(utf8::is_valid("\xFF"));
  CHECK_FALSE(
      utf8::is_valid("a\x80"
                     "b"));  // stray continuation byte
  CHECK_FALSE(utf8::count_code_points("\xE4\xBD").has_value());
}
