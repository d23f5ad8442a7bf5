#include "chat_client/unread_tracker.hpp"

namespace chat_client {

bool UnreadTracker::add(const ChatLine& line, bool visible, bool at_bottom) {
  if (line.kind != LineKind::Message || line.history) return false;
  if (line.own) {
    divider_seq_ = 0;
    caught_up_ = true;
    return false;
  }
  if (visible && at_bottom) {
    caught_up_ = true;  // on screen the moment it arrives
    return false;
  }
  if (divider_seq_ == 0 || caught_up_) {
    divider_seq_ = line.seq;  // the first of a new unread part
    caught_up_ = false;
  }
  if (visible) return false;
  ++hidden_count_;
  return true;
}

void UnreadTracker::seen(bool visible, bool at_bottom) {
  if (!visible) return;
  hidden_count_ = 0;
  if (at_bottom) caught_up_ = true;
}

std::string UnreadTracker::title(std::string_view base) const {
  if (hidden_count_ == 0) return std::string(base);
  // Appended piece by piece: GCC 12 at -O3 takes `"(" + std::to_string(n)`
  // for an overlapping memcpy (a false -Wrestrict, GCC bug 105651).
  std::string title = "(";
  title += std::to_string(hidden_count_);
  title += ") ";
  title += base;
  return title;
}

}  // namespace chat_client
