#pragma once
// The two keys a chat member holds across connections (connection state
// recovery), from the kernel's CSPRNG.

#include <cstdint>
#include <string>

namespace chatd::chat {

// A private token handed to one client only (Socket.IO's `pid`): whoever
// presents it may resume as that member.
std::string generate_recovery_token();
// A public, non-zero key under which a member's messages are stored, so that a
// resumed member is not sent its own messages.
std::int64_t generate_author_key();

}  // namespace chatd::chat
