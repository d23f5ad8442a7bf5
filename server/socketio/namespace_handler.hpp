#pragma once
// An application on one Socket.IO namespace, as the Socket.IO server sees it:
// the chat on "/", or the conformance server's echo.

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "chat/client_id.hpp"
#include "codec/socketio_packet.hpp"

namespace chatd::sio {

using SocketId = chat::ClientId;

class NamespaceHandler {
 public:
  virtual ~NamespaceHandler() = default;
  // Queues the CONNECT answer; `pid`: the private session id that lets the
  // client resume this session (codec/connection_recovery.hpp), none when the
  // namespace offers no recovery.
  using Accept = std::function<void(const std::optional<std::string>& pid)>;

  // A socket joined; `auth` is {} when none was sent. The handler calls
  // `accept` before sending anything (the server accepts plainly if not).
  virtual void on_connect(SocketId socket, const nlohmann::json& auth, const Accept& accept) = 0;
  // An EVENT, with its binary attachments (empty for a plain EVENT).
  virtual void on_event(SocketId socket, const ::codec::sio::Packet& event, std::vector<std::string> attachments) = 0;
  // `resumable`: the connection was lost (Socket.IO's recoverable reasons),
  // not left with a DISCONNECT packet.
  virtual void on_disconnect(SocketId socket, bool resumable) = 0;
  // A packet that could not be decoded, when the server keeps such clients.
  virtual void on_invalid_packet(SocketId socket, const std::string& reason) = 0;
};

}  // namespace chatd::sio
