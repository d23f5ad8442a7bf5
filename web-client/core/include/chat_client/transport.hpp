#pragma once
// The client's only view of the network: a message-oriented, text-framed
// connection (a WebSocket in the browser, a fake in the unit tests).

#include <string>
#include <string_view>

namespace chat_client {

// Events the platform feeds back. They are delivered from the platform's
// event loop, never re-entrantly from inside Transport::open/send/close.
class TransportEvents {
 public:
  virtual ~TransportEvents() = default;
  virtual void on_transport_open() = 0;
  virtual void on_transport_text(std::string_view frame) = 0;
  virtual void on_transport_binary(std::string_view frame) = 0;
  // The connection is gone (closed by the peer, failed to open, or errored).
  virtual void on_transport_closed(std::string_view reason) = 0;
};

class Transport {
 public:
  virtual ~Transport() = default;
  // Starts connecting; replaces any previous connection. Events go to `events`.
  virtual void open(const std::string& url, TransportEvents& events) = 0;
  // Queues a text frame; false when there is no open connection.
  virtual bool send_text(std::string_view frame) = 0;
  // Closes the connection. After close() returns, no event of that
  // connection is delivered any more: the caller already knows it is gone.
  virtual void close() = 0;
};

}  // namespace chat_client
