#pragma once
// Many short Socket.IO lives against chatd: each cycle opens a WebSocket,
// completes the Engine.IO and Socket.IO handshakes, joins with a nickname of
// its own and leaves (nine in ten with a WebSocket close, one in ten by
// dropping the TCP connection). `concurrency` cycles run at once on one
// asynchronous thread (Boost.Beast); loopback only.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace chat_it {

class ChurnDriver {
 public:
  struct Result {
    std::size_t completed = 0;
    std::size_t failed = 0;
    std::vector<std::string> first_errors;  // a few, for the report
    std::chrono::milliseconds duration{0};
  };

  // Each step of a cycle gives up after `step_timeout` (a failed cycle).
  explicit ChurnDriver(std::uint16_t port, std::chrono::milliseconds step_timeout = std::chrono::seconds(10));

  // Runs `cycles` cycles, `concurrency` at a time; nicknames are
  // `nickname_prefix` + the cycle's number.
  Result run(std::size_t cycles, std::size_t concurrency, const std::string& nickname_prefix);

 private:
  std::uint16_t port_;
  std::chrono::milliseconds step_timeout_;
};

}  // namespace chat_it
