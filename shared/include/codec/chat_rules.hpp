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

// Trims ASCII and Unicode spaces at both ends.
std::string trim(std::string_view text);

// Accepts the nickname, or says why not (kind Invalid; the reason is for the
// user). Expects the trimmed nickname.
Result<void> validate_nickname(std::string_view nickname);

// Accepts the message, or says why not (kind Invalid; the reason is for the user).
Result<void> validate_message(std::string_view text);

}  // namespace codec::rules
