#pragma once
// Binds the chat to the Socket.IO namespace "/": decodes chat events for the
// ChatService and is its ChatOutbox, sending through the Socket.IO server.

#include "chat/chat_outbox.hpp"
#include "chat/chat_service.hpp"
#include "socketio/namespace_handler.hpp"
#include "socketio/socketio_server.hpp"

namespace chatd::sio {

class ChatNamespace final : public NamespaceHandler, public chat::ChatOutbox {
 public:
  explicit ChatNamespace(SocketIoServer& server) : server_(server) {}

  // Set once, before the first client connects (the service needs the outbox).
  void set_chat_service(chat::ChatService& service) { chat_ = &service; }

  // NamespaceHandler
  void on_connect(SocketId socket, const nlohmann::json& auth, const Accept& accept) override;
  void on_event(SocketId socket, const ::codec::sio::Packet& event, std::vector<std::string> attachments) override;
  void on_disconnect(SocketId socket, bool resumable) override;
  void on_invalid_packet(SocketId socket, const std::string& reason) override;

  // chat::ChatOutbox
  void send(chat::ClientId to, const std::string& packet) override;
  void broadcast(const std::vector<chat::ClientId>& to, const std::string& packet) override;
  void broadcast_snapshot(const std::vector<chat::ClientId>& to, const std::string& packet) override;

 private:
  SocketIoServer& server_;
  chat::ChatService* chat_ = nullptr;
};

}  // namespace chatd::sio
