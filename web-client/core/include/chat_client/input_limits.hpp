#pragma once
// Sizes of the view's text fields, from the chat's rules: a field holds the
// longest text the rules accept, with its terminating NUL.

#include <cstddef>

#include "codec/chat_rules.hpp"

namespace chat_client {

// Bytes of a NUL-terminated buffer for `code_points` characters of UTF-8,
// which takes at most 4 bytes for one.
constexpr std::size_t utf8_buffer_size(std::size_t code_points) { return code_points * 4 + 1; }

// Spaces around a nickname are trimmed before it is counted: 32 four-byte
// characters with a space around them do not fit; the field simply takes no
// more, rather than letting a user type what would be refused.
inline constexpr std::size_t kNicknameFieldBytes = utf8_buffer_size(codec::rules::kMaxNicknameLength);
inline constexpr std::size_t kMessageFieldBytes = utf8_buffer_size(codec::rules::kMaxMessageLength);

}  // namespace chat_client
