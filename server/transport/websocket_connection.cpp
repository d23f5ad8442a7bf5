#include "transport/websocket_connection.hpp"

#include <civetweb.h>

#include <algorithm>
#include <string>
#include <utility>

#include "engineio/close_code.hpp"

namespace chatd::transport {

namespace {

// A server-to-client WebSocket frame header (RFC 6455, 5.2): FIN, opcode and
// the payload length; server frames are not masked.
void append_header(std::string& out, int opcode, std::size_t length) {
  out.push_back(static_cast<char>(0x80 | opcode));
  if (length < 126) {
    out.push_back(static_cast<char>(length));
  } else if (length <= 0xFFFF) {
    out.push_back(static_cast<char>(126));
    out.push_back(static_cast<char>((length >> 8) & 0xFF));
    out.push_back(static_cast<char>(length & 0xFF));
  } else {
    out.push_back(static_cast<char>(127));
    for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>((length >> shift) & 0xFF));
  }
}

}  // namespace

bool WebSocketConnection::write(const eio::Frame& frame) {
  std::string buffer;
  buffer.reserve(frame.bytes.size() + 10);
  append_header(buffer, frame.binary ? MG_WEBSOCKET_OPCODE_BINARY : MG_WEBSOCKET_OPCODE_TEXT, frame.bytes.size());
  buffer.append(frame.bytes);
  return write_bytes(buffer);
}

bool WebSocketConnection::write_all(std::span<const eio::SharedFrame> frames) {
  std::size_t total = 0;
  for (const auto& frame : frames) total += frame->bytes.size() + 10;
  std::string buffer;
  buffer.reserve(total);
  for (const auto& frame : frames) {
    append_header(buffer, frame->binary ? MG_WEBSOCKET_OPCODE_BINARY : MG_WEBSOCKET_OPCODE_TEXT, frame->bytes.size());
    buffer.append(frame->bytes);
  }
  return write_bytes(buffer);
}

// Header and payload in one mg_write, not mg_websocket_write: that one writes
// the header and the payload with a system call each, which with TCP_NODELAY
// sends two TCP segments per frame (profiled: 60 % of chatd's time in S1).
bool WebSocketConnection::write_bytes(const std::string& buffer) {
  std::lock_guard lock(mutex_);
  if (!connection_) return false;
  // CivetWeb answers pings on its own thread with the connection lock held;
  // take it too, so that its frames never land inside ours.
  mg_lock_connection(connection_);
  const int written = mg_write(connection_, buffer.data(), buffer.size());
  mg_unlock_connection(connection_);
  return written > 0;
}

void WebSocketConnection::close(std::uint16_t code, std::string_view reason) {
  std::lock_guard lock(mutex_);
  if (!connection_) return;
  // Close payload: 2-byte code, then the reason (at most 123 bytes).
  std::string payload;
  payload.push_back(static_cast<char>(code >> 8));
  payload.push_back(static_cast<char>(code & 0xFF));
  payload.append(reason.substr(0, std::min<std::size_t>(reason.size(), 123)));
  mg_websocket_write(connection_, MG_WEBSOCKET_OPCODE_CONNECTION_CLOSE, payload.data(), payload.size());
}

codec::Result<std::optional<WebSocketConnection::Message>, WebSocketConnection::Violation>
WebSocketConnection::take_frame(int opcode, bool final_fragment, std::string_view payload) {
  switch (opcode) {
    case MG_WEBSOCKET_OPCODE_TEXT:
    case MG_WEBSOCKET_OPCODE_BINARY:
      if (final_fragment) {
        fragments_.clear();
        return std::optional<Message>(Message(opcode == MG_WEBSOCKET_OPCODE_BINARY, payload));
      }
      fragments_.assign(payload);
      fragments_binary_ = opcode == MG_WEBSOCKET_OPCODE_BINARY;
      break;
    case MG_WEBSOCKET_OPCODE_CONTINUATION: fragments_.append(payload); break;
    default: return Violation{eio::close_code::kProtocolError, "unknown WebSocket opcode"};
  }
  if (fragments_.size() > max_message_bytes_) {
    fragments_.clear();
    return Violation{eio::close_code::kTooBig, "Engine.IO packet exceeds maxPayload"};
  }
  if (!final_fragment) return std::optional<Message>();
  // Moved out: a large message's buffer is not kept for the next one.
  std::string message = std::move(fragments_);
  fragments_.clear();
  return std::optional<Message>(Message(fragments_binary_, std::move(message)));
}

void WebSocketConnection::detach() {
  std::lock_guard lock(mutex_);
  connection_ = nullptr;
}

}  // namespace chatd::transport
