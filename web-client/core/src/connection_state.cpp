#include "chat_client/connection_state.hpp"

namespace chat_client {

std::string_view to_string(ConnectionState state) {
  switch (state) {
    case ConnectionState::Disconnected: return "Disconnected";
    case ConnectionState::Connecting: return "Connecting";
    case ConnectionState::Handshaking: return "Handshaking";
    case ConnectionState::NamespaceConnecting: return "NamespaceConnecting";
    case ConnectionState::NeedsNickname: return "NeedsNickname";
    case ConnectionState::Joining: return "Joining";
    case ConnectionState::Joined: return "Joined";
  }
  return "Unknown";
}

bool is_session_open(ConnectionState state) {
  return state == ConnectionState::NeedsNickname || state == ConnectionState::Joining ||
         state == ConnectionState::Joined;
}

}  // namespace chat_client
