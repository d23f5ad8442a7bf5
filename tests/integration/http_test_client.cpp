#include "http_test_client.hpp"

#include <algorithm>
#include <cctype>
#include <stdexcept>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace chat_it {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

std::string HttpTestClient::Response::header(std::string_view name) const {
  const auto same = [&](const std::string& other) {
    return std::equal(other.begin(), other.end(), name.begin(), name.end(), [](char a, char b) {
      return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
    });
  };
  for (const auto& [key, value] : headers) {
    if (same(key)) return value;
  }
  return {};
}

HttpTestClient::Response HttpTestClient::get(const std::string& target, std::chrono::milliseconds timeout) const {
  return send("GET", target, nullptr, timeout);
}

HttpTestClient::Response HttpTestClient::get(const std::string& target,
                                             const std::vector<std::pair<std::string, std::string>>& headers) const {
  return send("GET", target, nullptr, std::chrono::milliseconds(3000), headers);
}

HttpTestClient::Response HttpTestClient::post(const std::string& target, const std::string& body,
                                              std::chrono::milliseconds timeout) const {
  return send("POST", target, &body, timeout);
}

HttpTestClient::Response HttpTestClient::send(const std::string& method, const std::string& target,
                                              const std::string* body, std::chrono::milliseconds timeout,
                                              const std::vector<std::pair<std::string, std::string>>& headers) const {
  net::io_context io;
  beast::tcp_stream stream(io);
  beast::flat_buffer buffer;
  http::request<http::string_body> request{http::string_to_verb(method), target, 11};
  request.set(http::field::host, "127.0.0.1:" + std::to_string(port_));
  request.set(http::field::user_agent, "chatd-integration-tests");
  for (const auto& [name, value] : headers) request.set(name, value);
  if (body) {
    request.set(http::field::content_type, "text/plain;charset=UTF-8");
    request.body() = *body;
    request.prepare_payload();
  }
  http::response<http::string_body> response;
  beast::error_code failure;
  const char* step = "connect";

  // Every step runs asynchronously under the stream's deadline, which closes
  // the socket when it passes; io.run() returns once the chain has ended.
  stream.expires_after(timeout);
  stream.async_connect(tcp::endpoint(net::ip::address_v4::loopback(), port_), [&](beast::error_code connect_error) {
    if (connect_error) {
      failure = connect_error;
      return;
    }
    step = "write";
    http::async_write(stream, request, [&](beast::error_code write_error, std::size_t) {
      if (write_error) {
        failure = write_error;
        return;
      }
      step = "read";
      http::async_read(stream, buffer, response, [&](beast::error_code read_error, std::size_t) {
        if (read_error) failure = read_error;
        step = "done";
      });
    });
  });
  io.run_for(timeout + std::chrono::seconds(1));
  if (failure)
    throw std::runtime_error("HTTP " + method + " " + target + " failed at " + step + ": " + failure.message());
  if (std::string(step) != "done") throw std::runtime_error("HTTP " + method + " " + target + " timed out at " + step);

  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  return to_test_response(response);
}

}  // namespace chat_it
