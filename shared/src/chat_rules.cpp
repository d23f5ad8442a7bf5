#include "codec/chat_rules.hpp"

#include <algorithm>
#include <string>

#include "codec/utf8.hpp"

namespace codec::rules {

namespace {

bool is_space(char32_t cp) {
  return cp == U' ' || (cp >= U'\t' && cp <= U'\r') || cp == 0x85 || cp == 0xA0 || cp == 0x1680 ||
         (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F ||
         cp == 0x3000 || cp == 0xFEFF;
}

bool is_control(char32_t cp) { return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F); }

// Characters that reorder or hide text: a nickname containing them can
// impersonate another one on screen.
bool is_format_trick(char32_t cp) {
  return (cp >= 0x200B && cp <= 0x200F) || (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2060 && cp <= 0x2069) ||
         cp == 0xFEFF || cp == 0x061C;
}

CodecError invalid(std::string reason) { return make_error(CodecErrorKind::Invalid, std::move(reason)); }

}  // namespace

std::string trim(std::string_view text) {
  std::size_t begin = 0;
  std::size_t end = text.size();
  // Leading spaces.
  for (std::size_t pos = 0; pos < text.size();) {
    const std::size_t start = pos;
    const auto cp = utf8::decode_one(text, pos);
    if (!cp || !is_space(*cp)) {
      begin = start;
      break;
    }
    begin = pos;
  }
  // Trailing spaces: walk forward, remembering where the last non-space ended.
  std::size_t last_end = begin;
  for (std::size_t pos = begin; pos < text.size();) {
    const auto cp = utf8::decode_one(text, pos);
    if (!cp) {
      last_end = text.size();
      break;
    }  // invalid tail: keep it, validation rejects it
    if (!is_space(*cp)) last_end = pos;
  }
  end = last_end;
  return std::string(text.substr(begin, end - begin));
}

Result<void> validate_nickname(std::string_view nickname) {
  std::size_t length = 0;
  bool control = false;
  bool trick = false;
  const bool valid = utf8::for_each_code_point(nickname, [&](char32_t cp) {
    ++length;
    control = control || is_control(cp);
    trick = trick || is_format_trick(cp);
  });
  if (!valid) return invalid("Nickname is not valid UTF-8");
  if (length == 0) return invalid("Nickname is empty");
  if (length > kMaxNicknameLength)
    return invalid("Nickname is longer than " + std::to_string(kMaxNicknameLength) + " characters");
  if (control) return invalid("Nickname contains control characters");
  if (trick) return invalid("Nickname contains invisible or direction-changing characters");
  return {};
}

Result<void> validate_message(std::string_view text) {
  const auto length = utf8::count_code_points(text);
  if (!length) return invalid("Message is not valid UTF-8");
  if (*length == 0 || trim(text).empty()) return invalid("Message is empty");
  if (*length > kMaxMessageLength)
    return invalid("Message is longer than " + std::to_string(kMaxMessageLength) + " characters");
  return {};
}

Result<void> validate_message_key(std::string_view key) {
  const bool visible = std::all_of(key.begin(), key.end(), [](char c) { return c >= '!' && c <= '~'; });
  if (key.empty() || key.size() > kMaxMessageKeyLength || !visible) {
    return invalid("Message key must be 1 to " + std::to_string(kMaxMessageKeyLength) + " visible ASCII characters");
  }
  return {};
}

}  // namespace codec::rules
