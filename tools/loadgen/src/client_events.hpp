#pragma once
// What a Client reports to whoever runs it: each frame it reads, and its end.
#include <boost/system/error_code.hpp>

#include <string_view>

namespace loadgen {

class Client;

class ClientEvents {
 public:
  virtual ~ClientEvents() = default;
  // One WebSocket message (an Engine.IO packet) from the server.
  virtual void on_frame(Client& client, std::string_view frame) = 0;
  // A read or a write failed: the server closed the connection, or it broke.
  virtual void on_closed(Client& client, boost::system::error_code ec) = 0;
};

}  // namespace loadgen
