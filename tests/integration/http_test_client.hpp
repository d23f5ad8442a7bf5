#pragma once
// A minimal synchronous HTTP/1.1 client (Boost.Beast) with a timeout, for
// chatd's plain HTTP endpoints.

#include <chrono>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace chat_it {

class HttpTestClient {
 public:
  struct Response {
    unsigned status = 0;
    std::string content_type;
    std::string body;
  };

  explicit HttpTestClient(std::uint16_t port) : port_(port) {}

  // GET `target` on 127.0.0.1; throws on a network failure or timeout.
  Response get(const std::string& target, std::chrono::milliseconds timeout = std::chrono::milliseconds(3000)) const;
  // GET with extra request headers (e.g. a browser's Origin).
  Response get(const std::string& target, const std::vector<std::pair<std::string, std::string>>& headers) const;
  // POST `body` (text/plain) to `target`; the same failures throw.
  Response post(const std::string& target, const std::string& body,
                std::chrono::milliseconds timeout = std::chrono::milliseconds(3000)) const;

 private:
  Response send(const std::string& method, const std::string& target, const std::string* body,
                std::chrono::milliseconds timeout,
                const std::vector<std::pair<std::string, std::string>>& headers = {}) const;

  std::uint16_t port_;
};

}  // namespace chat_it
