#include "key_event_queue.hpp"

#include <algorithm>
#include <vector>

#include <GLFW/glfw3.h>
#include <imgui_impl_glfw.h>

namespace chat_web {

namespace {
KeyEventQueue* g_instance = nullptr;  // GLFW key callbacks carry no user pointer
}

void KeyEventQueue::install(GLFWwindow* window) {
  window_ = window;
  g_instance = this;
  glfwSetKeyCallback(window, &KeyEventQueue::on_key);
}

void KeyEventQueue::on_key(GLFWwindow*, int key, int scancode, int action, int mods) {
  KeyEventQueue& self = *g_instance;
  if (self.queue_.size() >= kMaxQueued) self.queue_.pop_front();
  self.queue_.push_back(Event{key, scancode, action, mods});
}

void KeyEventQueue::deliver() {
  std::vector<int> pressed;   // keys pressed in this batch
  std::vector<int> released;  // keys released in this batch
  const auto contains = [](const std::vector<int>& keys, int key) {
    return std::find(keys.begin(), keys.end(), key) != keys.end();
  };
  while (!queue_.empty()) {
    const Event event = queue_.front();
    // ImGui must see a key down for a frame, and up for a frame between two presses.
    if (event.action == GLFW_RELEASE && contains(pressed, event.key)) break;
    if (event.action == GLFW_PRESS && contains(released, event.key)) break;
    if (event.action == GLFW_PRESS) pressed.push_back(event.key);
    if (event.action == GLFW_RELEASE) released.push_back(event.key);
    queue_.pop_front();
    ImGui_ImplGlfw_KeyCallback(window_, event.key, event.scancode, event.action, event.mods);
  }
}

}  // namespace chat_web
