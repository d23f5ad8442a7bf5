#include "browser_input.hpp"

#include <emscripten/emscripten.h>
#include <emscripten/html5.h>

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

EM_BOOL BrowserInput::on_wheel(int, const EmscriptenWheelEvent* wheel_event, void* self) {
  const auto& event = *wheel_event;
  if (event.mouse.ctrlKey) return EM_FALSE;  // Ctrl+wheel and pinch: the browser zooms
  const auto ratio = static_cast<float>(emscripten_get_device_pixel_ratio());
  WheelInput wheel;
  wheel.x = static_cast<float>(event.mouse.targetX) * ratio;
  wheel.y = static_cast<float>(event.mouse.targetY) * ratio;
  wheel.dx = static_cast<float>(event.deltaX);
  wheel.dy = static_cast<float>(event.deltaY);
  if (event.deltaMode == DOM_DELTA_LINE) {
    wheel.unit = chat_client::WheelUnit::Line;
  } else if (event.deltaMode == DOM_DELTA_PAGE) {
    wheel.unit = chat_client::WheelUnit::Page;
  } else {
    wheel.dx *= ratio;
    wheel.dy *= ratio;
  }
  auto& wheels = static_cast<BrowserInput*>(self)->wheels_;
  if (wheels.size() < kMaxPointerEvents) wheels.push_back(wheel);
  return EM_TRUE;  // the page itself does not scroll
}

EM_BOOL BrowserInput::on_touch(int type, const EmscriptenTouchEvent* touch_event, void* self_data) {
  const auto& event = *touch_event;
  auto& self = *static_cast<BrowserInput*>(self_data);
  const auto ratio = static_cast<float>(emscripten_get_device_pixel_ratio());
  for (int i = 0; i < event.numTouches; ++i) {
    const EmscriptenTouchPoint& point = event.touches[i];
    if (!point.isChanged) continue;
    TouchInput touch;
    touch.x = static_cast<float>(point.targetX) * ratio;
    touch.y = static_cast<float>(point.targetY) * ratio;
    touch.time_ms = event.timestamp;  // when the finger moved, not when the page got to it (performance.now()'s clock)
    if (type == EMSCRIPTEN_EVENT_TOUCHSTART) {
      if (self.touch_id_ != -1) continue;  // a second finger: only the first one scrolls
      self.touch_id_ = static_cast<int>(point.identifier);
      touch.phase = TouchInput::Phase::Start;
    } else if (static_cast<int>(point.identifier) != self.touch_id_) {
      continue;
    } else if (type == EMSCRIPTEN_EVENT_TOUCHMOVE) {
      touch.phase = TouchInput::Phase::Move;
    } else {
      touch.phase = TouchInput::Phase::End;
      self.touch_id_ = -1;
    }
    // The phases of one finger are never dropped: a lost End would leave the log held.
    if (self.touches_.size() < kMaxPointerEvents || touch.phase != TouchInput::Phase::Move) {
      self.touches_.push_back(touch);
    }
  }
  // Not prevented: a tap still becomes the browser's mouse events, which
  // GLFW turns into ImGui clicks at the right place.
  return EM_FALSE;
}

void BrowserInput::install() {
  chat_detach_glfw_listeners();
  emscripten_set_wheel_callback("#canvas", this, EM_TRUE, &on_wheel);
  emscripten_set_touchstart_callback("#canvas", this, EM_TRUE, &on_touch);
  emscripten_set_touchmove_callback("#canvas", this, EM_TRUE, &on_touch);
  emscripten_set_touchend_callback("#canvas", this, EM_TRUE, &on_touch);
  emscripten_set_touchcancel_callback("#canvas", this, EM_TRUE, &on_touch);
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
