#pragma once
// How the chat service reaches its participants. Implemented by the protocol
// layer (Socket.IO today; a cross-instance fan-out later), so the chat service
// knows nothing of transports. Calls must not block: they only queue.

#include <vector>

#include "chat/client_id.hpp"
#include "chat/socketio_packet.hpp"

namespace chatd::chat {

class ChatOutbox {
 public:
  virtual ~ChatOutbox() = default;
  virtual void send(ClientId to, const ::chat::sio::Packet& packet) = 0;
  // Encodes once; the same bytes go to every recipient.
  virtual void broadcast(const std::vector<ClientId>& to, const ::chat::sio::Packet& packet) = 0;
};

}  // namespace chatd::chat
