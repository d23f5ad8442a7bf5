#include <catch2/catch.hpp>

#include "codec/chat_rules.hpp"

using namespace codec;

namespace {

// The refusal's reason; the kind of every refusal by a rule is Invalid.
std::string refusal(const Result<void>& checked) {
  REQUIRE_FALSE(checked);
  CHECK(checked.error().kind == CodecErrorKind::Invalid);
  return checked.error().reason;
}

}  // namespace

TEST_CASE("Nicknames: 1..32 characters after trimming, no control or bidi characters") {
  CHECK(rules::trim("  bob \t") == "bob");
  CHECK(rules::trim("\xE3\x80\x80"
                    "bob"
                    "\xE3\x80\x80") == "bob");  // ideographic spaces
  CHECK(rules::trim("   ").empty());
  CHECK(rules::validate_nickname("bob"));
  CHECK(rules::validate_nickname("张伟"));
  CHECK(rules::validate_nickname(std::string(32, 'a')));
  CHECK(refusal(rules::validate_nickname(std::string(33, 'a'))) == "Nickname is longer than 32 characters");
  CHECK(refusal(rules::validate_nickname("")) == "Nickname is empty");
  CHECK(refusal(rules::validate_nickname("bo\x01"
                                         "b")) == "Nickname contains control characters");
  CHECK(refusal(rules::validate_nickname("bo\nb")) == "Nickname contains control characters");
  CHECK(refusal(rules::validate_nickname("\xE2\x80\xAE"
                                         "bob")) ==  // U+202E right-to-left override
        "Nickname contains invisible or direction-changing characters");
  CHECK(refusal(rules::validate_nickname("a\xE2\x80\x8B"
                                         "b")) ==  // zero-width space
        "Nickname contains invisible or direction-changing characters");
  CHECK(refusal(rules::validate_nickname("\xFF")) == "Nickname is not valid UTF-8");
}

TEST_CASE("Messages: 1..2000 characters of valid UTF-8") {
  CHECK(rules::validate_message("hello"));
  CHECK(rules::validate_message(std::string(2000, 'x')));
  std::string chinese;
  for (int i = 0; i < 2000; ++i) chinese += "字";  // 2000 characters, 6000 bytes
  CHECK(rules::validate_message(chinese));
  CHECK(refusal(rules::validate_message(chinese + "字")) == "Message is longer than 2000 characters");
  CHECK(refusal(rules::validate_message(std::string(2001, 'x'))) == "Message is longer than 2000 characters");
  CHECK(refusal(rules::validate_message("")) == "Message is empty");
  CHECK(refusal(rules::validate_message("  \n ")) == "Message is empty");
  CHECK(refusal(rules::validate_message("\xED\xA0\x80")) == "Message is not valid UTF-8");
}
