#include <catch2/catch.hpp>

#include "codec/chat_rules.hpp"

using namespace codec;

TEST_CASE("Nicknames: 1..32 characters after trimming, no control or bidi characters") {
  CHECK(rules::trim("  bob \t") == "bob");
  CHECK(rules::trim("\xE3\x80\x80" "bob" "\xE3\x80\x80") == "bob");  // ideographic spaces
  CHECK(rules::trim("   ").empty());
  CHECK_FALSE(rules::check_nickname("bob"));
  CHECK_FALSE(rules::check_nickname("张伟"));
  CHECK_FALSE(rules::check_nickname(std::string(32, 'a')));
  CHECK(rules::check_nickname(std::string(33, 'a')) == "Nickname is longer than 32 characters");
  CHECK(rules::check_nickname("") == "Nickname is empty");
  CHECK(rules::check_nickname("bo\x01" "b") == "Nickname contains control characters");
  CHECK(rules::check_nickname("bo\nb") == "Nickname contains control characters");
  CHECK(rules::check_nickname("\xE2\x80\xAE" "bob") ==  // U+202E right-to-left override
        "Nickname contains invisible or direction-changing characters");
  CHECK(rules::check_nickname("a\xE2\x80\x8B" "b"));  // zero-width space
  CHECK(rules::check_nickname("\xFF") == "Nickname is not valid UTF-8");
}

TEST_CASE("Messages: 1..2000 characters of valid UTF-8") {
  CHECK_FALSE(rules::check_message("hello"));
  CHECK_FALSE(rules::check_message(std::string(2000, 'x')));
  std::string chinese;
  for (int i = 0; i < 2000; ++i) chinese += "字";  // 2000 characters, 6000 bytes
  CHECK_FALSE(rules::check_message(chinese));
  CHECK(rules::check_message(chinese + "字") == "Message is longer than 2000 characters");
  CHECK(rules::check_message(std::string(2001, 'x')) == "Message is longer than 2000 characters");
  CHECK(rules::check_message("") == "Message is empty");
  CHECK(rules::check_message("  \n ") == "Message is empty");
  CHECK(rules::check_message("\xED\xA0\x80") == "Message is not valid UTF-8");
}
