#include "browser_input.hpp"

#include <emscripten/emscripten.h>

#include <imgui.h>

// GLFW registers its listeners in glfwInit (library_glfw.js); `GLFW` is a
// global of chat.js. Mouse buttons and movement stay with GLFW.
// clang-format off
EM_JS(void, chat_detach_glfw_listeners, (), {
  if (typeof GLFW === 'undefined') return;
  var canvas = Module['canvas'];
  window.removeEventListener('keydown', GLFW.onKeydown, true);
  window.removeEventListener('keypress', GLFW.onKeyPress, true);
  window.removeEventListener('keyup', GLFW.onKeyup, true);
  window.removeEventListener('blur', GLFW.onBlur, true);
  canvas.removeEventListener('touchmove', GLFW.onMousemove, true);
  canvas.removeEventListener('touchstart', GLFW.onMouseButtonDown, true);
  canvas.removeEventListener('touchcancel', GLFW.onMouseButtonUp, true);
  canvas.removeEventListener('touchend', GLFW.onMouseButtonUp, true);
  canvas.removeEventListener('wheel', GLFW.onMouseWheel, true);
  canvas.removeEventListener('mousewheel', GLFW.onMouseWheel, true);
});
// clang-format on

// The page (www/app.js) defines window.chatTextBridge; these calls do nothing
// if it is missing.
// clang-format off
EM_JS(void, chat_bridge_set_active, (int active), {
  if (window.chatTextBridge) window.chatTextBridge.setActive(active !== 0);
});
// clang-format on

// clang-format off
EM_JS(void, chat_bridge_set_caret, (int x, int y), {
  if (window.chatTextBridge) window.chatTextBridge.setCaret(x, y);
});
// clang-format on

// clang-format off
EM_JS(void, chat_bridge_set_selection, (const char* text), {
  if (window.chatTextBridge) window.chatTextBridge.setSelection(UTF8ToString(text));
});
// clang-format on

namespace chat_web {

namespace {

// ImGui never reads or writes the clipboard itself: Ctrl+C, Ctrl+X and
// Ctrl+V are the page's copy, cut and paste events (www/app.js), which work
// synchronously and without a permission; pasted text comes as text.
const char* no_clipboard(void*) { return ""; }
void ignore_clipboard(void*, const char*) {}

// Puts the hidden input at the caret so the IME candidate window opens there.
void set_ime_position(int x, int y) { chat_bridge_set_caret(x, y); }

}  // namespace

void BrowserInput::install() {
  chat_detach_glfw_listeners();
  ImGuiIO& io = ImGui::GetIO();
  io.GetClipboardTextFn = no_clipboard;
  io.SetClipboardTextFn = ignore_clipboard;
  io.ClipboardUserData = nullptr;
  io.ImeSetInputScreenPosFn = set_ime_position;
}

void BrowserInput::update(bool text_field_on_screen, const std::string& selection) {
  const int active = text_field_on_screen ? 1 : 0;
  if (active != active_ || active == 1) chat_bridge_set_active(active);  // refocus after any click away
  active_ = active;
  if (selection != selection_) {
    selection_ = selection;
    chat_bridge_set_selection(selection_.c_str());
  }
}

}  // namespace chat_web
