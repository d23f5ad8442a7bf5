#include "web_socket_transport.hpp"

#include <emscripten/emscripten.h>

namespace chat_web {

WebSocketTransport::~WebSocketTransport() { close(); }

void WebSocketTransport::open(const std::string& url, chat_client::TransportEvents& events) {
  close();
  events_ = &events;
  EmscriptenWebSocketCreateAttributes attributes;
  emscripten_websocket_init_create_attributes(&attributes);
  attributes.url = url.c_str();
  attributes.protocols = nullptr;
  const EMSCRIPTEN_WEBSOCKET_T socket = emscripten_websocket_new(&attributes);
  if (socket <= 0) {
    // Events must never arrive from inside open(): report on the next turn.
    emscripten_async_call(&WebSocketTransport::report_open_failure, this, 0);
    return;
  }
  socket_ = socket;
  emscripten_websocket_set_onopen_callback(socket_, this, &WebSocketTransport::on_open);
  emscripten_websocket_set_onmessage_callback(socket_, this, &WebSocketTransport::on_message);
  // Browsers follow every error with a close event, so close alone is enough.
  emscripten_websocket_set_onclose_callback(socket_, this, &WebSocketTransport::on_close);
}

void WebSocketTransport::report_open_failure(void* self) {
  auto* transport = static_cast<WebSocketTransport*>(self);
  if (transport->socket_ == 0 && transport->events_ != nullptr) {
    transport->events_->on_transport_closed("could not create the WebSocket");
    if (transport->after_event_) transport->after_event_();
  }
}

bool WebSocketTransport::send_text(std::string_view frame) {
  if (!open_ || socket_ <= 0) return false;
  const std::string text(frame);  // the API wants a NUL-terminated string
  return emscripten_websocket_send_utf8_text(socket_, text.c_str()) == EMSCRIPTEN_RESULT_SUCCESS;
}

void WebSocketTransport::close() {
  if (socket_ <= 0) return;
  emscripten_websocket_close(socket_, 1000, "client closed");
  // delete() detaches the JS handlers: no event of the old socket reaches us.
  emscripten_websocket_delete(socket_);
  socket_ = 0;
  open_ = false;
}

EM_BOOL WebSocketTransport::on_open(int, const EmscriptenWebSocketOpenEvent* event, void* self) {
  auto* transport = static_cast<WebSocketTransport*>(self);
  if (event->socket != transport->socket_) return EM_TRUE;  // a socket we already left
  transport->open_ = true;
  transport->events_->on_transport_open();
  if (transport->after_event_) transport->after_event_();
  return EM_TRUE;
}

EM_BOOL WebSocketTransport::on_message(int, const EmscriptenWebSocketMessageEvent* event, void* self) {
  auto* transport = static_cast<WebSocketTransport*>(self);
  if (event->socket != transport->socket_) return EM_TRUE;
  const auto* bytes = reinterpret_cast<const char*>(event->data);
  if (event->isText) {
    // Text frames come NUL-terminated and numBytes counts the terminator.
    const std::size_t size = event->numBytes > 0 ? event->numBytes - 1 : 0;
    transport->events_->on_transport_text(std::string_view(bytes, size));
  } else {
    transport->events_->on_transport_binary(std::string_view(bytes, event->numBytes));
  }
  if (transport->after_event_) transport->after_event_();
  return EM_TRUE;
}

EM_BOOL WebSocketTransport::on_close(int, const EmscriptenWebSocketCloseEvent* event, void* self) {
  auto* transport = static_cast<WebSocketTransport*>(self);
  if (event->socket != transport->socket_) return EM_TRUE;
  const EMSCRIPTEN_WEBSOCKET_T socket = transport->socket_;
  transport->socket_ = 0;
  transport->open_ = false;
  emscripten_websocket_delete(socket);
  transport->events_->on_transport_closed(event->reason[0] != '\0' ? event->reason : "connection closed");
  if (transport->after_event_) transport->after_event_();
  return EM_TRUE;
}

}  // namespace chat_web
