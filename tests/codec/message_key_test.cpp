// The "user message" event's optional idempotency key: its wire form, the
// shapes the decoder refuses, and the rule the chat service applies.

#include <catch2/catch.hpp>

#include "client_event.hpp"
#include "codec/chat_events.hpp"
#include "codec/chat_rules.hpp"

using namespace codec;
using codec_test::client_event;

TEST_CASE("A user message carries its key as a second argument, and other clients may omit it") {
  const events::UserMessageRequest keyed{"hello", 7, "page1-42"};
  CHECK(sio::encode(events::encode(keyed)) == "27[\"user message\",\"hello\",{\"key\":\"page1-42\"}]");
  const events::UserMessageRequest plain{"hello", 7};
  CHECK(sio::encode(events::encode(plain)) == "27[\"user message\",\"hello\"]");

  auto decoded = client_event("27[\"user message\",\"hello\",{\"key\":\"page1-42\"}]");
  REQUIRE(decoded);
  const auto& request = std::get<events::UserMessageRequest>(*decoded);
  CHECK(request.text == "hello");
  CHECK(request.ack_id == 7u);
  CHECK(request.key == "page1-42");

  auto without = client_event("27[\"user message\",\"hello\"]");
  REQUIRE(without);
  CHECK_FALSE(std::get<events::UserMessageRequest>(*without).key);
  // An empty options object is no key.
  auto empty = client_event("2[\"user message\",\"hello\",{}]");
  REQUIRE(empty);
  CHECK_FALSE(std::get<events::UserMessageRequest>(*empty).key);
}

TEST_CASE("A user message's options of the wrong shape are refused with the reason") {
  const auto reason = [](const char* text) {
    auto event = client_event(text);
    REQUIRE_FALSE(event);
    CHECK(event.error().kind == CodecErrorKind::WrongType);
    return event.error().reason;
  };
  CHECK(reason("2[\"user message\",\"a\",\"b\"]") == "message options must be an object");
  CHECK(reason("2[\"user message\",\"a\",null]") == "message options must be an object");
  CHECK(reason("2[\"user message\",\"a\",[\"k\"]]") == "message options must be an object");
  CHECK(reason("2[\"user message\",\"a\",{\"key\":5}]") == "message key must be a string");
  CHECK(reason("2[\"user message\",\"a\",{\"key\":null}]") == "message key must be a string");
  CHECK(reason("2[\"user message\",\"a\",{\"key\":\"k\",\"ttl\":1}]") == "message options take only \"key\"");
  CHECK(reason("2[\"user message\",\"a\",{\"other\":\"k\"}]") == "message options take only \"key\"");
  CHECK(reason("2[\"user message\",\"a\",{\"key\":\"k\"},{}]") == "user message takes at most two arguments");
  // The text is still checked first.
  CHECK(reason("2[\"user message\",5,{\"key\":\"k\"}]") == "message must be a string");
}

TEST_CASE("A message key is 1 to 64 visible ASCII characters") {
  CHECK(rules::validate_message_key("a"));
  CHECK(rules::validate_message_key("k7f3a9c2-1"));
  CHECK(rules::validate_message_key("!~:/._-{}"));
  CHECK(rules::validate_message_key(std::string(rules::kMaxMessageKeyLength, 'k')));
  CHECK_FALSE(rules::validate_message_key(std::string(rules::kMaxMessageKeyLength + 1, 'k')));
  CHECK_FALSE(rules::validate_message_key(""));
  CHECK_FALSE(rules::validate_message_key("with space"));
  CHECK_FALSE(rules::validate_message_key("tab\there"));
  CHECK_FALSE(rules::validate_message_key("del\x7f"));
  CHECK_FALSE(rules::validate_message_key(std::string("nul\0", 4)));
  CHECK_FALSE(rules::validate_message_key("clé"));  // not ASCII: a normalisation could change it
  const auto refused = rules::validate_message_key("");
  CHECK(refused.error().kind == CodecErrorKind::Invalid);
  CHECK(refused.error().reason == "Message key must be 1 to 64 visible ASCII characters");
}
