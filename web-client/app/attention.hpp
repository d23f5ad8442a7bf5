#pragma once
// The page's attention cues for what the reader has not seen (the counting
// is chat_client::UnreadTracker's): the title counts messages that arrived
// while the page was hidden, "(3) Chat", and goes back when it is shown; a
// browser notification for each of them, when the reader switched them on
// (www/app.js owns the bell toggle and the permission, asked for only after
// its click); and where the log's "new messages" divider goes.

#include <cstdint>
#include <string>

#include "chat_client/chat_model.hpp"
#include "chat_client/unread_tracker.hpp"

namespace chat_web {

class Attention {
 public:
  // Once, at start: the page's own title, which the count goes in front of.
  void install();
  // After anything that may have added lines (a network event, a tick, a
  // frame): counts each line added since the last call.
  void update(const chat_client::ChatModel& model, bool visible, bool at_bottom);
  // The reader's view now (each frame, and when the page is shown or hidden).
  void seen(bool visible, bool at_bottom);
  // The line the divider goes above (ChatLine::seq), 0 for none.
  std::uint64_t divider_seq() const { return unread_.divider_seq(); }

 private:
  void show_title();

  chat_client::UnreadTracker unread_;
  std::string base_title_;
  std::string shown_title_;
  std::uint64_t looked_seq_ = 0;  // the newest line counted
};

}  // namespace chat_web
