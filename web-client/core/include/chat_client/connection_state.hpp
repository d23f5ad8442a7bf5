#pragma once
// Where the client stands on the way from "no socket" to "in the room".

#include <string_view>

namespace chat_client {

enum class ConnectionState {
  Disconnected,         // no socket; a reconnect may be scheduled
  Connecting,           // WebSocket opening
  Handshaking,          // socket open, waiting for the Engine.IO open packet
  NamespaceConnecting,  // sent "40", waiting for the Socket.IO CONNECT answer
  NeedsNickname,        // connected, the user must pick a nickname
  Joining,              // nickname sent, waiting for its ack
  Joined,               // in the room
};

std::string_view to_string(ConnectionState state);

// True from the Socket.IO CONNECT answer on: the session can carry events.
bool is_session_open(ConnectionState state);

}  // namespace chat_client
