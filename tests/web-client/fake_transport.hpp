#pragma once
// A scripted stand-in for the WebSocket: records what the client sends and
// lets a test play the server's side, frame by frame.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "chat_client/chat_client.hpp"
#include "chat_client/chat_model.hpp"
#include "chat_client/transport.hpp"

namespace test_support {

class FakeTransport final : public chat_client::Transport {
 public:
  void open(const std::string& url, chat_client::TransportEvents& events) override;
  bool send_text(std::string_view frame) override;
  void close() override;

  // Server side.
  void accept();                                // the socket opens
  void receive(std::string_view frame);         // a frame from the server
  void drop(std::string_view reason = "gone");  // the server goes away

  bool is_open() const { return open_; }
  int open_calls() const { return open_calls_; }
  int close_calls() const { return close_calls_; }
  const std::string& last_url() const { return url_; }
  const std::vector<std::string>& sent() const { return sent_; }
  std::string last_sent() const { return sent_.empty() ? std::string() : sent_.back(); }
  void clear_sent() { sent_.clear(); }

 private:
  chat_client::TransportEvents* events_ = nullptr;
  bool connecting_ = false;
  bool open_ = false;
  int open_calls_ = 0;
  int close_calls_ = 0;
  std::string url_;
  std::vector<std::string> sent_;
};

// A client wired to a fake transport and a hand-driven clock.
struct ClientFixture {
  ClientFixture();

  // Runs the server side of the handshake up to the nickname prompt.
  void connect_to_prompt();
  // ... and on through an accepted nickname.
  void join_as(const std::string& nickname);
  // The connection drops; after the first backoff delay (1 s) the client
  // opens a new one and the server answers the Engine.IO handshake.
  void drop_and_reopen();

  std::int64_t now_ms = 1'700'000'000'000;
  FakeTransport transport;
  chat_client::ChatModel model;
  chat_client::ChatClient client;
};

inline constexpr const char* kOpenFrame =
    R"(0{"sid":"abc","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000})";

}  // namespace test_support
