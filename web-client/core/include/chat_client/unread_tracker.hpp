#pragma once
// What the reader has not seen yet, for the page's attention cues: the count
// of others' messages that arrived while the page was hidden (the title
// shows it, "(3) Chat", until the page is shown), and the first message that
// arrived unseen, hidden or scrolled up (the log draws a "new messages"
// divider above it).
//
// The divider stays where it is once the reader has caught up (visible, at
// the bottom), so that they see where the new part began; the next message
// that arrives unseen after that starts a new unread part and moves it, and
// the reader's own message removes it (they are in the conversation again).
// Announcements, history replayed on joining and one's own messages never
// count.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "chat_client/chat_line.hpp"

namespace chat_client {

class UnreadTracker {
 public:
  // Each line added to the log, in order. `visible`: the page is shown;
  // `at_bottom`: the log shows its newest line. True when the line is a
  // message that arrived while the page was hidden (the page may notify).
  bool add(const ChatLine& line, bool visible, bool at_bottom);
  // The reader's view now (on every frame and visibility change): shown
  // resets the title's count; shown and at the bottom has seen everything.
  void seen(bool visible, bool at_bottom);

  // Messages that arrived while the page was hidden, since it was last shown.
  std::size_t hidden_count() const { return hidden_count_; }
  // The line the divider goes above (ChatLine::seq), 0 for none.
  std::uint64_t divider_seq() const { return divider_seq_; }
  // The page's title: "(3) Chat" while messages are unseen, else `base`.
  std::string title(std::string_view base) const;

 private:
  std::size_t hidden_count_ = 0;
  std::uint64_t divider_seq_ = 0;
  bool caught_up_ = true;  // seen everything since the divider
};

}  // namespace chat_client
