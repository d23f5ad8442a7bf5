#pragma once
// Where the message log is scrolled to, as in any chat app: the wheel (pixel,
// line and page deltas), PageUp/PageDown/Home/End, a finger's drag with
// momentum, and the scrollbar move it; it sticks to the bottom only while the
// reader is already there (as Dear ImGui's ExampleAppLog does), so new
// messages never move a view that is scrolled up; meanwhile it counts them
// for the "N new messages" button, which jumps back to the bottom.
//
// Plain arithmetic in pixels (offset 0 = the top row at the top), so the view
// only measures and draws.

#include <cstddef>

namespace chat_client {

// How a wheel event measures its delta (the DOM's WheelEvent.deltaMode).
enum class WheelUnit { Pixel, Line, Page };

class LogScroll {
 public:
  // ---- the reader's actions, applied at the next update() ----
  // Positive: towards newer messages (down).
  void scroll_by(float pixels);
  void wheel(float delta, WheelUnit unit);
  void page(int pages);  // +1 PageDown, -1 PageUp: a view's height less one row
  void to_top();
  void to_bottom();  // End, the "new messages" button, sending one's own message

  // A finger on the log: its position (y, pixels) over time (ms). Moves the
  // log with the finger; on release it glides on, slowing down.
  void touch_start(float y, double time_ms);
  void touch_move(float y, double time_ms);
  void touch_end(double time_ms);
  bool touching() const { return touching_; }
  // Whether the glide still moves the log (the view keeps drawing frames).
  bool gliding() const { return !touching_ && velocity_ != 0.0f; }

  // ---- once per frame, before the log is drawn ----
  struct Frame {
    float content_height = 0.0f;     // all rows
    float view_height = 0.0f;        // the visible part
    float row_height = 0.0f;         // one row (a wheel "line")
    float scrollbar_offset = -1.0f;  // >= 0: the reader holds the scrollbar, which put the log there
    float removed_above = 0.0f;      // rows dropped from the top since the last frame (the log is bounded)
    float added_above = 0.0f;        // rows put in front since the last frame (older history paged in)
    std::size_t new_messages = 0;    // messages added at the bottom since the last frame
    double time_ms = 0.0;
  };
  // Returns the offset to show in this frame.
  float update(const Frame& frame);

  float offset() const { return offset_; }
  float max_offset() const { return max_offset_; }
  bool at_bottom() const { return following_; }
  // Messages that arrived while the reader was scrolled up, not yet seen.
  std::size_t unread() const { return unread_; }
  // Whether the reader, in the last update, moved up (wheel, keys, finger,
  // glide, Home) and is at the top: the moment to page older history in.
  bool reached_top() const { return reached_top_; }

 private:
  float offset_ = 0.0f;
  float max_offset_ = 0.0f;
  float view_height_ = 0.0f;
  float row_height_ = 0.0f;
  bool following_ = true;
  bool reached_top_ = false;
  std::size_t unread_ = 0;

  float pending_ = 0.0f;  // pixels, from the reader's actions
  enum class Jump { None, Top, Bottom };
  Jump jump_ = Jump::None;
  float pending_lines_ = 0.0f;
  float pending_view_pages_ = 0.0f;

  bool touching_ = false;
  float touch_y_ = 0.0f;
  double touch_time_ = 0.0;
  float velocity_ = 0.0f;  // pixels per ms, towards newer messages
  double glide_time_ = 0.0;
};

}  // namespace chat_client
