#include <catch2/catch.hpp>

#include "chat_client/single_line_text.hpp"

using chat_client::single_line_text;

TEST_CASE("every scalar value passes unchanged: emoji sequences, CJK, astral, private use", "[input]") {
  const char* samples[] = {
      "plain ASCII",
      "\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x91\xA7",  // 👨‍👩‍👧 (ZWJ)
      "\xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD",                                          // 👍🏽 (skin tone)
      "\xF0\x9F\x8F\xB4\xF3\xA0\x81\xA7\xF3\xA0\x81\xA2\xF3\xA0\x81\xA5\xF3\xA0\x81\xAE\xF3\xA0\x81\xA7"
      "\xF3\xA0\x81\xBF",                                              // 🏴 England (tag characters)
      "\xE4\xBD\xA0\xE5\xA5\xBD\xEF\xBC\x8C\xE4\xB8\x96\xE7\x95\x8C",  // 你好，世界
      "\xF0\xA0\x80\x8B \xF0\x9D\x84\x9E",                             // 𠀋 𝄞 (astral)
      "\xEE\x80\x80 \xF4\x8F\xBF\xBD",                                 // U+E000, U+10FFFD (private use)
      "\xE2\x9D\xA4\xEF\xB8\x8F",                                      // ❤️ (variation selector)
  };
  for (const char* sample : samples) CHECK(single_line_text(sample) == sample);
}

TEST_CASE("line breaks and tabs become spaces, a CRLF one space", "[input]") {
  CHECK(single_line_text("one\ntwo\r\nthree\rfour\tfive") == "one two three four five");
}

TEST_CASE("other control characters are dropped", "[input]") {
  CHECK(single_line_text(std::string("a\x01"
                                     "b\x7F"
                                     "c\xC2\x85"
                                     "d",
                                     9)) == "abcd");
  CHECK(single_line_text(std::string("a\0b", 3)) == "ab");
}

TEST_CASE("invalid UTF-8 becomes U+FFFD, byte by byte", "[input]") {
  CHECK(single_line_text("a\xFF"
                         "b") ==
        "a\xEF\xBF\xBD"
        "b");
  CHECK(single_line_text("\xED\xA0\x80") == "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // a surrogate
}
