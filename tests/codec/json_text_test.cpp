// The direct encoders must write exactly what the generic, nlohmann-based
// encoder writes: clients parse either, and tests and the recovery log compare
// bytes. Each case is checked against nlohmann::json::dump itself.

#include <catch2/catch.hpp>

#include <limits>
#include <random>
#include <string>

#include "codec/chat_events.hpp"
#include "codec/json_text.hpp"

using namespace codec;
using nlohmann::json;

namespace {

std::string generic(std::string_view value) {
  return json(std::string(value)).dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string direct(std::string_view value) {
  std::string out;
  json_text::append_string(out, value);
  return out;
}

// Random strings drawn mostly from the bytes that need care: quotes,
// backslashes, control characters, DEL, and bytes of multi-byte sequences
// (valid or not).
std::string random_text(std::mt19937& rng) {
  static const std::string pieces[] = {"a",
                                       "Z",
                                       " ",
                                       "\"",
                                       "\\",
                                       "/",
                                       "\x7f",
                                       "\xc3\xa9",
                                       "\xe4\xbd\xa0",
                                       "\xf0\x9f\x98\x80",
                                       "\x80",
                                       "\xc3",
                                       "\xed\xa0\x80",
                                       "\xc0\xaf",
                                       "\xff"};
  std::uniform_int_distribution<int> length(0, 12);
  std::uniform_int_distribution<int> kind(0, 20);
  std::uniform_int_distribution<int> control(0, 0x1f);
  std::string text;
  for (int i = length(rng); i > 0; --i) {
    const int k = kind(rng);
    if (k < 15) {
      text += pieces[k];
    } else {
      text.push_back(static_cast<char>(control(rng)));
    }
  }
  return text;
}

}  // namespace

TEST_CASE("json_text writes strings as nlohmann::json::dump does") {
  for (std::string_view value :
       {std::string_view(""), std::string_view("plain text"), std::string_view("say \"hi\""),
        std::string_view("back\\slash"), std::string_view("tab\tnew\nline\rcr\bbs\fff"),
        std::string_view("\x01\x1f\x7f", 3), std::string_view("\0nul", 4), std::string_view("你好 😀 é"),
        std::string_view("bad \xff byte"), std::string_view("truncated \xe4\xbd"),
        std::string_view("surrogate \xed\xa0\x80"), std::string_view("overlong \xc0\xaf")}) {
    INFO(generic(value));
    CHECK(direct(value) == generic(value));
  }
}

TEST_CASE("json_text matches nlohmann on random strings, valid UTF-8 or not") {
  std::mt19937 rng(20261126);
  for (int i = 0; i < 20000; ++i) {
    const auto value = random_text(rng);
    INFO(generic(value));
    REQUIRE(direct(value) == generic(value));
  }
}

TEST_CASE("json_text writes integers as nlohmann does") {
  for (const std::int64_t value :
       {std::int64_t{0}, std::int64_t{-1}, std::int64_t{1764000000000}, std::numeric_limits<std::int64_t>::min(),
        std::numeric_limits<std::int64_t>::max()}) {
    std::string out;
    json_text::append_integer(out, value);
    CHECK(out == json(value).dump());
  }
}

TEST_CASE("The direct message and ack encoders write what the generic encoder writes") {
  std::mt19937 rng(7);
  std::uniform_int_distribution<std::int64_t> number(0, std::int64_t{1} << 53);
  for (int i = 0; i < 2000; ++i) {
    const events::UserMessage message{random_text(rng), random_text(rng), {number(rng), number(rng), i % 3 == 0}};
    REQUIRE(events::encode_text(message) == sio::encode(events::encode(message)));
    const auto ack_id = static_cast<std::uint64_t>(number(rng));
    const events::UserMessageAck stored{message.meta, {}};
    REQUIRE(events::encode_ack_text(ack_id, stored) == sio::encode(events::encode_ack(ack_id, stored)));
    const events::UserMessageAck refused{std::nullopt, random_text(rng)};
    REQUIRE(events::encode_ack_text(ack_id, refused) == sio::encode(events::encode_ack(ack_id, refused)));
  }
  // And what they write decodes back to the same values.
  const events::UserMessage message{"bob", "hello \"world\"\n", {42, 1764000000000, true}};
  const auto decoded = sio::decode(events::encode_text(message));
  REQUIRE(decoded);
  const auto event = events::decode_server_event(*decoded);
  REQUIRE(event);
  const auto& back = std::get<events::UserMessage>(*event);
  CHECK(back.from == message.from);
  CHECK(back.text == message.text);
  CHECK(back.meta.id == 42);
  CHECK(back.meta.history);
}
