#pragma once
// Text entry through a hidden DOM <input> (see www/app.js): a canvas cannot
// receive IME composition, pasted text or Playwright's insertText, so while
// an ImGui text field is active the hidden input has the focus and forwards
// what it receives into ImGui's character queue. Keys (Enter, Backspace,
// arrows) still reach ImGui through GLFW's window listeners.

namespace chat_web {

class BrowserTextInput {
 public:
  // Installs ImGui's clipboard hooks (the browser clipboard, not GLFW's
  // in-page one) and the IME position hook.
  void install();
  // Once per frame, after rendering: focus the DOM input while a text field
  // is on screen.
  void update(bool wants_text);
};

}  // namespace chat_web
