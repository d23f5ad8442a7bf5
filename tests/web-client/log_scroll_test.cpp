#include <catch2/catch.hpp>

#include "chat_client/log_scroll.hpp"

using chat_client::LogScroll;
using chat_client::WheelUnit;

namespace {

constexpr float kRow = 20.0f;
constexpr float kView = 200.0f;  // ten rows

// One frame of a log with `rows` rows.
LogScroll::Frame rows(int count, double time_ms = 0.0) {
  LogScroll::Frame frame;
  frame.content_height = static_cast<float>(count) * kRow;
  frame.view_height = kView;
  frame.row_height = kRow;
  frame.time_ms = time_ms;
  return frame;
}

LogScroll::Frame with_new(LogScroll::Frame frame, std::size_t messages) {
  frame.new_messages = messages;
  return frame;
}

}  // namespace

TEST_CASE("the log starts at the bottom and follows new messages there", "[scroll]") {
  LogScroll scroll;
  CHECK(scroll.update(rows(5)) == 0.0f);  // fits: nothing to scroll
  CHECK(scroll.at_bottom());
  CHECK(scroll.update(with_new(rows(30), 25)) == 400.0f);
  CHECK(scroll.update(with_new(rows(31), 1)) == 420.0f);
  CHECK(scroll.at_bottom());
  CHECK(scroll.unread() == 0);
}

TEST_CASE("scrolled up, new messages never move the view; they are counted as unread", "[scroll]") {
  LogScroll scroll;
  scroll.update(rows(30));
  scroll.wheel(-100.0f, WheelUnit::Pixel);
  CHECK(scroll.update(rows(30)) == 300.0f);
  CHECK_FALSE(scroll.at_bottom());
  CHECK(scroll.update(with_new(rows(33), 3)) == 300.0f);
  CHECK(scroll.update(with_new(rows(34), 1)) == 300.0f);
  CHECK(scroll.unread() == 4);
  // The "new messages" button.
  scroll.to_bottom();
  CHECK(scroll.update(rows(34)) == 480.0f);
  CHECK(scroll.at_bottom());
  CHECK(scroll.unread() == 0);
  CHECK(scroll.update(with_new(rows(35), 1)) == 500.0f);  // following again
}

TEST_CASE("scrolling back down to the bottom by hand follows again and clears the count", "[scroll]") {
  LogScroll scroll;
  scroll.update(rows(30));
  scroll.wheel(-3.0f, WheelUnit::Line);
  CHECK(scroll.update(with_new(rows(31), 1)) == 360.0f);  // the new row came first, then the wheel
  CHECK(scroll.unread() == 1);
  scroll.wheel(1000.0f, WheelUnit::Pixel);
  CHECK(scroll.update(rows(31)) == 420.0f);
  CHECK(scroll.at_bottom());
  CHECK(scroll.unread() == 0);
}

TEST_CASE("wheel deltas in pixels, lines and pages; clamped at both ends", "[scroll]") {
  LogScroll scroll;
  scroll.update(rows(100));  // bottom: 1800
  scroll.wheel(-40.0f, WheelUnit::Pixel);
  CHECK(scroll.update(rows(100)) == 1760.0f);
  scroll.wheel(-2.0f, WheelUnit::Line);
  CHECK(scroll.update(rows(100)) == 1720.0f);
  scroll.wheel(-1.0f, WheelUnit::Page);
  CHECK(scroll.update(rows(100)) == 1540.0f);  // a page is a view less one row
  scroll.wheel(-100000.0f, WheelUnit::Pixel);
  CHECK(scroll.update(rows(100)) == 0.0f);
  scroll.wheel(100000.0f, WheelUnit::Pixel);
  CHECK(scroll.update(rows(100)) == 1800.0f);
}

TEST_CASE("PageUp, PageDown, Home and End", "[scroll]") {
  LogScroll scroll;
  scroll.update(rows(100));
  scroll.page(-1);
  CHECK(scroll.update(rows(100)) == 1620.0f);
  scroll.page(-2);
  CHECK(scroll.update(rows(100)) == 1260.0f);
  scroll.page(1);
  CHECK(scroll.update(rows(100)) == 1440.0f);
  scroll.to_top();
  CHECK(scroll.update(rows(100)) == 0.0f);
  scroll.to_bottom();
  CHECK(scroll.update(rows(100)) == 1800.0f);
}

TEST_CASE("rows dropped from the top of a bounded log do not move a view scrolled up", "[scroll]") {
  LogScroll scroll;
  scroll.update(rows(100));
  scroll.to_top();
  scroll.update(rows(100));
  scroll.wheel(500.0f, WheelUnit::Pixel);
  CHECK(scroll.update(rows(100)) == 500.0f);
  auto frame = with_new(rows(100), 2);  // two rows in, two rows out
  frame.removed_above = 2 * kRow;
  CHECK(scroll.update(frame) == 460.0f);
}

TEST_CASE("the scrollbar held by the reader wins", "[scroll]") {
  LogScroll scroll;
  scroll.update(rows(100));
  auto frame = rows(100);
  frame.scrollbar_offset = 700.0f;
  scroll.wheel(50.0f, WheelUnit::Pixel);
  CHECK(scroll.update(frame) == 750.0f);  // where the bar put it, plus what came with it
  CHECK_FALSE(scroll.at_bottom());
  CHECK(scroll.update(with_new(rows(101), 1)) == 750.0f);
}

TEST_CASE("a finger drags the log and a flick glides on, slowing to a stop", "[scroll]") {
  LogScroll scroll;
  scroll.update(rows(500, 0.0));  // bottom: 9800
  scroll.touch_start(300.0f, 0.0);
  scroll.touch_move(320.0f, 16.0);  // the finger goes down: older rows come into view
  scroll.touch_move(340.0f, 32.0);
  CHECK(scroll.update(rows(500, 32.0)) == 9760.0f);
  CHECK(scroll.touching());
  CHECK_FALSE(scroll.gliding());  // not while the finger is down
  scroll.touch_move(380.0f, 48.0);
  scroll.touch_end(50.0);
  CHECK(scroll.gliding());
  float last = scroll.update(rows(500, 50.0));
  CHECK(last == 9720.0f);
  float previous_step = 1e9f;
  double t = 50.0;
  int frames = 0;
  while (scroll.gliding() && frames < 1000) {
    t += 16.0;
    const float now = scroll.update(rows(500, t));
    const float step = last - now;
    CHECK(step > 0.0f);                    // on, in the flick's direction
    CHECK(step <= previous_step + 0.01f);  // slowing down
    previous_step = step;
    last = now;
    ++frames;
  }
  CHECK_FALSE(scroll.gliding());
  CHECK(frames > 10);
  CHECK(frames < 200);
  // A finger resting before it lifts: no glide.
  scroll.touch_start(300.0f, 5000.0);
  scroll.touch_move(340.0f, 5016.0);
  scroll.touch_end(5300.0);
  CHECK_FALSE(scroll.gliding());
}

TEST_CASE("a glide stops at the top", "[scroll]") {
  LogScroll scroll;
  scroll.update(rows(40, 0.0));
  scroll.touch_start(0.0f, 0.0);
  scroll.touch_move(400.0f, 16.0);
  scroll.touch_end(16.0);
  scroll.update(rows(40, 16.0));
  double t = 16.0;
  for (int i = 0; i < 100 && scroll.gliding(); ++i) scroll.update(rows(40, t += 16.0));
  CHECK(scroll.offset() == 0.0f);
  CHECK_FALSE(scroll.gliding());
}
