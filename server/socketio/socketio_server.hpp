#pragma once
// The Socket.IO v5 layer on top of Engine.IO sessions: namespaces, packet
// decoding, binary attachments and acks. Each namespace's application is a
// NamespaceHandler; this layer knows nothing of chat.

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engineio/session.hpp"
#include "engineio/session_handler.hpp"
#include "metrics/metrics.hpp"
#include "socketio/namespace_handler.hpp"

namespace chatd::sio {

struct SocketIoConfig {
  // Close a session that sends an undecodable packet (what Node's Socket.IO
  // does); otherwise tell the namespace and keep the client.
  bool close_on_invalid_packet = false;
};

class SocketIoServer final : public eio::SessionHandler {
 public:
  // `metrics`, when given, counts events and must outlive the server.
  explicit SocketIoServer(SocketIoConfig config = {}, metrics::Metrics* metrics = nullptr)
      : config_(config), metrics_(metrics) {}

  // Registered before the first session opens.
  void add_namespace(std::string name, NamespaceHandler& handler);

  // Queues a packet (and its binary attachments) to one socket.
  void send(SocketId to, const ::codec::sio::Packet& packet, const std::vector<std::string>& attachments = {});
  // The same for a packet already encoded (codec::sio::encode's text).
  void send_encoded(SocketId to, std::string_view packet);
  // One frame, the same bytes queued to every recipient.
  void broadcast_encoded(const std::vector<SocketId>& to, std::string_view packet);
  // The same for a snapshot of state: it replaces the one a recipient has
  // queued and not yet been sent (eio::Frame::snapshot).
  void broadcast_snapshot(const std::vector<SocketId>& to, std::string_view packet);

  // eio::SessionHandler
  void on_open(eio::Session& session) override;
  void on_message(eio::Session& session, std::string_view data) override;
  void on_binary_message(eio::Session& session, std::string_view data) override;
  void on_close(eio::Session& session, std::string_view reason) override;

 private:
  struct Socket;
  // The same frame to every recipient; `event`: counted in events_sent.
  void broadcast_frame(const std::vector<SocketId>& to, const eio::SharedFrame& frame, bool event);
  void handle_packet(eio::Session& session, Socket& socket, ::codec::sio::Packet packet,
                     std::vector<std::string> attachments);
  void invalid_packet(eio::Session& session, Socket& socket, const std::string& reason);
  NamespaceHandler* find_namespace(const std::string& name) const;
  std::shared_ptr<eio::Session> session_of(SocketId id);

  const SocketIoConfig config_;
  metrics::Metrics* const metrics_;
  std::map<std::string, NamespaceHandler*> namespaces_;
  std::atomic<SocketId> next_socket_id_{1};

  std::mutex mutex_;  // guards sessions_
  std::unordered_map<SocketId, std::weak_ptr<eio::Session>> sessions_;
};

}  // namespace chatd::sio
