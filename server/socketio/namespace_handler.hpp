#pragma once
// An application on one Socket.IO namespace, as the Socket.IO server sees it:
// the chat on "/", or the conformance server's echo.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "chat/client_id.hpp"
#include "chat/socketio_packet.hpp"

namespace chatd::sio {

using SocketId = chat::ClientId;

class NamespaceHandler {
 public:
  virtual ~NamespaceHandler() = default;
  // After the CONNECT reply has been queued; `auth` is {} when none was sent.
  virtual void on_connect(SocketId socket, const nlohmann::json& auth) = 0;
  // An EVENT, with its binary attachments (empty for a plain EVENT).
  virtual void on_event(SocketId socket, const ::chat::sio::Packet& event, std::vector<std::string> attachments) = 0;
  virtual void on_disconnect(SocketId socket) = 0;
  // A packet that could not be decoded, when the server keeps such clients.
  virtual void on_invalid_packet(SocketId socket, const std::string& reason) = 0;
};

}  // namespace chatd::sio
