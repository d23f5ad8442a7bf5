#pragma once
// chat_client::Transport over the browser's WebSocket (emscripten/websocket.h).

#include <emscripten/websocket.h>

#include <string>
#include <string_view>

#include "chat_client/transport.hpp"

namespace chat_web {

class WebSocketTransport final : public chat_client::Transport {
 public:
  WebSocketTransport() = default;
  ~WebSocketTransport() override;
  WebSocketTransport(const WebSocketTransport&) = delete;
  WebSocketTransport& operator=(const WebSocketTransport&) = delete;

  void open(const std::string& url, chat_client::TransportEvents& events) override;
  bool send_text(std::string_view frame) override;
  void close() override;

 private:
  static EM_BOOL on_open(int, const EmscriptenWebSocketOpenEvent* event, void* self);
  static EM_BOOL on_message(int, const EmscriptenWebSocketMessageEvent* event, void* self);
  static EM_BOOL on_close(int, const EmscriptenWebSocketCloseEvent* event, void* self);
  static void report_open_failure(void* self);

  EMSCRIPTEN_WEBSOCKET_T socket_ = 0;
  bool open_ = false;
  chat_client::TransportEvents* events_ = nullptr;
};

}  // namespace chat_web
