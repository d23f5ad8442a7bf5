#include "socketio/socketio_server.hpp"

#include <vector>

#include "chat/engineio_packet.hpp"
#include "engineio/session_id.hpp"

namespace chatd::sio {

namespace packet = ::chat::sio;
namespace events = ::chat::events;
using nlohmann::json;

// Per-session Socket.IO state, kept in the Engine.IO session. Touched only by
// the thread that reads that session's frames.
struct SocketIoServer::Socket {
  chat::ClientId id;
  std::string sid;         // the Socket.IO id, distinct from the Engine.IO sid
  bool connected = false;  // to the main namespace "/"
};

namespace {

eio::SharedFrame to_frame(const packet::Packet& p) {
  return eio::make_frame(::chat::eio::encode_text_frame(::chat::eio::PacketType::Message, packet::encode(p)));
}

}  // namespace

void SocketIoServer::on_open(eio::Session& session) {
  auto socket = std::make_shared<Socket>(Socket{next_client_id_++, eio::generate_session_id(), false});
  {
    std::lock_guard lock(mutex_);
    sockets_.emplace(socket->id, session.weak_from_this());
  }
  session.set_user_data(socket);
}

void SocketIoServer::connect_error(eio::Session& session, std::string_view nsp, std::string_view message) {
  packet::Packet error{packet::PacketType::ConnectError, std::string(nsp), std::nullopt,
                       json{{"message", message}}, 0};
  session.send(to_frame(error));
}

void SocketIoServer::on_message(eio::Session& session, std::string_view data) {
  auto socket = std::static_pointer_cast<Socket>(session.user_data());
  if (!socket) return;
  auto decoded = packet::decode(data);
  if (!decoded) {
    // Keep the connection: the client hears why, and others are unaffected.
    if (socket->connected) {
      chat_->refuse(socket->id, "", std::nullopt, "invalid packet: " + decoded.error().reason);
    } else {
      connect_error(session, "/", "invalid packet: " + decoded.error().reason);
    }
    return;
  }
  auto& p = *decoded;
  switch (p.type) {
    case packet::PacketType::Connect:
      if (p.nsp != "/") return connect_error(session, p.nsp, "Invalid namespace");
      if (!socket->connected) {
        socket->connected = true;
        chat_->connect(socket->id);
      }
      session.send(to_frame(packet::Packet{packet::PacketType::Connect, "/", std::nullopt,
                                           json{{"sid", socket->sid}}, 0}));
      return;
    case packet::PacketType::Disconnect:
      if (p.nsp == "/" && socket->connected) {
        socket->connected = false;
        chat_->disconnect(socket->id);
      }
      return;
    case packet::PacketType::Event:
    case packet::PacketType::BinaryEvent:
      if (p.nsp != "/" || !socket->connected) {
        return connect_error(session, p.nsp, "not connected to namespace " + p.nsp);
      }
      return handle_event(session, *socket, p);
    case packet::PacketType::Ack:
    case packet::PacketType::BinaryAck:
      return;  // the server asks for no acks
    case packet::PacketType::ConnectError:
      return connect_error(session, p.nsp, "clients must not send CONNECT_ERROR");
  }
}

void SocketIoServer::handle_event(eio::Session&, Socket& socket, const packet::Packet& p) {
  auto event = events::decode_client_event(p);
  if (!event) {
    const std::string name = p.data.front().get<std::string>();
    const bool unknown = event.error().kind == ::chat::CodecErrorKind::UnknownEvent;
    chat_->refuse(socket.id, name, p.ack_id, unknown ? "unknown event \"" + name + "\"" : event.error().reason);
    return;
  }
  std::visit([&](const auto& request) {
    using Request = std::decay_t<decltype(request)>;
    if constexpr (std::is_same_v<Request, events::NicknameRequest>) {
      chat_->on_nickname(socket.id, request);
    } else {
      chat_->on_user_message(socket.id, request);
    }
  }, *event);
}

void SocketIoServer::on_binary_message(eio::Session& session, std::string_view) {
  auto socket = std::static_pointer_cast<Socket>(session.user_data());
  if (socket && socket->connected) {
    chat_->refuse(socket->id, "", std::nullopt, "binary attachments are not supported by the chat");
  }
}

void SocketIoServer::on_close(eio::Session& session, std::string_view) {
  auto socket = std::static_pointer_cast<Socket>(session.user_data());
  if (!socket) return;
  {
    std::lock_guard lock(mutex_);
    sockets_.erase(socket->id);
  }
  if (socket->connected) chat_->disconnect(socket->id);
}

void SocketIoServer::send(chat::ClientId to, const packet::Packet& p) {
  std::shared_ptr<eio::Session> session;
  {
    std::lock_guard lock(mutex_);
    const auto it = sockets_.find(to);
    if (it != sockets_.end()) session = it->second.lock();
  }
  if (session) session->send(to_frame(p));
}

void SocketIoServer::broadcast(const std::vector<chat::ClientId>& to, const packet::Packet& p) {
  if (to.empty()) return;
  const auto frame = to_frame(p);  // encoded once for every recipient
  std::vector<std::shared_ptr<eio::Session>> sessions;
  sessions.reserve(to.size());
  {
    std::lock_guard lock(mutex_);
    for (const auto id : to) {
      const auto it = sockets_.find(id);
      if (it == sockets_.end()) continue;
      if (auto session = it->second.lock()) sessions.push_back(std::move(session));
    }
  }
  for (const auto& session : sessions) session->send(frame);
}

}  // namespace chatd::sio
