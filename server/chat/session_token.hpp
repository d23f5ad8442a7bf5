#pragma once
// Secrets and keys for resumable chat sessions, from the kernel's CSPRNG.

#include <cstdint>
#include <string>

namespace chatd::chat {

// A private session id handed to one client only (Socket.IO's `pid`).
std::string generate_session_token();
// A public, non-zero key under which a session's messages are stored.
std::int64_t generate_session_key();

}  // namespace chatd::chat
