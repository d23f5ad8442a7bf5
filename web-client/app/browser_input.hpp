#pragma once
// The page's keyboard and text, through one ordered queue (InputQueue): the
// page (www/app.js) pushes keys and text as the DOM reports them; GLFW's own
// keyboard, touch and wheel listeners are detached, because they hand ImGui
// keys and text on two paths with different timing (text typed right after
// Enter was lost), astral characters one UTF-16 unit at a time, and wheel
// deltas with the wrong sign and scale.
//
// Text entry goes through a hidden DOM <input> (see www/app.js): a canvas
// cannot receive IME composition, pasted text or a test's insertText. While a
// text field is on screen the hidden input keeps the focus and sits at the
// caret, so that an IME's candidate window opens there.

#include <emscripten/html5.h>

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "chat_client/input_queue.hpp"
#include "chat_client/log_scroll.hpp"

namespace chat_web {

// A wheel or trackpad turn over the canvas; position and deltas in canvas
// pixels (pixel deltas scaled by the device pixel ratio, so a trackpad moves
// the log 1:1); positive dy: towards newer messages.
struct WheelInput {
  float x = 0.0f;
  float y = 0.0f;
  float dx = 0.0f;
  float dy = 0.0f;
  chat_client::WheelUnit unit = chat_client::WheelUnit::Pixel;
};

// One finger on the canvas (the first one down; others are ignored).
struct TouchInput {
  enum class Phase { Start, Move, End };
  Phase phase = Phase::Start;
  float x = 0.0f;  // canvas pixels
  float y = 0.0f;
  double time_ms = 0.0;  // the event's time, on emscripten_get_now()'s clock
};

class BrowserInput {
 public:
  // After ImGui's GLFW backend is initialised: takes the keyboard, touch and
  // wheel away from GLFW and installs ImGui's clipboard and IME hooks.
  void install();

  chat_client::InputQueue& queue() { return queue_; }
  // Wheel turns and touches since the last frame, oldest first; the view
  // decides what they scroll.
  std::vector<WheelInput> take_wheels() { return std::exchange(wheels_, {}); }
  std::vector<TouchInput> take_touches() { return std::exchange(touches_, {}); }

  // Once per frame, after rendering: whether a text field is on screen (the
  // hidden input then keeps the focus), and the text selected in the active
  // field, which the page's copy and cut events put on the clipboard.
  void update(bool text_field_on_screen, const std::string& selection);

 private:
  // More are dropped until the next frame (a page that stopped drawing).
  static constexpr std::size_t kMaxPointerEvents = 256;
  static EM_BOOL on_wheel(int type, const EmscriptenWheelEvent* event, void* self);
  static EM_BOOL on_touch(int type, const EmscriptenTouchEvent* event, void* self);

  chat_client::InputQueue queue_;
  std::vector<WheelInput> wheels_;
  std::vector<TouchInput> touches_;
  int touch_id_ = -1;  // the finger followed, -1: none
  int active_ = -1;    // what the page was last told (-1: nothing yet)
  std::string selection_;
};

}  // namespace chat_web
