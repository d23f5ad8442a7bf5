#pragma once
// Mirrors what the log gains into the page's visually hidden aria-live
// region (www/index.html, #chat-live), so that a screen reader reads new
// messages and announcements out: the canvas itself is one opaque picture.
// Which lines and how they are worded: chat_client::spoken_line.

#include <cstdint>

#include "chat_client/chat_model.hpp"

namespace chat_web {

class LiveRegion {
 public:
  // After anything that may have added lines (a network event, a tick, a
  // frame): says each line added since the last call, oldest first.
  void update(const chat_client::ChatModel& model);

 private:
  std::uint64_t said_seq_ = 0;  // the newest line looked at
};

}  // namespace chat_web
