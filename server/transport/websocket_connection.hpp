#pragma once
// One CivetWeb WebSocket connection as an Engine.IO FrameSink, plus the
// reassembly of fragmented messages. Writes may come from any send thread;
// once CivetWeb reports the connection closed, the sink turns into a no-op,
// because CivetWeb reuses its connection object for the next client.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "codec/result.hpp"
#include "engineio/frame_sink.hpp"
#include "engineio/session.hpp"

struct mg_connection;

namespace chatd::transport {

class WebSocketConnection final : public eio::FrameSink, public std::enable_shared_from_this<WebSocketConnection> {
 public:
  // `max_message_bytes`: a fragmented message growing beyond it is refused
  // (Engine.IO's maxPayload).
  WebSocketConnection(mg_connection* connection, std::size_t max_message_bytes)
      : connection_(connection), max_message_bytes_(max_message_bytes) {}

  // One frame: header and payload in one system call.
  bool write(const eio::Frame& frame) override;
  // All queued frames in one buffer and one write: one system call per flush.
  bool write_all(std::span<const eio::SharedFrame> frames) override;
  bool write_text(std::string_view text) { return write(eio::Frame{std::string(text), false}); }
  void close(std::uint16_t code, std::string_view reason) override;

  // CivetWeb's close callback: no write may touch the connection after this.
  void detach();

  std::shared_ptr<eio::Session> session;    // set right after the handshake, or when an upgrade completes
  std::shared_ptr<eio::Session> upgrading;  // a long-polling session probing this WebSocket

  // A whole message: one unfragmented frame (its bytes stay where the frame
  // was), or fragments put back together (owned).
  class Message {
   public:
    Message(bool binary, std::variant<std::string_view, std::string> bytes)
        : binary_(binary), bytes_(std::move(bytes)) {}
    bool binary() const { return binary_; }
    std::string_view bytes() const {
      return std::visit([](const auto& bytes) { return std::string_view(bytes); }, bytes_);
    }

   private:
    bool binary_;
    std::variant<std::string_view, std::string> bytes_;
  };
  // Why the connection must be closed instead.
  struct Violation {
    std::uint16_t close_code;
    std::string reason;
  };
  // CivetWeb hands over frames, not messages: takes one data frame (text,
  // binary or continuation; its FIN bit as `final_fragment`) and returns the
  // message it completes, nothing while more fragments are due, or a
  // violation: an unknown opcode, or fragments beyond max_message_bytes.
  codec::Result<std::optional<Message>, Violation> take_frame(int opcode, bool final_fragment,
                                                              std::string_view payload);

 private:
  bool write_bytes(const std::string& buffer);

  std::mutex mutex_;
  mg_connection* connection_;

  // Only CivetWeb's thread for this connection reads frames: no lock.
  const std::size_t max_message_bytes_;
  std::string fragments_;
  bool fragments_binary_ = false;
};

}  // namespace chatd::transport
