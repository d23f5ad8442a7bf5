#pragma once
// ImGui 1.86 samples key state once per frame, so a key pressed and released
// between two frames (fast typing, Playwright's keyboard.press) would never
// be seen, and repeated presses would merge. Key events are queued and fed
// to ImGui's GLFW backend one frame at a time: a batch ends before the
// release of a key pressed in it, or a new press of a key released in it.

#include <cstddef>
#include <deque>

struct GLFWwindow;

namespace chat_web {

class KeyEventQueue {
 public:
  // Replaces the key callback installed by ImGui's GLFW backend.
  void install(GLFWwindow* window);
  // Before each ImGui frame: hand this frame's batch to the backend.
  void deliver();

 private:
  static void on_key(GLFWwindow* window, int key, int scancode, int action, int mods);

  struct Event {
    int key, scancode, action, mods;
  };
  static constexpr std::size_t kMaxQueued = 256;  // a stuck page must not grow without bound

  GLFWwindow* window_ = nullptr;
  std::deque<Event> queue_;
};

}  // namespace chat_web
