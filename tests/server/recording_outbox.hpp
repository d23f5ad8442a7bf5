#pragma once
// A ChatOutbox that records what the chat service sends (Socket.IO packet
// text, as on the wire), so tests can read each client's inbox in order.

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "chat/chat_outbox.hpp"

class RecordingOutbox final : public chatd::chat::ChatOutbox {
 public:
  void send(chatd::chat::ClientId to, const std::string& packet) override;
  void broadcast(const std::vector<chatd::chat::ClientId>& to, const std::string& packet) override;
  // Recorded like any broadcast: replacing queued snapshots is the transport's business.
  void broadcast_snapshot(const std::vector<chatd::chat::ClientId>& to, const std::string& packet) override {
    broadcast(to, packet);
  }
  // Recorded as the packet's text, without its attachments.
  void broadcast_binary(const std::vector<chatd::chat::ClientId>& to, const ::codec::sio::Packet& packet,
                        const std::vector<std::string>&) override;

  // Everything `client` received, as Socket.IO packet text, then forgets it.
  std::vector<std::string> take(chatd::chat::ClientId client);

 private:
  std::mutex mutex_;
  std::map<chatd::chat::ClientId, std::vector<std::string>> inboxes_;
};
