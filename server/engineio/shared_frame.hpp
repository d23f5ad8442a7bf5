#pragma once
// An encoded frame shared by every recipient of a broadcast: encoded once,
// the same immutable bytes queued to every session.

#include <memory>
#include <string>

namespace chatd::eio {

struct Frame {
  std::string bytes;    // a text packet "<type><data>", or raw binary data
  bool binary = false;  // a binary message (Socket.IO attachments)
  // A snapshot of state (the online list), not an event: a later snapshot
  // makes it obsolete, so a session drops its queued, unsent one for the new.
  bool snapshot = false;
};

using SharedFrame = std::shared_ptr<const Frame>;

inline SharedFrame make_frame(std::string bytes, bool binary = false) {
  return std::make_shared<const Frame>(Frame{std::move(bytes), binary, false});
}

inline SharedFrame make_snapshot_frame(std::string bytes) {
  return std::make_shared<const Frame>(Frame{std::move(bytes), false, true});
}

}  // namespace chatd::eio
