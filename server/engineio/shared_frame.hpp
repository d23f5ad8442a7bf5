#pragma once
// An encoded frame shared by every recipient of a broadcast: encoded once,
// the same immutable bytes queued to every session.

#include <memory>
#include <string>

namespace chatd::eio {

struct Frame {
  std::string bytes;    // a text packet "<type><data>", or raw binary data
  bool binary = false;  // a binary message (Socket.IO attachments)
};

using SharedFrame = std::shared_ptr<const Frame>;

inline SharedFrame make_frame(std::string bytes, bool binary = false) {
  return std::make_shared<const Frame>(Frame{std::move(bytes), binary});
}

}  // namespace chatd::eio
