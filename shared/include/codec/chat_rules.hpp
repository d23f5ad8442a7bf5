#pragma once
// The chat's rules for nicknames and messages, shared so that the client can
// check input before sending and the server enforces the same rules.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "codec/result.hpp"

namespace codec::rules {

inline constexpr std::size_t kMaxNicknameLength = 32;   // code points, after trimming
inline constexpr std::size_t kMaxMessageLength = 2000;  // code points
// A message's idempotency key (the "key" of "user message"): enough for a
// random page id and a counter, small enough that the server may keep it
// with every stored message.
inline constexpr std::size_t kMaxMessageKeyLength = 64;  // bytes

// Trims ASCII and Unicode spaces at both ends.
std::string trim(std::string_view text);

// Accepts the nickname, or says why not (kind Invalid; the reason is for the
// user). Expects the trimmed nickname.
Result<void> validate_nickname(std::string_view nickname);

// Accepts the message, or says why not (kind Invalid; the reason is for the user).
Result<void> validate_message(std::string_view text);

// Accepts a message's idempotency key: 1 to kMaxMessageKeyLength visible
// ASCII characters (0x21 to 0x7E), so that it can never be mistaken for
// another key by a normalisation or an encoding. Kind Invalid when not.
Result<void> validate_message_key(std::string_view key);

}  // namespace codec::rules
