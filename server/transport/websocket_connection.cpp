#include "transport/websocket_connection.hpp"

#include <civetweb.h>

#include <algorithm>
#include <string>

namespace chatd::transport {

bool WebSocketConnection::write_text(std::string_view frame) {
  std::lock_guard lock(mutex_);
  if (!connection_) return false;
  return mg_websocket_write(connection_, MG_WEBSOCKET_OPCODE_TEXT, frame.data(), frame.size()) > 0;
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

void WebSocketConnection::detach() {
  std::lock_guard lock(mutex_);
  connection_ = nullptr;
}

}  // namespace chatd::transport
