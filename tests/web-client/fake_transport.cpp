#include "fake_transport.hpp"

#include <stdexcept>

namespace test_support {

void FakeTransport::open(const std::string& url, chat_client::TransportEvents& events) {
  ++open_calls_;
  url_ = url;
  events_ = &events;
  connecting_ = true;
  open_ = false;
}

bool FakeTransport::send_text(std::string_view frame) {
  if (!open_) return false;
  sent_.emplace_back(frame);
  return true;
}

void FakeTransport::close() {
  ++close_calls_;
  connecting_ = false;
  open_ = false;
}

void FakeTransport::accept() {
  if (!connecting_) throw std::logic_error("accept() without open()");
  connecting_ = false;
  open_ = true;
  events_->on_transport_open();
}

void FakeTransport::receive(std::string_view frame) {
  if (!open_) throw std::logic_error("receive() on a closed transport");
  events_->on_transport_text(frame);
}

void FakeTransport::drop(std::string_view reason) {
  if (!open_ && !connecting_) throw std::logic_error("drop() on a closed transport");
  connecting_ = false;
  open_ = false;
  events_->on_transport_closed(reason);
}

ClientFixture::ClientFixture()
    : client(
          [] {
            chat_client::ClientConfig config;
            config.url = "ws://chat.test/socket.io/?EIO=4&transport=websocket";
            config.random01 = [] { return 0.5; };  // no jitter: exact delays
            return config;
          }(),
          transport, model, [this] { return now_ms; }) {}

void ClientFixture::connect_to_prompt() {
  client.start();
  transport.accept();
  transport.receive(kOpenFrame);
  transport.receive("40{\"sid\":\"s1\"}");
}

void ClientFixture::join_as(const std::string& nickname) {
  connect_to_prompt();
  client.submit_nickname(nickname);
  transport.receive("431[false]");
}

void ClientFixture::drop_and_reopen() {
  transport.drop();
  now_ms += 1000;
  client.tick();
  transport.accept();
  transport.receive(kOpenFrame);
}

}  // namespace test_support
