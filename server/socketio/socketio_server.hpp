#pragma once
// The Socket.IO v5 layer: namespace connection, packet decoding and acks on
// top of Engine.IO sessions. It turns chat events into ChatService calls and
// implements the ChatOutbox by encoding packets into Engine.IO frames.

#include <atomic>
#include <memory>
#include <mutex>
#include <string_view>
#include <unordered_map>

#include "chat/chat_outbox.hpp"
#include "chat/chat_service.hpp"
#include "engineio/session.hpp"
#include "engineio/session_handler.hpp"

namespace chatd::sio {

class SocketIoServer final : public eio::SessionHandler, public chat::ChatOutbox {
 public:
  SocketIoServer() = default;

  // Set once, before the first session opens (the service needs the outbox).
  void set_chat_service(chat::ChatService& service) { chat_ = &service; }

  // eio::SessionHandler
  void on_open(eio::Session& session) override;
  void on_message(eio::Session& session, std::string_view data) override;
  void on_binary_message(eio::Session& session, std::string_view data) override;
  void on_close(eio::Session& session, std::string_view reason) override;

  // chat::ChatOutbox
  void send(chat::ClientId to, const ::chat::sio::Packet& packet) override;
  void broadcast(const std::vector<chat::ClientId>& to, const ::chat::sio::Packet& packet) override;

 private:
  struct Socket;
  void handle_event(eio::Session& session, Socket& socket, const ::chat::sio::Packet& packet);
  void connect_error(eio::Session& session, std::string_view nsp, std::string_view message);

  chat::ChatService* chat_ = nullptr;
  std::atomic<chat::ClientId> next_client_id_{1};

  std::mutex mutex_;  // guards sockets_
  std::unordered_map<chat::ClientId, std::weak_ptr<eio::Session>> sockets_;
};

}  // namespace chatd::sio
