#pragma once
// What an Engine.IO session needs from its transport: a way to put bytes on
// the wire and to close. Implemented by the WebSocket transport (and later by
// long-polling), so sessions never know which transport carries them.

#include <cstdint>
#include <string_view>

namespace chatd::eio {

class FrameSink {
 public:
  virtual ~FrameSink() = default;
  // Writes one text frame; blocking is allowed (it runs on a send thread).
  // Returns false when the peer is gone.
  virtual bool write_text(std::string_view frame) = 0;
  // Starts closing the transport with a WebSocket close code and reason.
  virtual void close(std::uint16_t code, std::string_view reason) = 0;
};

}  // namespace chatd::eio
