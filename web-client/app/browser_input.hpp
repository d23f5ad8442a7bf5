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

#include <string>

#include "chat_client/input_queue.hpp"

namespace chat_web {

class BrowserInput {
 public:
  // After ImGui's GLFW backend is initialised: takes the keyboard, touch and
  // wheel away from GLFW and installs ImGui's clipboard and IME hooks.
  void install();

  chat_client::InputQueue& queue() { return queue_; }

  // Once per frame, after rendering: whether a text field is on screen (the
  // hidden input then keeps the focus), and the text selected in the active
  // field, which the page's copy and cut events put on the clipboard.
  void update(bool text_field_on_screen, const std::string& selection);

 private:
  chat_client::InputQueue queue_;
  int active_ = -1;  // what the page was last told (-1: nothing yet)
  std::string selection_;
};

}  // namespace chat_web
