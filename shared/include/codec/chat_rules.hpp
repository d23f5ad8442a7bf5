#pragma once
// The chat's rules for nicknames and messages, shared so that the client can
// check input before sending and the server enforces the same rules.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace codec::rules {

inline constexpr std::size_t kMaxNicknameLength = 32;   // code points, after trimming
inline constexpr std::size_t kMaxMessageLength = 2000;  // code points

// Trims ASCII and Unicode spaces at both ends.
std::string trim(std::string_view text);

// Reason the nickname is refused, or nullopt when it is acceptable.
// Expects the trimmed nickname.
std::optional<std::string> check_nickname(std::string_view nickname);

// Reason the message is refused, or nullopt when it is acceptable.
std::optional<std::string> check_message(std::string_view text);

}  // namespace codec::rules
