#include "recording_outbox.hpp"

void RecordingOutbox::send(chatd::chat::ClientId to, const std::string& packet) {
  std::lock_guard lock(mutex_);
  inboxes_[to].push_back(packet);
}

void RecordingOutbox::broadcast(const std::vector<chatd::chat::ClientId>& to, const std::string& packet) {
  std::lock_guard lock(mutex_);
  for (const auto id : to) inboxes_[id].push_back(packet);
}

std::vector<std::string> RecordingOutbox::take(chatd::chat::ClientId client) {
  std::lock_guard lock(mutex_);
  auto inbox = std::move(inboxes_[client]);
  inboxes_.erase(client);
  return inbox;
}

void RecordingOutbox::broadcast_binary(const std::vector<chatd::chat::ClientId>& to, const ::codec::sio::Packet& packet,
                                       const std::vector<std::string>&) {
  broadcast(to, ::codec::sio::encode(packet));
}
