#include <catch2/catch.hpp>

#include "chat_client/unread_tracker.hpp"

using chat_client::ChatLine;
using chat_client::LineKind;
using chat_client::UnreadTracker;

namespace {

ChatLine message(std::uint64_t seq, bool own = false, bool history = false) {
  ChatLine line;
  line.seq = seq;
  line.kind = LineKind::Message;
  line.from = own ? "me" : "alice";
  line.text = "text";
  line.own = own;
  line.history = history;
  return line;
}

ChatLine announcement(std::uint64_t seq) {
  ChatLine line;
  line.seq = seq;
  line.kind = LineKind::Announcement;
  line.text = "bob connected";
  return line;
}

constexpr bool kHidden = false;
constexpr bool kShown = true;
constexpr bool kAtBottom = true;
constexpr bool kScrolledUp = false;

}  // namespace

TEST_CASE("while hidden the title counts others' messages, and resets when shown", "[unread]") {
  UnreadTracker unread;
  CHECK(unread.title("Chat") == "Chat");
  CHECK(unread.add(message(1), kHidden, kAtBottom));
  CHECK(unread.add(message(2), kHidden, kAtBottom));
  CHECK_FALSE(unread.add(announcement(3), kHidden, kAtBottom));  // not a message
  CHECK(unread.add(message(4), kHidden, kAtBottom));
  CHECK(unread.hidden_count() == 3);
  CHECK(unread.title("Chat") == "(3) Chat");
  CHECK(unread.title("My room") == "(3) My room");
  unread.seen(kHidden, kAtBottom);  // still hidden: nothing changes
  CHECK(unread.title("Chat") == "(3) Chat");
  unread.seen(kShown, kAtBottom);
  CHECK(unread.hidden_count() == 0);
  CHECK(unread.title("Chat") == "Chat");
}

TEST_CASE("history, one's own messages and messages seen at once are not unread", "[unread]") {
  UnreadTracker unread;
  CHECK_FALSE(unread.add(message(1, false, true), kHidden, kAtBottom));
  CHECK_FALSE(unread.add(message(2, true), kHidden, kAtBottom));
  CHECK_FALSE(unread.add(message(3), kShown, kAtBottom));
  CHECK(unread.hidden_count() == 0);
  CHECK(unread.divider_seq() == 0);
}

TEST_CASE("the divider marks the first message that arrived unseen and stays after catching up", "[unread]") {
  UnreadTracker unread;
  unread.add(message(1), kShown, kAtBottom);
  unread.add(message(2), kHidden, kAtBottom);
  unread.add(message(3), kHidden, kAtBottom);
  CHECK(unread.divider_seq() == 2);
  unread.seen(kShown, kAtBottom);
  CHECK(unread.divider_seq() == 2);  // the reader sees where the new part began
  unread.add(message(4), kShown, kAtBottom);
  CHECK(unread.divider_seq() == 2);  // read as it came: the divider stays
  // Hidden again: the next unread part starts at its first message.
  unread.add(message(5), kHidden, kAtBottom);
  unread.add(message(6), kHidden, kAtBottom);
  CHECK(unread.divider_seq() == 5);
  CHECK(unread.hidden_count() == 2);
}

TEST_CASE("scrolled up, new messages get the divider but do not count in the title", "[unread]") {
  UnreadTracker unread;
  CHECK_FALSE(unread.add(message(1), kShown, kScrolledUp));
  CHECK_FALSE(unread.add(message(2), kShown, kScrolledUp));
  CHECK(unread.divider_seq() == 1);
  CHECK(unread.title("Chat") == "Chat");
  // Not caught up yet (still scrolled up): hiding keeps the same divider.
  unread.seen(kShown, kScrolledUp);
  unread.add(message(3), kHidden, kScrolledUp);
  CHECK(unread.divider_seq() == 1);
  CHECK(unread.title("Chat") == "(1) Chat");
}

TEST_CASE("one's own message removes the divider", "[unread]") {
  UnreadTracker unread;
  unread.add(message(1), kHidden, kAtBottom);
  unread.seen(kShown, kAtBottom);
  REQUIRE(unread.divider_seq() == 1);
  unread.add(message(2, true), kShown, kAtBottom);
  CHECK(unread.divider_seq() == 0);
}
