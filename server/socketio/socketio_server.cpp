#include "socketio/socketio_server.hpp"

#include "codec/engineio_packet.hpp"
#include "engineio/deferred_scheduling.hpp"
#include "engineio/session_id.hpp"

namespace chatd::sio {

using nlohmann::json;

// Per-session Socket.IO state, kept in the Engine.IO session. Touched only by
// the thread that reads that session's frames.
struct SocketIoServer::Socket {
  SocketId id = 0;
  std::map<std::string, codec::sio::ConnectAnswer> connected;  // namespace -> its CONNECT answer
  // A binary packet waiting for its attachments.
  std::optional<codec::sio::Packet> pending;
  std::vector<std::string> attachments;
};

namespace {

// One Engine.IO message frame carrying an encoded Socket.IO packet.
eio::SharedFrame to_frame(std::string_view encoded, bool snapshot = false) {
  auto bytes = ::codec::eio::encode_text_frame(::codec::eio::PacketType::Message, encoded);
  return snapshot ? eio::make_snapshot_frame(std::move(bytes)) : eio::make_frame(std::move(bytes));
}

std::vector<eio::SharedFrame> to_frames(const codec::sio::Packet& p, const std::vector<std::string>& attachments) {
  std::vector<eio::SharedFrame> frames;
  frames.reserve(1 + attachments.size());
  frames.push_back(to_frame(codec::sio::encode(p)));
  for (const auto& attachment : attachments) frames.push_back(eio::make_frame(attachment, /*binary=*/true));
  return frames;
}

bool is_event(codec::sio::PacketType type) {
  return type == codec::sio::PacketType::Event || type == codec::sio::PacketType::BinaryEvent;
}

// An encoded packet starts with its type's digit.
bool is_event(std::string_view encoded) {
  return !encoded.empty() && is_event(static_cast<codec::sio::PacketType>(encoded.front() - '0'));
}

}  // namespace

void SocketIoServer::add_namespace(std::string name, NamespaceHandler& handler) {
  namespaces_[std::move(name)] = &handler;
}

NamespaceHandler* SocketIoServer::find_namespace(const std::string& name) const {
  const auto it = namespaces_.find(name);
  return it == namespaces_.end() ? nullptr : it->second;
}

void SocketIoServer::on_open(eio::Session& session) {
  auto socket = std::make_shared<Socket>();
  socket->id = next_socket_id_++;
  {
    std::lock_guard lock(mutex_);
    sessions_.emplace(socket->id, session.weak_from_this());
  }
  session.set_user_data(socket);
}

void SocketIoServer::invalid_packet(eio::Session& session, Socket& socket, const std::string& reason) {
  if (config_.close_on_invalid_packet) {
    session.close(eio::close_code::kProtocolError, reason);
    return;
  }
  // Keep the client: it hears why, and nobody else is affected.
  if (socket.connected.count("/")) {
    if (auto* handler = find_namespace("/")) handler->on_invalid_packet(socket.id, reason);
  } else {
    session.send(to_frames(codec::sio::encode_connect_error("/", reason), {}));
  }
}

void SocketIoServer::on_message(eio::Session& session, std::string_view data) {
  auto socket = std::static_pointer_cast<Socket>(session.user_data());
  if (!socket) return;
  if (socket->pending) {
    // The announced attachments did not come: drop that packet, say why, and
    // read this frame afresh, so that one mistake does not jam the connection.
    socket->pending.reset();
    socket->attachments.clear();
    invalid_packet(session, *socket, "invalid packet: expected a binary attachment, got text");
    if (session.closing()) return;
  }
  auto decoded = codec::sio::decode(data);
  if (!decoded) return invalid_packet(session, *socket, "invalid packet: " + decoded.error().reason);
  if (decoded->attachments > 0) {
    socket->pending = std::move(*decoded);  // dispatched once its attachments arrived
    socket->attachments.clear();
    return;
  }
  handle_packet(session, *socket, std::move(*decoded), {});
}

void SocketIoServer::on_binary_message(eio::Session& session, std::string_view data) {
  auto socket = std::static_pointer_cast<Socket>(session.user_data());
  if (!socket) return;
  if (!socket->pending) return invalid_packet(session, *socket, "invalid packet: unexpected binary attachment");
  socket->attachments.emplace_back(data);
  if (socket->attachments.size() < socket->pending->attachments) return;
  auto p = std::move(*socket->pending);
  socket->pending.reset();
  handle_packet(session, *socket, std::move(p), std::move(socket->attachments));
  socket->attachments.clear();
}

void SocketIoServer::handle_packet(eio::Session& session, Socket& socket, codec::sio::Packet p,
                                   std::vector<std::string> attachments) {
  NamespaceHandler* handler = find_namespace(p.nsp);
  const bool connected = socket.connected.count(p.nsp) > 0;
  switch (p.type) {
    case codec::sio::PacketType::Connect: {
      if (!handler) {
        session.send(to_frames(codec::sio::encode_connect_error(p.nsp, "Invalid namespace"), {}));
        return;
      }
      session.mark_established();
      if (connected) {
        // A second CONNECT changes nothing, but gets the first one's answer (the
        // same sid), so that a client waiting for an answer is not left hanging.
        session.send(to_frames(codec::sio::encode_connect_answer(p.nsp, socket.connected.at(p.nsp)), {}));
        return;
      }
      const auto sid = eio::generate_session_id();
      socket.connected.emplace(p.nsp, codec::sio::ConnectAnswer{sid, std::nullopt});
      bool accepted = false;
      const auto accept = [&](const std::optional<std::string>& pid) {
        if (accepted) return;
        accepted = true;
        auto& answer = socket.connected[p.nsp];
        answer.pid = pid;
        session.send(to_frames(codec::sio::encode_connect_answer(p.nsp, answer), {}));
      };
      handler->on_connect(socket.id, p.data.is_object() ? p.data : json::object(), accept);
      accept(std::nullopt);
      return;
    }
    case codec::sio::PacketType::Disconnect:
      if (connected) {
        socket.connected.erase(p.nsp);
        handler->on_disconnect(socket.id, /*resumable=*/false);
      }
      return;
    case codec::sio::PacketType::Event:
    case codec::sio::PacketType::BinaryEvent:
      if (!connected) {
        invalid_packet(session, socket, "invalid packet: event for namespace " + p.nsp + " before its CONNECT");
        return;
      }
      if (metrics_) metrics_->events_received.add();
      handler->on_event(socket.id, p, std::move(attachments));
      return;
    case codec::sio::PacketType::Ack:
    case codec::sio::PacketType::BinaryAck: return;  // the server asks for no acks
    case codec::sio::PacketType::ConnectError:
      return invalid_packet(session, socket, "invalid packet: clients do not send CONNECT_ERROR");
  }
}

void SocketIoServer::on_close(eio::Session& session, std::string_view) {
  auto socket = std::static_pointer_cast<Socket>(session.user_data());
  if (!socket) return;
  {
    std::lock_guard lock(mutex_);
    sessions_.erase(socket->id);
  }
  for (const auto& [nsp, answer] : socket->connected) {
    if (auto* handler = find_namespace(nsp)) handler->on_disconnect(socket->id, /*resumable=*/true);
  }
  socket->connected.clear();
}

std::shared_ptr<eio::Session> SocketIoServer::session_of(SocketId id) {
  std::lock_guard lock(mutex_);
  const auto it = sessions_.find(id);
  return it == sessions_.end() ? nullptr : it->second.lock();
}

void SocketIoServer::send(SocketId to, const codec::sio::Packet& p, const std::vector<std::string>& attachments) {
  auto session = session_of(to);
  if (!session) return;
  // Counted before queueing, so that a client that got it sees it counted.
  if (metrics_ && is_event(p.type)) metrics_->events_sent.add();
  session->send(to_frames(p, attachments));
}

void SocketIoServer::send_encoded(SocketId to, std::string_view encoded) {
  auto session = session_of(to);
  if (!session) return;
  if (metrics_ && is_event(encoded)) metrics_->events_sent.add();
  session->send(to_frame(encoded));
}

void SocketIoServer::broadcast_encoded(const std::vector<SocketId>& to, std::string_view encoded) {
  if (!to.empty()) broadcast_frame(to, to_frame(encoded), is_event(encoded));
}

void SocketIoServer::broadcast_snapshot(const std::vector<SocketId>& to, std::string_view encoded) {
  if (!to.empty()) broadcast_frame(to, to_frame(encoded, /*snapshot=*/true), is_event(encoded));
}

void SocketIoServer::broadcast_frame(const std::vector<SocketId>& to, const eio::SharedFrame& frame, bool event) {
  std::vector<std::shared_ptr<eio::Session>> sessions;
  sessions.reserve(to.size());
  {
    std::lock_guard lock(mutex_);
    for (const auto id : to) {
      const auto it = sessions_.find(id);
      if (it == sessions_.end()) continue;
      if (auto session = it->second.lock()) sessions.push_back(std::move(session));
    }
  }
  if (sessions.empty()) return;
  if (metrics_ && event) metrics_->events_sent.add(sessions.size());
  // Every recipient's flush is scheduled at once, when the scope ends.
  eio::DeferredScheduling batch;
  for (const auto& session : sessions) session->send(frame);
}

}  // namespace chatd::sio
