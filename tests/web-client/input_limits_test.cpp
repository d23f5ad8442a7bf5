#include <catch2/catch.hpp>

#include <string>

#include "chat_client/input_limits.hpp"
#include "codec/chat_rules.hpp"

namespace {

// `count` copies of a character that takes 4 bytes in UTF-8 (U+1F600).
std::string four_byte_characters(std::size_t count) {
  std::string text;
  for (std::size_t i = 0; i < count; ++i) text += "\xF0\x9F\x98\x80";
  return text;
}

}  // namespace

TEST_CASE("the text fields hold the longest text the rules accept, and its terminator", "[input]") {
  const auto longest_nickname = four_byte_characters(codec::rules::kMaxNicknameLength);
  CHECK(codec::rules::validate_nickname(longest_nickname));
  CHECK(longest_nickname.size() + 1 == chat_client::kNicknameFieldBytes);
  CHECK_FALSE(codec::rules::validate_nickname(four_byte_characters(codec::rules::kMaxNicknameLength + 1)));

  const auto longest_message = four_byte_characters(codec::rules::kMaxMessageLength);
  CHECK(codec::rules::validate_message(longest_message));
  CHECK(longest_message.size() + 1 == chat_client::kMessageFieldBytes);
  CHECK_FALSE(codec::rules::validate_message(four_byte_characters(codec::rules::kMaxMessageLength + 1)));
}
