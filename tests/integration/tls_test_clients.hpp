#pragma once
// Test clients for chatd over TLS (Boost.Beast on Boost.Asio's OpenSSL
// streams), verifying the server's certificate against the one the test made:
// an HTTPS client, and a small WSS Socket.IO client (open, connect, emit, read
// frames; pings answered), enough to chat.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "http_test_client.hpp"

namespace chat_it {

class HttpsTestClient {
 public:
  // `trusted_pem`: the certificate the client accepts for 127.0.0.1.
  HttpsTestClient(std::uint16_t port, std::string trusted_pem) : port_(port), trusted_pem_(std::move(trusted_pem)) {}

  // Throws on a network or TLS failure (an untrusted certificate included) or a timeout.
  HttpTestClient::Response get(const std::string& target,
                               std::chrono::milliseconds timeout = std::chrono::milliseconds(3000)) const;
  HttpTestClient::Response post(const std::string& target, const std::string& body,
                                std::chrono::milliseconds timeout = std::chrono::milliseconds(3000)) const;

 private:
  HttpTestClient::Response send(const std::string& method, const std::string& target, const std::string* body,
                                std::chrono::milliseconds timeout) const;

  std::uint16_t port_;
  std::string trusted_pem_;
};

class WssSocketIoTestClient {
 public:
  using Duration = std::chrono::milliseconds;
  static constexpr Duration kTimeout{3000};

  WssSocketIoTestClient(std::uint16_t port, const std::string& trusted_pem);
  ~WssSocketIoTestClient();
  WssSocketIoTestClient(const WssSocketIoTestClient&) = delete;
  WssSocketIoTestClient& operator=(const WssSocketIoTestClient&) = delete;

  // TLS, WebSocket upgrade, Engine.IO open packet, then "40" and the server's
  // "40{...}". Throws when a step fails. Returns the open packet ("0{...}").
  std::string connect(Duration timeout = kTimeout);
  void send_text(std::string_view frame, Duration timeout = kTimeout);
  // The next frame that is not a ping (pings are answered); throws on timeout.
  std::string next_frame(Duration timeout = kTimeout);
  // Skips frames until one starting with `prefix`; returns it.
  std::string frame_starting_with(std::string_view prefix, Duration timeout = kTimeout);
  void close(Duration timeout = kTimeout);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace chat_it
