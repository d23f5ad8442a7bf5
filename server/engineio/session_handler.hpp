#pragma once
// The layer above Engine.IO (Socket.IO) as the Engine.IO server sees it.

#include <string_view>

namespace chatd::eio {

class Session;

class SessionHandler {
 public:
  virtual ~SessionHandler() = default;
  virtual void on_open(Session& session) = 0;
  // One Engine.IO message packet's data (without the leading '4').
  virtual void on_message(Session& session, std::string_view data) = 0;
  virtual void on_binary_message(Session& session, std::string_view data) = 0;
  virtual void on_close(Session& session, std::string_view reason) = 0;
};

}  // namespace chatd::eio
