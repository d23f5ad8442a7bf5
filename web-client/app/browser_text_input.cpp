#include "browser_text_input.hpp"

#include <emscripten/emscripten.h>

#include <imgui.h>

// The page (www/app.js) defines window.chatTextBridge; these calls do nothing
// if it is missing, so the canvas still works with keyboard input alone.
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
EM_JS(void, chat_bridge_copy, (const char* text), {
  if (window.chatTextBridge) window.chatTextBridge.copy(UTF8ToString(text));
});
// clang-format on

namespace chat_web {

namespace {

const char* get_clipboard(void*) {
  // Pasting arrives as text through the DOM input's paste; ImGui's own
  // Ctrl+V must not insert a second copy.
  return "";
}

void set_clipboard(void*, const char* text) { chat_bridge_copy(text); }

// Puts the hidden input at the caret so the IME candidate window opens there.
void set_ime_position(int x, int y) { chat_bridge_set_caret(x, y); }

}  // namespace

void BrowserTextInput::install() {
  ImGuiIO& io = ImGui::GetIO();
  io.GetClipboardTextFn = get_clipboard;
  io.SetClipboardTextFn = set_clipboard;
  io.ClipboardUserData = nullptr;
  io.ImeSetInputScreenPosFn = set_ime_position;
}

void BrowserTextInput::update(bool wants_text) { chat_bridge_set_active(wants_text ? 1 : 0); }

}  // namespace chat_web
