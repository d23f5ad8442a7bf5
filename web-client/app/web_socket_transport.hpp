#pragma once
// chat_client::Transport over the browser's WebSocket (emscripten/websocket.h).

#include <emscripten/websocket.h>

#include <functional>
#include <string>
#include <string_view>
#include <utility>

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
  // Called after each event was handed to the client (the page then draws
  // what changed).
  void set_after_event(std::function<void()> after_event) { after_event_ = std::move(after_event); }

 private:
  static EM_BOOL on_open(int, const EmscriptenWebSocketOpenEvent* event, void* self);
  static EM_BOOL on_message(int, const EmscriptenWebSocketMessageEvent* event, void* self);
  static EM_BOOL on_close(int, const EmscriptenWebSocketCloseEvent* event, void* self);
  static void report_open_failure(void* self);

  EMSCRIPTEN_WEBSOCKET_T socket_ = 0;
  bool open_ = false;
  chat_client::TransportEvents* events_ = nullptr;
  std::function<void()> after_event_;
};

}  // namespace chat_web
