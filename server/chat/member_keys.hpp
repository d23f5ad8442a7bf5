#pragma once
// The two keys a chat member holds across connections (connection state
// recovery), from the kernel's CSPRNG.

#include <cstdint>
#include <string>

namespace chatd::chat {

struct MemberKeys {
  // Private, handed to the member's client only (Socket.IO's `pid`):
  // whoever presents it may resume as the member.
  std::string recovery_token;
  // Public, non-zero: the key under which the member's messages are stored,
  // so that a resumed member is not sent its own messages.
  std::int64_t author = 0;
};

std::string generate_recovery_token();
std::int64_t generate_author_key();

}  // namespace chatd::chat
