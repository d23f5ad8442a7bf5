#pragma once
// The reference server of the Engine.IO protocol's test suite
// (socketio/engine.io-protocol, "Test suite"): every message, text or binary,
// is sent back as it came.

#include "engineio/session_handler.hpp"

namespace chatd::conformance {

class EngineIoEcho final : public eio::SessionHandler {
 public:
  void on_open(eio::Session&) override {}
  void on_message(eio::Session& session, std::string_view data) override;
  void on_binary_message(eio::Session& session, std::string_view data) override;
  void on_close(eio::Session&, std::string_view) override {}
};

}  // namespace chatd::conformance
