#pragma once
// A minimal synchronous HTTP/1.1 client (Boost.Beast) with a timeout, for
// chatd's plain HTTP endpoints.

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace chat_it {

class HttpTestClient {
 public:
  struct Response {
    unsigned status = 0;
    std::string content_type;
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;  // every response header, in order

    // The first header of that name (any case); empty when there is none.
    std::string header(std::string_view name) const;
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

// Fills a Response from a Beast response (shared with the TLS client).
template <typename BeastResponse>
HttpTestClient::Response to_test_response(const BeastResponse& response) {
  HttpTestClient::Response out;
  out.status = response.result_int();
  out.content_type = std::string(response["Content-Type"]);
  out.body = response.body();
  for (const auto& field : response)
    out.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  return out;
}

}  // namespace chat_it
