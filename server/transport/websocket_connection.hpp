#pragma once
// One CivetWeb WebSocket connection as an Engine.IO FrameSink, plus the
// reassembly of fragmented messages. Writes may come from any send thread;
// once CivetWeb reports the connection closed, the sink turns into a no-op,
// because CivetWeb reuses its connection object for the next client.

#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "engineio/frame_sink.hpp"
#include "engineio/session.hpp"

struct mg_connection;

namespace chatd::transport {

class WebSocketConnection final : public eio::FrameSink,
                                  public std::enable_shared_from_this<WebSocketConnection> {
 public:
  explicit WebSocketConnection(mg_connection* connection) : connection_(connection) {}

  // One frame: header and payload in one system call.
  bool write(const eio::Frame& frame) override;
  // All queued frames in one buffer and one write: one system call per flush.
  bool write_all(std::span<const eio::SharedFrame> frames) override;
  bool write_text(std::string_view text) { return write(eio::Frame{std::string(text), false}); }
  void close(std::uint16_t code, std::string_view reason) override;

  // CivetWeb's close callback: no write may touch the connection after this.
  void detach();

  std::shared_ptr<eio::Session> session;  // set right after the handshake, or when an upgrade completes
  std::shared_ptr<eio::Session> upgrading;  // a long-polling session probing this WebSocket

  // Fragment reassembly (CivetWeb hands over frames, not messages).
  std::string fragments;
  bool fragments_binary = false;

 private:
  bool write_bytes(const std::string& buffer);

  std::mutex mutex_;
  mg_connection* connection_;
};

}  // namespace chatd::transport
