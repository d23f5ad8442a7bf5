#pragma once
// How the chat service reaches its participants. Implemented by the protocol
// layer (Socket.IO today; a cross-instance fan-out later), so the chat service
// knows nothing of transports. Calls must not block: they only queue.

#include <string>
#include <vector>

#include "chat/client_id.hpp"

namespace chatd::chat {

class ChatOutbox {
 public:
  virtual ~ChatOutbox() = default;
  // `packet` is one Socket.IO packet as the codec encodes it
  // (codec::events::encode_text and friends): encoded once by the chat
  // service, the same bytes go to every recipient of a broadcast and into the
  // recovery log.
  virtual void send(ClientId to, const std::string& packet) = 0;
  virtual void broadcast(const std::vector<ClientId>& to, const std::string& packet) = 0;
  // A snapshot of state (the online list): a recipient still waiting for an
  // earlier snapshot gets only the latest, after the events queued before it.
  virtual void broadcast_snapshot(const std::vector<ClientId>& to, const std::string& packet) = 0;
};

}  // namespace chatd::chat
