#pragma once
// What an Engine.IO session needs from its transport: a way to put frames on
// the wire and to close. Implemented by the WebSocket and long-polling
// transports, so sessions never know which transport carries them.

#include <cstdint>
#include <span>
#include <string_view>

#include "engineio/shared_frame.hpp"

namespace chatd::eio {

class FrameSink {
 public:
  virtual ~FrameSink() = default;
  // Writes one frame; blocking is allowed (it runs on a send thread).
  // Returns false when the peer is gone.
  virtual bool write(const Frame& frame) = 0;
  // Writes several frames, in order; a transport that can put them on the
  // wire in one go (one system call) overrides this.
  virtual bool write_all(std::span<const SharedFrame> frames) {
    for (const auto& frame : frames) {
      if (!write(*frame)) return false;
    }
    return true;
  }
  // Starts closing the transport with a WebSocket close code and reason.
  // kNormal (1000) means the client asked for it: there is nothing to tell it.
  virtual void close(std::uint16_t code, std::string_view reason) = 0;
};

}  // namespace chatd::eio
