#include "socketio/chat_namespace.hpp"

#include <type_traits>
#include <utility>
#include <variant>

#include "codec/chat_events.hpp"
#include "codec/connection_recovery.hpp"

namespace chatd::sio {

namespace events = ::codec::events;

void ChatNamespace::on_connect(SocketId socket, const std::string& sid, const nlohmann::json& auth,
                               const Accept& accept) {
  // socket.io-client 4.6+ sends back the `pid` and the last offset it saw.
  // Auth that is not a resume request joins afresh, like none at all.
  std::optional<chat::ResumeRequest> resume;
  if (auto request = ::codec::sio::decode_resume_auth(auth)) {
    resume = chat::ResumeRequest{std::move(request->pid), std::move(request->offset)};
  }
  chat_->open(socket, sid, resume, accept);
}

void ChatNamespace::on_event(SocketId socket, const ::codec::sio::Packet& packet,
                             std::vector<std::string> attachments) {
  const std::string name = packet.data.front().get<std::string>();  // the codec checked it is a string
  if (!attachments.empty()) {
    chat_->refuse(socket, name, packet.ack_id, "the chat takes no binary attachments");
    return;
  }
  auto event = events::decode_client_event(packet);
  if (!event) {
    const bool unknown = event.error().kind == ::codec::CodecErrorKind::UnknownEvent;
    chat_->refuse(socket, name, packet.ack_id, unknown ? "unknown event \"" + name + "\"" : event.error().reason);
    return;
  }
  std::visit(
      [&](const auto& request) {
        using Request = std::decay_t<decltype(request)>;
        if constexpr (std::is_same_v<Request, events::NicknameRequest>) {
          chat_->on_nickname(socket, request);
        } else if constexpr (std::is_same_v<Request, events::HistoryRequest>) {
          chat_->on_history(socket, request);
        } else {
          chat_->on_user_message(socket, request);
        }
      },
      *event);
}

void ChatNamespace::on_disconnect(SocketId socket, bool resumable) { chat_->close(socket, resumable); }

void ChatNamespace::on_invalid_packet(SocketId socket, const std::string& reason) {
  chat_->refuse(socket, "", std::nullopt, reason);
}

void ChatNamespace::send(chat::ClientId to, const std::string& packet) { server_.send_encoded(to, packet); }

void ChatNamespace::broadcast(const std::vector<chat::ClientId>& to, const std::string& packet) {
  server_.broadcast_encoded(to, packet);
}

void ChatNamespace::broadcast_snapshot(const std::vector<chat::ClientId>& to, const std::string& packet) {
  server_.broadcast_snapshot(to, packet);
}

void ChatNamespace::broadcast_binary(const std::vector<chat::ClientId>& to, const ::codec::sio::Packet& packet,
                                     const std::vector<std::string>& attachments) {
  for (const auto client : to) server_.send(client, packet, attachments);
}

}  // namespace chatd::sio
