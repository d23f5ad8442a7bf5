#pragma once
// The reference server of the Socket.IO protocol's test suite
// (socketio/socket.io-protocol, "Test suite"): on connect it emits "auth" with
// the handshake's auth payload; "message" comes back as "message-back" with
// the same arguments; "message-with-ack" is acked with its arguments.

#include "socketio/namespace_handler.hpp"
#include "socketio/socketio_server.hpp"

namespace chatd::conformance {

class ConformanceNamespace final : public sio::NamespaceHandler {
 public:
  ConformanceNamespace(sio::SocketIoServer& server, std::string name) : server_(server), name_(std::move(name)) {}

  void on_connect(sio::SocketId socket, const nlohmann::json& auth, const Accept& accept) override;
  void on_event(sio::SocketId socket, const ::codec::sio::Packet& event, std::vector<std::string> attachments) override;
  void on_disconnect(sio::SocketId, bool) override {}
  void on_invalid_packet(sio::SocketId, const std::string&) override {}

 private:
  sio::SocketIoServer& server_;
  const std::string name_;
};

}  // namespace chatd::conformance
