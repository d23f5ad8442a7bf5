#pragma once
// One TCP connection to chatd on 127.0.0.1 that sends exactly the bytes a
// test gives (malformed, oversized or trickled requests that an HTTP library
// would refuse to write) and reads the raw answer.

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace chat_it {

class RawHttpConnection {
 public:
  explicit RawHttpConnection(std::uint16_t port);  // connects; throws on failure
  ~RawHttpConnection();
  RawHttpConnection(const RawHttpConnection&) = delete;
  RawHttpConnection& operator=(const RawHttpConnection&) = delete;

  // Writes all of `bytes`. Returns false when the server has closed the
  // connection (EPIPE, ECONNRESET); throws on other failures.
  bool send(std::string_view bytes);

  // Reads until the server closes the connection or `timeout` passes.
  // Returns what arrived; `closed()` tells which of the two happened.
  std::string read_until_closed(std::chrono::milliseconds timeout = std::chrono::milliseconds(5000));
  bool closed() const { return closed_; }

  // The whole exchange for one request: send, then read until closed.
  static std::string exchange(std::uint16_t port, std::string_view request,
                              std::chrono::milliseconds timeout = std::chrono::milliseconds(5000));

 private:
  int fd_ = -1;
  bool closed_ = false;
};

// The status code of a raw HTTP response ("HTTP/1.1 404 Not Found" -> 404); 0 when there is none.
unsigned status_of(const std::string& response);
// The value of a header in a raw response (case-insensitive name); empty when absent.
std::string header_of(const std::string& response, std::string_view name);
// What follows the blank line after the headers.
std::string body_of(const std::string& response);

}  // namespace chat_it
